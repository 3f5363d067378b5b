"""The sign-in page's single sign-on: a button for each provider of the partnership, the
"Sign in with your organisation's account" form everywhere, the password form kept."""

import pytest

from tests.conftest import PREFIX
from tests.factories import PartnershipFactory

from .conftest import provider_record

pytestmark = pytest.mark.django_db


def test_a_partnership_sign_in_page_has_a_button_for_each_of_its_providers(client):
    record = provider_record(
        "https://login.example/tenant/v2.0",
        name="Lewisham Council (Microsoft)",
        email_domains="lewisham.gov.uk",
    )
    provider_record(
        "https://login.example/other/v2.0",
        client_id="other",
        name="Eastmere Council (Google)",
        partnerships=[PartnershipFactory()],
    )
    provider_record(
        "https://login.example/off/v2.0", client_id="off", name="Switched off", is_active=False
    )

    page = client.get(f"{PREFIX}/sign-in/?next={PREFIX}/dashboard/").content.decode()

    assert "Sign in with Lewisham Council (Microsoft)" in page
    assert f'href="{PREFIX}/sign-in/organisation/{record.pk}/?next={PREFIX}/dashboard/"' in page
    assert "Eastmere Council (Google)" not in page
    assert "Switched off" not in page
    assert 'name="password"' in page  # the password form is still there
    assert f'action="{PREFIX}/sign-in/organisation/"' in page


def test_the_site_sign_in_page_asks_for_the_work_e_mail_address(client):
    provider_record(
        "https://login.example/tenant/v2.0",
        name="Lewisham Council (Microsoft)",
        email_domains="lewisham.gov.uk",
    )

    page = client.get("/sign-in/").content.decode()

    assert "Sign in with your organisation’s account" in page
    assert 'action="/sign-in/organisation/"' in page
    assert "Lewisham Council (Microsoft)" not in page  # the site's page belongs to nobody
    assert 'name="password"' in page


def test_the_organisation_form_asks_for_an_address(client):
    response = client.post("/sign-in/organisation/", {"email": ""})

    assert response.status_code == 200
    assert "Enter your work e-mail address" in response.content.decode()


def test_without_providers_the_sign_in_page_is_as_it_was(client):
    page = client.get(f"{PREFIX}/sign-in/").content.decode()

    assert "organisation’s account" not in page
    assert 'name="password"' in page


def test_without_a_provider_of_domains_the_e_mail_form_is_not_offered(client):
    provider_record("https://login.example/tenant/v2.0", name="Lewisham Council (Microsoft)")

    page = client.get(f"{PREFIX}/sign-in/").content.decode()

    assert "Sign in with Lewisham Council (Microsoft)" in page
    assert 'name="email"' not in page
