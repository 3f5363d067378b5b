"""Issue 5's journeys of rolling forward and publishing: an administrator rolls the demo 17-18
plan forward into the 18-19 draft and publishes 17-18; signed out, anyone reads it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_an_administrator_rolls_the_plan_forward_into_the_draft(
    page, live_server, demo_data, sign_in, axe_check
):
    sign_in(page, "admin")
    page.goto(live_server.url + "/p/lewisham/plans/safer-lewisham-plan-17-18/")
    page.get_by_role("link", name="Roll forward into next year’s plan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Roll forward into next year’s plan")
    expect(page.get_by_label("Into an existing draft plan")).to_be_checked()
    expect(page.get_by_label("Draft plan", exact=True)).to_have_value(re.compile(r"\d+"))
    assert axe_check(page) == []
    page.get_by_role("button", name="Roll forward").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Safer Lewisham Plan 18-19")
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text("Rolled forward from Safer Lewisham Plan 17-18")
    expect(banner).to_contain_text("dates checked")
    expect(page.get_by_role("heading", name="Violence against women and girls")).to_be_visible()


def test_a_published_plan_is_read_signed_out(page, live_server, demo_data, sign_in, axe_check):
    sign_in(page, "admin")
    page.goto(live_server.url + "/p/lewisham/plans/safer-lewisham-plan-17-18/")
    page.get_by_role("button", name="Publish on the public pages").click()
    expect(page.get_by_role("alert")).to_contain_text("is published")
    page.get_by_role("button", name=re.compile("Sign out")).click()

    page.goto(live_server.url + "/p/lewisham/public/safer-lewisham-plan-17-18/")

    expect(page.get_by_role("heading", level=1)).to_have_text("Safer Lewisham Plan 17-18")
    expect(page.get_by_text("No quarter has been reviewed yet.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("Daniel Osei")
    assert axe_check(page) == []
