"""An indicator's page (/indicators/<pk>/): what it counts, its targets, its full series as a
chart and a table, its history; and an administrator's override of a value's rating."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.models import Indicator, IndicatorValue
from tests.closing import close_quarter
from tests.factories import (
    IndicatorFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    SuperuserFactory,
    UserFactory,
)
from tests.pages import text_of


@pytest.fixture
def indicator(lead_agency):
    """Knife crime with injury, lower is better: Q1 52 (red), Q2 47 (amber), Q3 44 (green)
    against a target of 45 with a tolerance of 4; Q4 not yet reported."""
    indicator = IndicatorFactory(
        name="Knife crime with injury offences",
        description="Offences where a victim was injured.",
        direction=Indicator.Direction.LOWER,
        baseline_value=196,
        baseline_period="2016-17",
        annual_target=45,
        tolerance=4,
        source_agency=lead_agency,
    )
    IndicatorTargetFactory(indicator=indicator, quarter=4, value=44)
    recorder = UserFactory(first_name="Sarah", last_name="Whitfield")
    for quarter, value in ((1, 52), (2, 47), (3, 44)):
        IndicatorValueFactory(
            indicator=indicator, quarter=quarter, value=value, recorded_by=recorder
        )
    return indicator


def detail(client, indicator):
    return client.get(reverse("indicators:detail", args=[indicator.pk]))


def test_it_says_what_the_indicator_counts_and_its_targets(member_client, indicator):
    page = text_of(detail(member_client, indicator))

    assert "Knife crime with injury offences" in page
    assert "Offences where a victim was injured." in page
    assert "Lower is better" in page
    assert "Baseline 196 (2016-17)" in page
    assert "45 for the year" in page
    assert "Q4: 44" in page
    assert "Source agency Lewisham Council" in page


def test_it_shows_every_quarter_in_a_table(member_client, indicator):
    body = detail(member_client, indicator).content.decode()
    table = re.search(r'<table[^>]*id="series-table".*?</table>', body, re.S).group(0)
    rows = [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr.*?</tr>", table, re.S)
    ]

    assert rows[1] == "Baseline (2016-17) 196"
    assert rows[2].startswith("Q1 2017-18 45 52 Red")
    assert rows[3].startswith("Q2 2017-18 45 47 Amber")
    assert rows[4].startswith("Q3 2017-18 45 44 Green")
    assert "Sarah Whitfield" in rows[4]
    assert rows[5].startswith("Q4 2017-18 44 Not reported")


def test_it_draws_the_series_as_an_accessible_chart(member_client, indicator):
    body = detail(member_client, indicator).content.decode()

    svg = re.search(r"<svg.*?</svg>", body, re.S).group(0)
    assert 'role="img"' in svg
    assert "<title" in svg
    description = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
    assert "Baseline: 196." in description
    assert "Q1: 52 against a target of 45, red." in description
    assert "Q3: 44 against a target of 45, green." in description
    assert "Q4: not reported (target 44)." in description


def test_it_lists_the_changes_made(member_client, indicator):
    page = text_of(detail(member_client, indicator))

    assert "Changes to this indicator" in page
    assert "Q3 value added" in page
    assert "Indicator added" in page


def test_the_source_agencys_officer_is_offered_to_record_and_others_are_not(
    officer_client, indicator, client, member
):
    body = detail(officer_client, indicator).content.decode()
    assert f"{reverse('indicators:record', args=[indicator.pk])}?quarter=4" in body

    client.force_login(member)
    assert "/record/" not in detail(client, indicator).content.decode()


def test_it_takes_the_same_number_of_queries_however_many_values_and_changes(member_client):
    indicator = IndicatorFactory()
    url = reverse("indicators:detail", args=[indicator.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert member_client.get(url).status_code == 200
        return len(captured)

    IndicatorValueFactory(indicator=indicator, quarter=1)
    member_client.get(url)
    few = queries()
    for quarter in (2, 3, 4):
        IndicatorTargetFactory(indicator=indicator, quarter=quarter)
        value = IndicatorValueFactory(indicator=indicator, quarter=quarter, value=3)
        value.value = 4
        value.save()

    assert queries() == few


# Overriding a rating ---------------------------------------------------------------------------


def override(client, indicator, quarter=2, rating="green", reason="The rise is one incident."):
    return client.post(
        reverse("indicators:override", args=[indicator.pk]),
        {"quarter": str(quarter), f"q{quarter}-rating": rating, f"q{quarter}-reason": reason},
    )


def test_an_administrator_overrides_a_rating_with_a_reason(admin_client, indicator):
    response = override(admin_client, indicator)

    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=indicator, quarter=2)
    assert (value.rating, value.rating_override, value.final_rating) == ("amber", "green", "green")
    assert value.override_reason == "The rise is one incident."
    page = text_of(detail(admin_client, indicator))
    assert "Overridden: the computed rating is Amber" in page
    assert "The rise is one incident." in page


def test_an_override_needs_a_reason(admin_client, indicator):
    response = override(admin_client, indicator, reason="  ")

    assert response.status_code == 400
    assert "Enter the reason for overriding the rating" in text_of(response)
    assert IndicatorValue.objects.get(indicator=indicator, quarter=2).rating_override == ""


@pytest.mark.parametrize("role", ["officer", "member"])
def test_an_override_needs_the_permission(client, indicator, role, request):
    client.force_login(request.getfixturevalue(role))

    assert override(client, indicator).status_code == 403
    assert IndicatorValue.objects.get(indicator=indicator, quarter=2).rating_override == ""


def test_an_override_can_be_removed(admin_client, indicator):
    override(admin_client, indicator)

    override(admin_client, indicator, rating="", reason="")

    value = IndicatorValue.objects.get(indicator=indicator, quarter=2)
    assert (value.rating_override, value.override_reason, value.final_rating) == ("", "", "amber")


def test_an_override_is_in_the_audit_trail(admin_client, superuser, indicator):
    override(admin_client, indicator)

    last = IndicatorValue.history.filter(quarter=2).order_by("-history_date").first()
    assert (last.rating_override, last.history_user) == ("green", superuser)


def test_a_closed_quarters_rating_is_not_overridden(admin_client, indicator):
    close_quarter(indicator.plan, 2, by=SuperuserFactory(), on=date(2018, 2, 1))

    override(admin_client, indicator)

    assert IndicatorValue.objects.get(indicator=indicator, quarter=2).rating_override == ""
