"""A large plan's page in real Chromium (issue 15): its strands, then a strand's actions a page at
a time, read by following links with JavaScript off, and checked by axe-core.

The demo plan's 37 actions are few enough to show on one page (tests/browser/
test_reading_the_plan.py): here the thresholds are lowered (the live server runs in this
process) so that the demo plan folds into its strands and a strand's actions take pages."""

import re

import pytest
from playwright.sync_api import expect

from actions.views import plan as plan_view
from tests.conftest import PREFIX

from .conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLAN = f"{PREFIX}/plans/safer-lewisham-plan-17-18/"
STRAND = "Violence against women and girls"


@pytest.fixture
def folded(monkeypatch):
    """The demo plan (37 actions) folds; a strand's actions are listed 5 to a page."""
    monkeypatch.setattr(plan_view, "FOLD_ABOVE", 10)
    monkeypatch.setattr(plan_view, "ACTIONS_PER_PAGE", 5)


def test_the_folded_page_and_a_strands_pages_pass_axe(
    page, live_server, demo_data, folded, sign_in, axe_check
):
    sign_in(page, "chair")
    page.goto(live_server.url + PLAN)
    expect(page.get_by_text("This plan has 37 actions in")).to_be_visible()
    assert axe_check(page) == []

    page.get_by_role("link", name=STRAND, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(STRAND)
    expect(page.get_by_role("navigation", name=f"Pages of {STRAND}")).to_be_visible()
    assert axe_check(page) == []

    page.get_by_role("link", name="Next page").click()
    expect(page).to_have_url(re.compile(r"\?strand=\d+&page=2$"))
    assert axe_check(page) == []


def test_every_action_is_reached_by_links_without_javascript(
    browser, live_server, demo_data, folded
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Safer Lewisham Plan 17-18").click()

    expect(page.locator("table.app-action-table tbody tr")).to_have_count(0)
    strands = page.locator("table.app-strand-table a")
    addresses = [strands.nth(n).get_attribute("href") for n in range(strands.count())]
    seen = set()
    for address in addresses:
        page.goto(live_server.url + address)
        while True:
            rows = page.locator("table.app-action-table tbody tr")
            seen |= {rows.nth(n).get_attribute("id") for n in range(rows.count())}
            following = page.get_by_role("link", name="Next page")
            if not following.count():
                break
            following.click()

    assert len(seen) == 37
    context.close()
