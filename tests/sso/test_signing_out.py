"""Signing out after a single sign-on: here, and at the provider (RP-initiated logout), then
back to the sign-in page."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from agencies import roles
from tests.conftest import PREFIX, in_role
from tests.factories import UserFactory

from .conftest import provider_record

pytestmark = pytest.mark.django_db


def test_signing_out_signs_out_at_the_provider_too(
    oidc_provider, client, provider_browser, sign_in_with
):
    in_role(UserFactory(username="officer-1", email="officer@lewisham.gov.uk"), roles.OFFICERS)
    record = provider_record(oidc_provider.issuer)
    sign_in_with(record, "officer")

    response = client.post(f"{PREFIX}/sign-out/")

    assert "_auth_user_id" not in client.session
    # A page that goes to the provider at once (a form's answer may not redirect to another
    # site: CSP form-action), with the link in case the browser does not.
    assert response.status_code == 200
    page = response.content.decode()
    to_provider = html.unescape(re.search(r'<a href="([^"]+)"[^>]*>Sign out of Lewisham', page)[1])
    assert f'<meta http-equiv="refresh" content="0; url={html.escape(to_provider)}">' in page
    assert to_provider.startswith(oidc_provider.issuer + "/logout/?")
    query = parse_qs(urlsplit(to_provider).query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/sign-in/"]
    assert query["client_id"] == ["safer-lewisham"]
    assert query["id_token_hint"][0].count(".") == 2
    # The provider signs them out and sends them back to the site's sign-in page.
    back = provider_browser.follow(to_provider)
    assert back.status_code == 302
    assert back.headers["Location"] == "http://testserver/sign-in/"
    # Signed out there: the next sign-in asks for their password again.
    again = client.get(f"{PREFIX}/sign-in/organisation/{record.pk}/")
    at_provider = provider_browser.follow(again["Location"])
    assert "/accounts/login/" in at_provider.headers["Location"]


def test_signing_out_after_a_password_sign_in_stays_here(oidc_provider, client):
    provider_record(oidc_provider.issuer)
    client.post(f"{PREFIX}/sign-in/", {"username": "officer-2", "password": "x"})
    person = in_role(UserFactory(username="officer-2"), roles.OFFICERS)
    client.force_login(person)

    response = client.post(f"{PREFIX}/sign-out/")

    assert response.status_code == 302
    assert response["Location"] == f"{PREFIX}/sign-in/"
    assert "_auth_user_id" not in client.session
