"""The journey of issue 2: sign in with a demo login and read the 17-18 plan as Appendix A."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import PREFIX

from .conftest import DEMO_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def sign_in_from_home(page, live_server, username):
    """Open the partnership's home page signed out: its sign-in page asks, then goes back."""
    home = reverse("home")
    page.goto(live_server.url + home)
    expect(page).to_have_url(re.compile(rf"{PREFIX}/sign-in/\?next={home}$"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_member_signs_in_and_reads_the_plan_as_appendix_a(page, live_server, demo_data):
    sign_in_from_home(page, live_server, "chair")

    expect(page.get_by_role("heading", name="Plans", exact=True)).to_be_visible()
    page.get_by_role("link", name="Safer Lewisham Plan 17-18").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Safer Lewisham Plan 17-18")
    expect(page.get_by_role("heading", name="Violence", exact=True)).to_be_visible()
    for strand in [
        "Violence against women and girls",
        "Peer on peer abuse / serious violence",
        "All other forms of violence",
    ]:
        expect(page.get_by_role("heading", name=strand, exact=True)).to_be_visible()
    # Every action of the reference's action plan is a row of the strands' tables.
    expect(page.locator("table.app-action-table tbody tr")).to_have_count(37)
    qualified = page.get_by_role("row", name=re.compile("trauma informed model"))
    expect(qualified).to_contain_text("within YOS and CER")
    expect(qualified).to_contain_text("March 18")


def test_a_wrong_password_is_explained_and_the_username_kept(page, live_server, demo_data):
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_label("Username")).to_have_value("officer")


def test_signing_out_returns_to_the_sign_in_page(page, live_server, demo_data):
    sign_in_from_home(page, live_server, "officer")
    page.get_by_role("button", name=re.compile("Sign out")).click()

    expect(page).to_have_url(re.compile(rf"{PREFIX}/sign-in/$"))
    page.goto(live_server.url + reverse("home"))
    expect(page).to_have_url(re.compile(rf"{PREFIX}/sign-in/\?next="))
    # The site's root asks too.
    page.goto(live_server.url + "/")
    expect(page).to_have_url(live_server.url + "/sign-in/?next=/")


@pytest.mark.parametrize(
    ("username", "path"),
    [
        (None, "/sign-in/"),
        (None, "/sign-in/reset/"),
        (None, f"{PREFIX}/sign-in/"),
        ("chair", f"{PREFIX}/"),
        ("officer", f"{PREFIX}/"),
        ("chair", f"{PREFIX}/plans/safer-lewisham-plan-17-18/"),
        ("chair", f"{PREFIX}/plans/safer-lewisham-plan-18-19/"),
        ("chair", f"{PREFIX}/plans/no-such-plan/"),
        ("officer", f"{PREFIX}/actions/mine/"),
        ("officer", f"{PREFIX}/actions/mine/?update_due=yes"),
        ("officer", f"{PREFIX}/actions/mine/?plan=no-such-plan"),
        ("chair", f"{PREFIX}/actions/mine/"),
    ],
)
def test_pages_have_no_accessibility_violations(
    page, live_server, demo_data, sign_in, axe_check, username, path
):
    if username:
        sign_in(page, username)
    page.goto(live_server.url + path)

    assert axe_check(page) == []


def test_the_plan_reads_without_javascript(browser, live_server, demo_data):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Safer Lewisham Plan 17-18").click()

    expect(page.locator("table.app-action-table tbody tr")).to_have_count(37)
    context.close()
