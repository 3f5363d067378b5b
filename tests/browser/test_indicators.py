"""Issue 7's indicators in real Chromium: the chair reads the Q3 page's indicators against their
targets and opens one; the police officer records a value for the quarter still to report."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Q3 = "/p/lewisham/plans/safer-lewisham-plan-17-18/quarters/3/"


def test_the_chair_reads_the_indicators_on_the_q3_page(
    page, live_server, demo_data, sign_in, axe_check
):
    sign_in(page, "chair")
    page.goto(live_server.url + Q3)

    section = page.locator("section[aria-labelledby=indicators]")
    expect(section.get_by_role("heading", name="Performance indicators")).to_be_visible()
    expect(section).to_contain_text("1 beyond tolerance (red)")
    knife = section.locator("tr", has_text="Knife crime with injury offences").first
    expect(knife).to_contain_text("Red")
    expect(knife.locator("svg[role=img]")).to_be_visible()
    knife.get_by_text("Figures").click()
    expect(knife.locator("details table")).to_contain_text("Baseline")
    assert axe_check(page) == []

    knife.get_by_role("link", name="Knife crime with injury offences").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Knife crime with injury offences")
    expect(page.locator("#series-table")).to_contain_text("Q3 2017-18")
    assert axe_check(page) == []


def test_an_officer_records_the_q4_value(page, live_server, demo_data, sign_in, axe_check):
    sign_in(page, "police")
    page.goto(live_server.url + Q3)
    page.locator("section[aria-labelledby=indicators]").get_by_role(
        "link", name="Knife crime with injury offences"
    ).click()
    page.get_by_role("link", name=re.compile("Record the value for Q4 2017-18")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the value for Q4 2017-18")
    assert axe_check(page) == []
    page.get_by_label("The number for Q4 2017-18").fill("twelve")
    page.get_by_role("button", name="Save value").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("as a number, like 12 or 12.5")
    assert axe_check(page) == []
    page.get_by_label("The number for Q4 2017-18").fill("43")
    page.get_by_role("button", name="Save value").click()

    expect(page.locator("#q4")).to_contain_text("43")
    expect(page.locator("#q4")).to_contain_text("Green")
