"""The partnership's home page (/p/<slug>/): every plan, grouped by status."""

import re
from html import unescape

import pytest
from django.urls import reverse

from tests.factories import ActionFactory, AnnualPlanFactory, UserFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def headings(response):
    """The text of the page's h2 (large) and h3 headings, in the order the page shows them."""
    html = response.content.decode()
    found = re.findall(r'<h(?:2 class="govuk-heading-l[^"]*"|3[^>]*)>(.*?)</h[23]>', html, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", text)).strip() for text in found]


# Access -----------------------------------------------------------------------------------------


def sign_in_url_for(page):
    return f"{reverse('login')}?next={page}"


def test_it_sends_an_anonymous_visitor_from_home_to_sign_in(client, db):
    response = client.get(reverse("home"))

    assert response.status_code == 302
    assert response.url == sign_in_url_for(reverse("home"))


def test_it_does_not_show_an_anonymous_visitor_any_plan(client):
    ActionFactory(text="A confidential action.")

    response = client.get(reverse("home"), follow=True)

    assert "A confidential action." not in response.content.decode()
    assert response.redirect_chain == [(sign_in_url_for(reverse("home")), 302)]


def test_someone_signed_in_but_not_of_the_partnership_is_told_it_is_not_there(client):
    client.force_login(UserFactory(username="stranger"))
    AnnualPlanFactory(title="Safer Plan 17-18", status="active")

    response = client.get(reverse("home"))

    assert response.status_code == 404
    assert "Safer Plan 17-18" not in response.content.decode()


# Home page --------------------------------------------------------------------------------------


def test_it_shows_a_signed_in_member_every_plan_under_its_status(member_client):
    AnnualPlanFactory(title="Safer Plan 15-16", financial_year=2015, status="closed")
    AnnualPlanFactory(title="Safer Plan 18-19", financial_year=2018, status="draft")
    AnnualPlanFactory(title="Safer Plan 17-18", financial_year=2017, status="active")
    AnnualPlanFactory(title="Safer Plan 19-20", financial_year=2019, status="consultation")
    AnnualPlanFactory(title="Safer Plan 16-17", financial_year=2016, status="signed_off")

    response = member_client.get(reverse("home"))

    assert response.status_code == 200
    assert headings(response) == [
        "Active",
        "Safer Plan 17-18",
        "Signed off",
        "Safer Plan 16-17",
        "Out for consultation",
        "Safer Plan 19-20",
        "Draft",
        "Safer Plan 18-19",
        "Closed",
        "Safer Plan 15-16",
    ]


def test_it_shows_a_status_heading_only_for_statuses_that_have_plans(member_client):
    AnnualPlanFactory(title="Safer Plan 17-18", status="active")
    AnnualPlanFactory(title="Safer Plan 18-19", financial_year=2018, status="draft")

    response = member_client.get(reverse("home"))

    assert headings(response) == ["Active", "Safer Plan 17-18", "Draft", "Safer Plan 18-19"]


def test_it_links_each_plan_with_its_financial_year_on_the_home_page(member_client):
    AnnualPlanFactory(title="Safer Plan 17-18", slug="safer-17-18", financial_year=2017)

    response = member_client.get(reverse("home"))

    html = response.content.decode()
    assert 'href="/p/lewisham/plans/safer-17-18/">Safer Plan 17-18</a>' in html
    assert "1 April 2017 to 31 March 2018" in text_of(response)


def test_it_says_when_there_are_no_plans(member_client):
    response = member_client.get(reverse("home"))

    assert "There are no plans yet." in text_of(response)
