"""An administrator builds a small plan in a real browser, in Django admin alone: their
partnership's Plan administration (/p/<slug>/admin/), as a partnership's administrator (not a
site administrator)."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from actions.models import Action
from agencies import roles
from plans.models import AnnualPlan
from tests.conftest import PREFIX, TEST_PARTNERSHIP_ID, in_role
from tests.factories import AgencyFactory, UserFactory
from tests.two_factor import type_the_code, with_an_app

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def save(page, button="Save"):
    page.get_by_role("button", name=button, exact=True).first.click()
    expect(page.locator(".messagelist .success")).to_be_visible()


def test_an_administrator_builds_a_plan_in_admin_alone(page, live_server):
    in_role(
        with_an_app(
            UserFactory(username="administrator", is_staff=True, password="a long admin password")
        ),
        roles.ADMINISTRATORS,
    )
    AgencyFactory(name="Lewisham Council", slug="lewisham-council")
    page.goto(live_server.url + f"{PREFIX}/admin/")
    page.get_by_label("Username").fill("administrator")
    page.get_by_label("Password").fill("a long admin password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    type_the_code(page, "administrator")

    # A strategy.
    page.goto(live_server.url + f"{PREFIX}/admin/plans/strategy/add/")
    page.locator("#id_title").fill("Community Safety Strategy 2018-2021")
    page.locator("#id_start_year").fill("2018")
    page.locator("#id_end_year").fill("2021")
    save(page)

    # The plan, with a theme and a priority added in the same page.
    page.goto(live_server.url + f"{PREFIX}/admin/plans/annualplan/add/")
    page.locator("#id_title").fill("Safer Example Plan 18-19")
    page.locator("#id_title").blur()
    expect(page.locator("#id_slug")).to_have_value("safer-example-plan-18-19")
    page.locator("#id_strategy").select_option(label="Community Safety Strategy 2018-2021")
    page.locator("#id_financial_year").fill("2018")
    page.locator("#id_themes-0-name").fill("Prevention")
    page.locator("#id_priorities-0-title").fill("Violence")
    save(page)

    # The priority's strand.
    page.goto(live_server.url + f"{PREFIX}/admin/priorities/priority/")
    page.get_by_role("link", name="Violence", exact=True).click()
    page.locator("#id_strands-0-title").fill("Violence against women and girls")
    page.locator("#id_strands-0-scope").fill("All strands of violence against women and girls.")
    save(page)

    # The strand's actions, one readable timeframe and one the reader cannot read.
    page.goto(live_server.url + f"{PREFIX}/admin/priorities/strand/")
    page.get_by_role("link", name="Violence against women and girls").click()
    page.locator("#id_actions-0-reference").fill("1.1")
    page.locator("#id_actions-0-theme").select_option(label="Prevention")
    page.locator("#id_actions-0-text").fill("Open day with the community.")
    page.locator("#id_actions-0-timeframe_wording").fill("March 19")
    save(page, "Save and continue editing")
    page.locator("#id_actions-1-reference").fill("1.2")
    page.locator("#id_actions-1-text").fill("Drama productions in the community.")
    page.locator("#id_actions-1-timeframe_wording").fill("When funding allows")
    save(page, "Save and continue editing")

    # The flagged timeframe is found with the filter and shown as read on the action page.
    page.goto(live_server.url + f"{PREFIX}/admin/actions/action/?timeframe_review=yes")
    page.get_by_role("link", name=re.compile("Drama productions")).click()
    expect(page.get_by_text("Could not read this wording")).to_be_visible()

    plan = AnnualPlan.objects.get(slug="safer-example-plan-18-19")
    # Made in the administrator's partnership, as everything made in its admin is.
    assert plan.partnership_id == TEST_PARTNERSHIP_ID
    assert plan.strategy.partnership_id == TEST_PARTNERSHIP_ID
    actions = list(Action.objects.filter(strand__priority__plan=plan).order_by("reference"))
    assert [a.text for a in actions] == [
        "Open day with the community.",
        "Drama productions in the community.",
    ]
    assert actions[0].timeframe.due_date == date(2019, 3, 31)
    assert actions[1].timeframe.wording == "When funding allows"
    assert actions[1].timeframe.needs_review

    # And the plan reads on the service's own page.
    page.goto(live_server.url + plan.get_absolute_url())
    expect(page.locator("table.app-action-table tbody tr")).to_have_count(2)
    expect(page.get_by_text("Dates not yet set")).to_be_visible()
