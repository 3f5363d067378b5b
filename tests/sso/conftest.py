"""The single sign-on tests' provider (a real OpenID Connect provider in its own process,
tests/oidc_provider/) and a person's trip through it: its login form, and back."""

import re
import socket
from urllib.parse import urlsplit

import pytest
import requests

from partnerships.models import Partnership
from sso.models import SingleSignOnProvider
from tests.conftest import PREFIX, TEST_PARTNERSHIP_ID
from tests.oidc_provider.running import PASSWORD, oidc_provider, secret_of  # noqa: F401


def lewisham():
    return Partnership.objects.get(pk=TEST_PARTNERSHIP_ID)


def provider_record(issuer, client_id="safer-lewisham", partnerships=None, **fields):
    """The site's record of a provider (as a site administrator makes it in admin)."""
    record = SingleSignOnProvider.objects.create(
        name=fields.pop("name", f"Lewisham Council ({client_id})"),
        issuer=issuer,
        client_id=client_id,
        client_secret=secret_of(client_id),
        **fields,
    )
    record.partnerships.set([lewisham()] if partnerships is None else partnerships)
    return record


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ProviderBrowser:
    """A person's browser at the provider: its own cookies, following the provider's own
    redirects (its login form, the authorization) until it sends them back to the site."""

    def __init__(self):
        self.session = requests.Session()

    def sign_in(self, authorize_url, username, password=PASSWORD) -> str:
        """Follow the site's redirect to the provider, sign in on its login form, and return
        the address the provider sends the person back to (the site's callback)."""
        answer = self.session.get(authorize_url, allow_redirects=False, timeout=10)
        if answer.status_code == 302 and "/accounts/login/" in answer.headers["Location"]:
            login_page = self.session.get(
                self._absolute(authorize_url, answer.headers["Location"]), timeout=10
            )
            assert login_page.status_code == 200, login_page.text
            next_page = re.search(r'name="next" value="([^"]*)"', login_page.text)[1]
            answer = self.session.post(
                login_page.url,
                data={
                    "csrfmiddlewaretoken": self.session.cookies["provider_csrftoken"],
                    "username": username,
                    "password": password,
                    "next": next_page.replace("&amp;", "&"),
                },
                allow_redirects=False,
                timeout=10,
            )
            assert answer.status_code == 302, answer.text
            answer = self.session.get(
                self._absolute(authorize_url, answer.headers["Location"]),
                allow_redirects=False,
                timeout=10,
            )
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]

    def follow(self, url):
        """A GET at the provider (its sign-out), not following its redirect back."""
        return self.session.get(url, allow_redirects=False, timeout=10)

    @staticmethod
    def _absolute(base, location):
        if location.startswith("http"):
            return location
        parts = urlsplit(base)
        return f"{parts.scheme}://{parts.netloc}{location}"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


@pytest.fixture
def provider_browser():
    return ProviderBrowser()


@pytest.fixture
def sign_in_with(client, provider_browser):
    """Sign in as the provider's `username` through the button of `record`: the site's
    answer to the provider's redirect back (the callback's response)."""

    def sign_in(record, username, start=None):
        start = start or f"{PREFIX}/sign-in/organisation/{record.pk}/"
        to_provider = client.get(start)
        assert to_provider.status_code == 302, to_provider.content
        back = provider_browser.sign_in(to_provider["Location"], username)
        assert back.startswith("http://testserver/sign-in/organisation/callback/"), back
        return client.get(path_of(back))

    return sign_in
