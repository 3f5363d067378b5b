"""Signing in with an organisation's account, end to end against a real OpenID Connect provider
(tests/oidc_provider/, django-oauth-toolkit in its own process): the site's button, the
provider's login form, its authorization code, our token exchange and checks, and the person
signed in (or not) here."""

import html
import re

import pytest
from django.contrib.auth import get_user_model

from agencies import roles
from sso.models import SignInIdentity
from tests.conftest import PREFIX, in_role
from tests.factories import PartnershipFactory, UserFactory

from .conftest import closed_port, provider_record

pytestmark = pytest.mark.django_db


def link_of(response, text):
    """The address of the page's link (or link button) with this text."""
    page = response.content.decode()
    found = re.search(rf'<a href="([^"]+)"[^>]*>{re.escape(text)}</a>', page)
    assert found, page
    return html.unescape(found[1])


def signed_in_user(client):
    return client.session.get("_auth_user_id")


def officer_of_lewisham(email="officer@lewisham.gov.uk", username="lewisham-officer"):
    return in_role(UserFactory(username=username, email=email), roles.OFFICERS)


# Signing in -------------------------------------------------------------------------------------


def test_a_member_signs_in_with_their_organisation(oidc_provider, client, sign_in_with):
    officer = officer_of_lewisham()
    record = provider_record(oidc_provider.issuer)

    # The provider's address is "Officer@Lewisham.gov.uk": addresses match whatever their case.
    response = sign_in_with(record, "officer")

    assert response.status_code == 302
    assert response["Location"] == f"{PREFIX}/actions/mine/"  # an officer's landing page
    assert signed_in_user(client) == str(officer.pk)
    assert client.session["_auth_user_backend"] == "sso.backends.SingleSignOnBackend"
    assert client.get(f"{PREFIX}/actions/mine/").status_code == 200


def test_the_first_sign_in_links_the_provider_account(oidc_provider, sign_in_with):
    officer = officer_of_lewisham()
    record = provider_record(oidc_provider.issuer)

    sign_in_with(record, "officer")

    link = SignInIdentity.objects.get()
    assert (link.user, link.provider) == (officer, record)
    assert link.subject and link.last_signed_in_at is not None


def test_a_sign_in_returns_to_the_page_asked_for(oidc_provider, client, sign_in_with):
    officer_of_lewisham()
    record = provider_record(oidc_provider.issuer)
    start = f"{PREFIX}/sign-in/organisation/{record.pk}/?next={PREFIX}/dashboard/"

    response = sign_in_with(record, "officer", start=start)

    assert response["Location"] == f"{PREFIX}/dashboard/"


def test_a_sign_in_does_not_return_to_another_site(oidc_provider, client, sign_in_with):
    officer_of_lewisham()
    record = provider_record(oidc_provider.issuer)
    start = f"{PREFIX}/sign-in/organisation/{record.pk}/?next=https://elsewhere.example/"

    response = sign_in_with(record, "officer", start=start)

    assert response["Location"] == f"{PREFIX}/actions/mine/"


def test_a_provider_of_e_mail_domains_is_found_by_the_address(
    oidc_provider, client, provider_browser
):
    """The site's own sign-in page (no partnership): the work e-mail address picks the provider
    by its domain; a member of any partnership with an address of that domain signs in."""
    constable = in_role(
        UserFactory(username="constable", email="constable@met.police.uk"), roles.OFFICERS
    )
    record = provider_record(
        oidc_provider.issuer,
        name="Metropolitan Police (Microsoft)",
        partnerships=[],
        email_domains="met.police.uk",
    )

    form = client.post("/sign-in/organisation/", {"email": "Constable@Met.Police.uk"})
    assert form.status_code == 200
    onwards = link_of(form, "Continue")
    assert onwards.startswith(f"/sign-in/organisation/{record.pk}/?")
    to_provider = client.get(onwards)
    assert "login_hint=Constable%40Met.Police.uk" in to_provider["Location"]
    back = provider_browser.sign_in(to_provider["Location"], "police")
    response = client.get(back.removeprefix("http://testserver"))

    assert response.status_code == 302
    assert signed_in_user(client) == str(constable.pk)


def test_an_address_of_no_organisation_is_told_to_use_a_password(client):
    response = client.post("/sign-in/organisation/", {"email": "someone@nowhere.example"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is no organisation sign-in for nowhere.example addresses" in page
    assert "Sign in with your username and password" in page


def test_a_provider_that_lists_domains_accepts_only_their_addresses(
    oidc_provider, client, sign_in_with
):
    """A council's tenant can sign in guests with other organisations' addresses: a provider
    that lists its domains accepts only addresses of those."""
    in_role(UserFactory(username="constable", email="constable@met.police.uk"), roles.OFFICERS)
    record = provider_record(oidc_provider.issuer, email_domains="lewisham.gov.uk")

    response = sign_in_with(record, "police")

    assert response.status_code == 403
    assert signed_in_user(client) is None


def test_the_next_sign_in_is_matched_by_the_link(oidc_provider, client, sign_in_with):
    """The person changed their address here after their first sign-in: the provider's
    account is still theirs."""
    officer = officer_of_lewisham()
    record = provider_record(oidc_provider.issuer)
    sign_in_with(record, "officer")
    client.post("/sign-out/")
    get_user_model().objects.filter(pk=officer.pk).update(email="new.name@lewisham.gov.uk")

    response = sign_in_with(record, "officer")

    assert response.status_code == 302
    assert signed_in_user(client) == str(officer.pk)


# Refused ----------------------------------------------------------------------------------------


def refused(response, status, heading):
    page = response.content.decode()
    assert response.status_code == status, page
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    return page


def test_an_address_moved_to_another_person_is_refused(oidc_provider, client, sign_in_with):
    """The provider's account is linked to one person; its address is now another person's
    here: neither is signed in."""
    officer = officer_of_lewisham()
    record = provider_record(oidc_provider.issuer)
    sign_in_with(record, "officer")
    client.post("/sign-out/")
    get_user_model().objects.filter(pk=officer.pk).update(email="moved@lewisham.gov.uk")
    officer_of_lewisham(username="successor")  # now has officer@lewisham.gov.uk

    response = sign_in_with(record, "officer")

    refused(response, 403, "You cannot sign in to this service")
    assert signed_in_user(client) is None


def test_a_reused_mailbox_is_refused(oidc_provider, client, sign_in_with):
    """The person is linked to another account of the provider (the address was given to a
    new account there): refused until an administrator removes the old link."""
    officer = officer_of_lewisham()
    record = provider_record(oidc_provider.issuer)
    SignInIdentity.objects.create(user=officer, provider=record, subject="the-account-before")

    response = sign_in_with(record, "officer")

    refused(response, 403, "You cannot sign in to this service")
    assert signed_in_user(client) is None


def test_a_stranger_with_a_valid_token_gets_no_access(oidc_provider, client, sign_in_with):
    """A real account of the right provider, nobody here: refused, named nowhere, and no
    account is made."""
    officer_of_lewisham()
    record = provider_record(oidc_provider.issuer)
    people = get_user_model().objects.count()

    response = sign_in_with(record, "stranger")

    page = refused(response, 403, "You cannot sign in to this service")
    assert "ask your partnership’s administrator" in page
    assert "stranger" not in page.lower()
    assert signed_in_user(client) is None
    assert get_user_model().objects.count() == people
    assert not SignInIdentity.objects.exists()


def test_a_person_of_another_partnership_only_is_refused(oidc_provider, client, sign_in_with):
    """The provider serves Lewisham; the person is a member of another partnership only."""
    elsewhere = PartnershipFactory()
    in_role(
        UserFactory(username="elsewhere", email="officer@lewisham.gov.uk"),
        roles.OFFICERS,
        partnership=elsewhere,
    )
    record = provider_record(oidc_provider.issuer)

    response = sign_in_with(record, "officer")

    refused(response, 403, "You cannot sign in to this service")
    assert signed_in_user(client) is None


def test_an_unverified_address_is_refused(oidc_provider, client, sign_in_with):
    officer_of_lewisham(email="unconfirmed@lewisham.gov.uk")
    record = provider_record(oidc_provider.issuer)

    response = sign_in_with(record, "unverified")

    refused(response, 403, "Your e-mail address is not confirmed")
    assert signed_in_user(client) is None


def test_an_address_without_email_verified_is_refused_by_default(
    oidc_provider, client, sign_in_with
):
    officer_of_lewisham()
    record = provider_record(oidc_provider.issuer, client_id="no-email-verified")

    response = sign_in_with(record, "officer")

    refused(response, 403, "Your e-mail address is not confirmed")
    assert signed_in_user(client) is None


def test_a_provider_trusted_for_its_addresses_signs_in_without_email_verified(
    oidc_provider, client, sign_in_with
):
    """Microsoft Entra ID sends no email_verified: its record says its addresses are."""
    officer = officer_of_lewisham()
    record = provider_record(
        oidc_provider.issuer, client_id="no-email-verified", trusts_unconfirmed_email=True
    )

    response = sign_in_with(record, "officer")

    assert response.status_code == 302
    assert signed_in_user(client) == str(officer.pk)


@pytest.mark.parametrize(
    "client_id",
    [
        "wrong-audience",  # its ID token is for another service
        "several-audiences",  # for us and another service, without saying which asked (azp)
        "wrong-issuer",  # it says another provider issued it
        "wrong-nonce",  # it was made for another sign-in
        "expired",  # its ID token expired an hour ago
        "issued-long-ago",  # not expired, but made an hour ago
        "tampered",  # a byte of its ID token's signature changed on the way
    ],
)
def test_a_token_that_fails_its_checks_is_refused(oidc_provider, client, sign_in_with, client_id):
    officer_of_lewisham()
    record = provider_record(oidc_provider.issuer, client_id=client_id)

    response = sign_in_with(record, "officer")

    refused(response, 403, "We could not confirm who you are")
    assert signed_in_user(client) is None
    assert not SignInIdentity.objects.exists()


def test_a_refusal_is_logged_with_its_reason(oidc_provider, sign_in_with, caplog):
    officer_of_lewisham()
    record = provider_record(oidc_provider.issuer, client_id="wrong-audience")

    sign_in_with(record, "officer")

    assert "refused (token_refused): ID token: Audience doesn't match" in caplog.text


def test_a_callback_this_session_did_not_begin_is_refused(oidc_provider, client):
    response = client.get("/sign-in/organisation/callback/?code=made-up&state=made-up")

    refused(response, 400, "Signing in did not complete")
    assert signed_in_user(client) is None


def test_a_sign_in_begun_too_long_ago_is_refused(oidc_provider, client, provider_browser):
    officer_of_lewisham()
    record = provider_record(oidc_provider.issuer)
    to_provider = client.get(f"{PREFIX}/sign-in/organisation/{record.pk}/")
    back = provider_browser.sign_in(to_provider["Location"], "officer")
    session = client.session
    for begun in session["oidc_states"].values():
        begun["added_on"] -= 31 * 60
    session.save()

    response = client.get(back.removeprefix("http://testserver"))

    refused(response, 400, "Signing in did not complete")
    assert signed_in_user(client) is None


def test_a_code_used_twice_is_refused(oidc_provider, client, provider_browser):
    """A replayed callback: its state was used up by the first."""
    officer_of_lewisham()
    record = provider_record(oidc_provider.issuer)
    to_provider = client.get(f"{PREFIX}/sign-in/organisation/{record.pk}/")
    back = provider_browser.sign_in(to_provider["Location"], "officer").removeprefix(
        "http://testserver"
    )
    client.get(back)
    client.post("/sign-out/")

    response = client.get(back)

    refused(response, 400, "Signing in did not complete")
    assert signed_in_user(client) is None


def test_a_sign_in_cancelled_at_the_provider_is_refused(oidc_provider, client):
    record = provider_record(oidc_provider.issuer)
    to_provider = client.get(f"{PREFIX}/sign-in/organisation/{record.pk}/")
    state = to_provider["Location"].split("state=")[1].split("&")[0]

    response = client.get(f"/sign-in/organisation/callback/?error=access_denied&state={state}")

    page = refused(response, 400, "Signing in did not complete")
    assert f'href="{PREFIX}/sign-in/"' in page  # back to the partnership's sign-in page


# The provider down ------------------------------------------------------------------------------


def test_a_provider_that_does_not_answer_gets_a_clear_page(client):
    record = provider_record(f"http://127.0.0.1:{closed_port()}/o")

    response = client.get(f"{PREFIX}/sign-in/organisation/{record.pk}/")

    page = refused(response, 503, "Your organisation’s sign-in service is not answering")
    assert "Sign in with your username and password" in page
    assert f'href="{PREFIX}/sign-in/"' in page


def test_no_password_is_offered_where_the_provider_allows_none(client):
    record = provider_record(f"http://127.0.0.1:{closed_port()}/o", allows_password=False)

    response = client.get(f"{PREFIX}/sign-in/organisation/{record.pk}/")

    page = refused(response, 503, "Your organisation’s sign-in service is not answering")
    assert "Sign in with your username and password" not in page
    assert "Go back to the sign-in page" in page


def test_a_provider_that_stops_answering_mid_sign_in_gets_a_clear_page(
    client, provider_browser, tmp_path
):
    """Its token endpoint is down by the time the person comes back: a provider of this test's
    own, stopped after its login form."""
    from tests.oidc_provider import running

    provider = running.start(tmp_path)
    try:
        officer_of_lewisham()
        record = provider_record(provider.issuer)
        to_provider = client.get(f"{PREFIX}/sign-in/organisation/{record.pk}/")
        back = provider_browser.sign_in(to_provider["Location"], "officer")
    finally:
        running.stop(provider)

    response = client.get(back.removeprefix("http://testserver"))

    refused(response, 503, "Your organisation’s sign-in service is not answering")
    assert signed_in_user(client) is None
