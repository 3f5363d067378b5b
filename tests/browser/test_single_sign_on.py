"""Single sign-on in real Chromium, against the real OpenID Connect provider of the tests
(tests/oidc_provider/, in its own process): the partnership's sign-in page, its organisation's
button, the provider's own login form, back signed in, and signing out of both."""

import re

import pytest
from playwright.sync_api import expect

from agencies import roles
from sso.models import SingleSignOnProvider
from tests.conftest import PREFIX, TEST_PARTNERSHIP_ID, in_role
from tests.factories import UserFactory
from tests.oidc_provider import running
from tests.oidc_provider.running import PASSWORD, secret_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The provider, started once for the session in its own process (a fixture).
oidc_provider = running.oidc_provider


@pytest.fixture
def council_provider(oidc_provider):
    record = SingleSignOnProvider.objects.create(
        name="Lewisham Council (Microsoft)",
        issuer=oidc_provider.issuer,
        client_id="safer-lewisham",
        client_secret=secret_of("safer-lewisham"),
        email_domains="lewisham.gov.uk",
    )
    record.partnerships.add(TEST_PARTNERSHIP_ID)
    return record


def sign_in_at_the_provider(page, username):
    expect(page.get_by_role("heading", level=1)).to_have_text("Test provider: sign in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in to the test provider").click()


def test_an_officer_signs_in_with_their_council_and_signs_out(
    page,
    live_server,
    council_provider,
    oidc_provider,
    axe_check,
):
    in_role(
        UserFactory(username="council-officer", email="officer@lewisham.gov.uk"), roles.OFFICERS
    )

    page.goto(live_server.url + PREFIX + "/sign-in/")
    expect(page.get_by_role("heading", level=2, name="Sign in with your organisation’s account"))
    assert axe_check(page) == []
    page.get_by_role("button", name="Sign in with Lewisham Council (Microsoft)").click()

    expect(page).to_have_url(re.compile(re.escape(oidc_provider.base_url) + "/accounts/login/"))
    sign_in_at_the_provider(page, "officer")

    expect(page).to_have_url(live_server.url + PREFIX + "/actions/mine/")
    expect(page.get_by_role("button", name=re.compile("Sign out"))).to_be_visible()

    page.get_by_role("button", name=re.compile("Sign out")).click()

    # Signed out here, then at the provider, which sends them back to the sign-in page.
    expect(page).to_have_url(live_server.url + "/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    # Signed out at the provider too: its button asks for the password again.
    page.goto(live_server.url + PREFIX + "/sign-in/")
    page.get_by_role("button", name="Sign in with Lewisham Council (Microsoft)").click()
    expect(page).to_have_url(re.compile(re.escape(oidc_provider.base_url) + "/accounts/login/"))


def test_a_stranger_is_told_to_ask_their_partnership(
    page, live_server, council_provider, axe_check
):
    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Work e-mail address").fill("someone@nowhere.example")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "There is no organisation sign-in for nowhere.example addresses"
    )
    assert axe_check(page) == []

    page.goto(live_server.url + PREFIX + "/sign-in/")
    page.get_by_role("button", name="Sign in with Lewisham Council (Microsoft)").click()
    sign_in_at_the_provider(page, "stranger")

    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot sign in to this service")
    expect(page.get_by_text("ask your partnership’s administrator")).to_be_visible()
    assert axe_check(page) == []


def test_a_police_officer_finds_their_force_by_their_e_mail_address(
    page, live_server, oidc_provider, axe_check
):
    in_role(UserFactory(username="constable", email="constable@met.police.uk"), roles.OFFICERS)
    SingleSignOnProvider.objects.create(
        name="Metropolitan Police (Microsoft)",
        issuer=oidc_provider.issuer,
        client_id="safer-lewisham",
        client_secret=secret_of("safer-lewisham"),
        email_domains="met.police.uk",
    )

    page.goto(live_server.url + "/sign-in/")
    page.get_by_label("Work e-mail address").fill("constable@met.police.uk")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Sign in with Metropolitan Police (Microsoft)"
    )
    assert axe_check(page) == []
    page.get_by_role("button", name="Continue").click()
    sign_in_at_the_provider(page, "police")

    expect(page).to_have_url(live_server.url + PREFIX + "/actions/mine/")
