"""Issue 4's journey in real Chromium: the chair opens the dashboard, goes to the quarter,
drills from the red count to the actions behind it, and downloads the meeting pack."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Q3 = "/p/lewisham/plans/safer-lewisham-plan-17-18/quarters/3/"


def test_the_chair_drills_from_a_red_count_to_its_actions_and_downloads_the_pack(
    page, live_server, demo_data, sign_in, axe_check
):
    sign_in(page, "chair")

    expect(page).to_have_url(re.compile(r"/p/lewisham/dashboard/$"))
    expect(page.get_by_role("heading", name="Safer Lewisham Plan 17-18")).to_be_visible()
    assert axe_check(page) == []

    page.goto(live_server.url + Q3)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Q3 2017-18: October to December 2017"
    )
    assert axe_check(page) == []
    # The demo plan's Q3, counted by hand from its data file: 3 red, 6 amber.
    page.get_by_role("link", name="3 off track (red)").first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Off track")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Open Day / Evening with the community")
    assert axe_check(page) == []

    page.goto(live_server.url + Q3)
    with page.expect_download() as download:
        page.get_by_role("link", name="Meeting pack (PDF)").click()
    pack = download.value
    assert pack.suggested_filename == "safer-lewisham-plan-17-18-Q3-pack.pdf"
    with open(pack.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_the_quarterly_page_prints_without_the_service_chrome(
    page, live_server, demo_data, sign_in
):
    sign_in(page, "chair")
    page.goto(live_server.url + Q3)
    page.emulate_media(media="print")

    expect(page.locator(".govuk-service-navigation")).to_be_hidden()
    expect(page.get_by_role("heading", name="Off track and at risk")).to_be_visible()
