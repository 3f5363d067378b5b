"""Two-factor authentication in real Chromium: an administrator without an authenticator app sets
one up while signing in (reading the secret key from the page, as a person types it into their
app), saves the recovery codes, and signs in again with a code; an officer turns it on by
choice, signs in with a recovery code, and turns it off."""

import re
from base64 import b32decode

import pytest
from django.contrib.auth import get_user_model
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD
from tests.conftest import PREFIX
from tests.two_factor import type_the_code, wrong_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE_LABEL = "Code from your authenticator app"


def code_from_the_page(page) -> str:
    """What an authenticator app shows for the secret key on the page, now."""
    key = page.locator("#secret-key").inner_text().replace(" ", "")
    return f"{totp(b32decode(key + '=' * (-len(key) % 8))):06d}"


def type_password(page, base_url, username):
    page.goto(f"{base_url}{PREFIX}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page):
    page.get_by_role("button", name=re.compile("Sign out")).click()
    page.wait_for_load_state()


def test_an_administrator_sets_up_an_app_while_signing_in_then_signs_in_with_a_code(
    page, live_server, demo_data, axe_check
):
    TOTPDevice.objects.filter(user__username="admin").delete()  # as before two-factor existed
    url = live_server.url

    type_password(page, url, "admin")

    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_text("Administrators must sign in with a code")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert axe_check(page) == []
    # Not signed in yet: the dashboard asks for a sign-in.
    page.goto(f"{url}{PREFIX}/dashboard/")
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()

    type_password(page, url, "admin")
    page.get_by_label(CODE_LABEL).fill("12345")
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("The code is not right")
    expect(page.get_by_label(CODE_LABEL)).to_have_value("12345")  # what was typed is kept
    assert axe_check(page) == []
    page.get_by_label(CODE_LABEL).fill(code_from_the_page(page))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    expect(page.get_by_role("heading", name="Save your recovery codes")).to_be_visible()
    codes = page.locator("main code").all_inner_texts()
    assert len(codes) == 10
    assert axe_check(page) == []
    page.get_by_role("link", name=re.compile("I have saved my recovery codes")).click()
    expect(page).to_have_url(f"{url}{PREFIX}/dashboard/")
    sign_out(page)

    # Next time: the password, then the code.
    type_password(page, url, "admin")
    expect(
        page.get_by_role("heading", name="Enter the code from your authenticator app")
    ).to_be_visible()
    field = page.get_by_label(CODE_LABEL)
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    expect(field).to_have_attribute("inputmode", "numeric")
    assert axe_check(page) == []
    field.fill(wrong_code(get_user_model().objects.get(username="admin")))
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("not right")
    assert axe_check(page) == []
    # django-otp checks no code for a second after a wrong one.
    page.wait_for_timeout(1_100)
    type_the_code(page, "admin")

    expect(page).to_have_url(f"{url}{PREFIX}/dashboard/")
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()


def test_an_officer_turns_it_on_signs_in_with_a_recovery_code_and_turns_it_off(
    page, live_server, demo_data, sign_in, axe_check
):
    url = live_server.url
    sign_in(page, "officer")

    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_text("Two-factor authentication is off")).to_be_visible()
    assert axe_check(page) == []
    page.get_by_role("link", name="Set up two-factor authentication").click()
    page.get_by_label(CODE_LABEL).fill(code_from_the_page(page))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    codes = page.locator("main code").all_inner_texts()
    page.get_by_role("link", name=re.compile("I have saved my recovery codes")).click()
    expect(page.get_by_text("Two-factor authentication is on")).to_be_visible()
    sign_out(page)

    type_password(page, url, "officer")
    page.get_by_role("link", name="Use a recovery code instead").click()
    expect(page.get_by_role("heading", name="Enter a recovery code")).to_be_visible()
    assert axe_check(page) == []
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("You used a recovery code: you have 9 left")).to_be_visible()

    page.get_by_role("link", name="Two-factor authentication").click()
    page.get_by_role("link", name="Turn off two-factor authentication").click()
    # The page that asks, loaded, before it is checked.
    expect(
        page.get_by_role("heading", level=1, name="Turn off two-factor authentication")
    ).to_be_visible()
    assert axe_check(page) == []
    type_the_code(page, "officer", button="Turn off two-factor authentication")
    expect(page.get_by_text("Two-factor authentication is off").first).to_be_visible()
    sign_out(page)

    sign_in(page, "officer")  # the password alone again
    expect(page).to_have_url(f"{url}{PREFIX}/actions/mine/")
