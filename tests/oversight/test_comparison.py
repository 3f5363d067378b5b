"""An oversight body's comparison: the covered partnerships side by side, every figure the one
the partnership's own quarterly page shows, each a link down to it; its downloads; a shared
indicator across the partnerships; and who may see it."""

import csv
import io
import re
from datetime import date
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from oversight.comparison import ACTION_FIGURES, comparison
from partnerships.context import acting_in
from partnerships.models import OversightBody, Partnership
from plans.models import AnnualPlan
from plans.quarters import Quarter
from reviews.building import review_for
from tests.factories import (
    ActionFactory,
    AnnualPlanFactory,
    PartnershipFactory,
    ProgressUpdateFactory,
    SuperuserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Q3 = Quarter(2017, 3)
DASHBOARD = "/oversight/demo-pcc/"


def signed_in(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def read(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def body(whole_demo):
    return OversightBody.objects.get(slug="demo-pcc")


@pytest.fixture
def oversight(whole_demo):
    return signed_in("oversight")


def test_the_oversight_login_lands_on_its_comparison(oversight):
    response = oversight.get("/")

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD


def test_it_puts_both_partnerships_side_by_side(oversight):
    page = read(oversight.get(DASHBOARD, {"quarter": "2017-3"}))

    assert "Safer Eastmere Partnership Safer Eastmere Plan 17-18" in page
    assert "Safer Lewisham Partnership Safer Lewisham Plan 17-18" in page
    assert page.index("Safer Eastmere Partnership") < page.index("Safer Lewisham Partnership")


def test_every_figure_is_the_one_the_partnerships_own_quarter_shows(body):
    rows = comparison(body, period=Q3)

    assert {row.partnership.slug for row in rows} == {"lewisham", "eastmere"}
    for row in rows:
        with acting_in(row.partnership):
            review = review_for(AnnualPlan.objects.get(pk=row.plan.pk), 3)
        for name in ACTION_FIGURES:
            assert getattr(row.figures, name) == getattr(review.figures, name), name
        assert row.indicators == review.indicator_figures
        figures = row.figures
        assert figures.complete + figures.in_progress + figures.not_started == figures.total


def test_the_demo_figures_are_those_counted_from_its_files(body):
    by_slug = {row.partnership.slug: row for row in comparison(body, period=Q3)}

    lewisham, eastmere = by_slug["lewisham"].figures, by_slug["eastmere"].figures
    assert (lewisham.total, lewisham.complete, lewisham.in_progress, lewisham.not_started) == (
        37,
        10,
        24,
        3,
    )
    assert (lewisham.open_green, lewisham.open_amber, lewisham.open_red) == (18, 6, 3)
    # Eastmere's Q3: 1.3 complete; 3.1 not started; 1.1 and 2.1 amber, 1.2 and 3.1 red, 3.2 green.
    assert (eastmere.total, eastmere.complete, eastmere.in_progress, eastmere.not_started) == (
        6,
        1,
        4,
        1,
    )
    assert (eastmere.open_green, eastmere.open_amber, eastmere.open_red) == (1, 2, 2)


def test_a_red_count_leads_to_that_partnerships_red_actions(oversight):
    page = oversight.get(DASHBOARD, {"quarter": "2017-3"}).content.decode()
    link = re.search(r'href="(/p/eastmere/[^"]+\?figure=open_red)"', page).group(1)

    response = oversight.get(unescape(link))

    assert response.status_code == 200
    listed = read(response)
    assert "Weapons sweeps and stop and search briefings" in listed  # 1.2, red
    assert "Public Spaces Protection Order" in listed  # 3.1, red
    assert "Better lighting and CCTV" not in listed  # 3.2, green


def test_the_pack_link_downloads_that_partnerships_pack(oversight):
    page = oversight.get(DASHBOARD, {"quarter": "2017-3"}).content.decode()
    link = re.search(r'href="(/p/eastmere/[^"]+/pack\.pdf)"', page).group(1)

    response = oversight.get(link)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_comparison_downloads_as_csv_and_xlsx(oversight):
    csv_response = oversight.get(DASHBOARD + "comparison.csv", {"quarter": "2017-3"})
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))

    assert rows[0][:7] == [
        "Partnership",
        "Plan",
        "Reporting quarter",
        "Actions",
        "Complete",
        "In progress",
        "Not started",
    ]
    assert rows[2][:10] == [
        "Safer Lewisham Partnership",
        "Safer Lewisham Plan 17-18",
        "Q3 2017-18",
        "37",
        "10",
        "24",
        "3",
        "18",
        "6",
        "3",
    ]
    workbook = load_workbook(
        io.BytesIO(oversight.get(DASHBOARD + "comparison.xlsx", {"quarter": "2017-3"}).content)
    )
    sheet = workbook.active
    assert [cell.value for cell in sheet[3]][:4] == [
        "Safer Lewisham Partnership",
        "Safer Lewisham Plan 17-18",
        "Q3 2017-18",
        37,
    ]


def test_a_shared_indicator_is_compared_across_the_partnerships(oversight):
    url = DASHBOARD + "indicators/knife-crime-with-injury/"

    page = read(oversight.get(url))

    assert "Knife crime with injury, police recorded, per quarter" in page
    assert "Safer Eastmere Partnership" in page and "Safer Lewisham Partnership" in page
    # Each partnership's Q1 to Q4 values in the table: Lewisham 52, 49, 51; Eastmere 27, 30, 34.
    assert re.search(r"Safer Eastmere Plan 17-18 27 target 29 .* 30 target 28 .* 34", page)
    assert re.search(r"Safer Lewisham Plan 17-18 52 target 47 .* 49 target 46 .* 51", page)
    html = oversight.get(url).content.decode()
    assert '<svg role="img"' in html or "<svg" in html


def test_an_unknown_quarter_value_shows_the_reporting_quarters(oversight):
    response = oversight.get(DASHBOARD, {"quarter": "²"})

    assert response.status_code == 200
    assert "Each plan’s reporting quarter" in unescape(response.content.decode())


# Who may see it ---------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["officer", "chair", "admin", "eastmere-admin"])
def test_the_partnerships_people_do_not_see_it(whole_demo, username):
    client = signed_in(username)

    for url in [DASHBOARD, DASHBOARD + "comparison.csv", DASHBOARD + "comparison.xlsx"]:
        assert client.get(url).status_code == 404, url


def test_a_site_administrator_sees_it(whole_demo):
    client = Client()
    client.force_login(SuperuserFactory())

    assert client.get(DASHBOARD).status_code == 200


def test_someone_signed_out_is_asked_to_sign_in(whole_demo):
    response = Client().get(DASHBOARD)

    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def test_a_partnership_the_body_does_not_cover_is_not_there_for_it(oversight):
    elsewhere = PartnershipFactory(slug="uncovered")
    plan = AnnualPlanFactory(partnership=elsewhere, slug="their-plan")

    assert oversight.get(f"/p/uncovered/plans/{plan.slug}/").status_code == 404
    assert oversight.get("/p/uncovered/").status_code == 404


# Its queries ------------------------------------------------------------------------------------


def covered_partnerships(body, count):
    """`count` more partnerships covered by the body, each with an active plan and actions."""
    for n in range(count):
        partnership = PartnershipFactory()
        plan = AnnualPlanFactory(partnership=partnership, financial_year=2017)
        for _ in range(3):
            action = ActionFactory(strand__priority__plan=plan)
            ProgressUpdateFactory(action=action, quarter=3, rag_rating="red")
        body.covers.add(partnership)
        assert Partnership.objects.filter(pk=partnership.pk).exists(), n


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_comparisons_queries_do_not_grow_with_the_partnerships(oversight, body):
    url = DASHBOARD + "?quarter=2017-3"
    covered_partnerships(body, 2)
    with_four = queries_for(oversight, url)

    covered_partnerships(body, 6)
    with_ten = queries_for(oversight, url)

    assert with_ten == with_four
    assert len(comparison(body, period=Q3)) == 10


def test_its_figures_are_todays(body):
    rows = comparison(body, on=date(2018, 6, 1), period=Q3)

    assert {row.quarter for row in rows} == {Q3}


def test_someone_of_no_body_has_none(whole_demo):
    client = Client()
    client.force_login(UserFactory())

    assert client.get("/oversight/").status_code == 404
