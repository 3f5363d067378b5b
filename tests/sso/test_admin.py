"""Single sign-on providers in the site's admin: site administrators only, the client secret
written but never shown back."""

import pytest

from sso.models import SingleSignOnProvider
from tests.conftest import PREFIX

from .conftest import provider_record

pytestmark = pytest.mark.django_db
SECRET = "secret-of-safer-lewisham"


def test_the_secret_is_never_shown(admin_client):
    record = provider_record("https://login.example/tenant/v2.0")

    listing = admin_client.get("/admin/sso/singlesignonprovider/").content.decode()
    form = admin_client.get(f"/admin/sso/singlesignonprovider/{record.pk}/change/")

    assert "Lewisham Council" in listing
    assert form.status_code == 200
    assert SECRET not in listing
    assert SECRET not in form.content.decode()


def test_saving_without_a_new_secret_keeps_the_old_one(admin_client):
    record = provider_record("https://login.example/tenant/v2.0")

    response = admin_client.post(
        f"/admin/sso/singlesignonprovider/{record.pk}/change/",
        {
            "name": "Lewisham Council (Microsoft)",
            "issuer": "https://login.example/tenant/v2.0",
            "client_id": "safer-lewisham",
            "client_secret": "",
            "email_domains": "Lewisham.gov.uk,  @met.police.uk",
            "allows_password": "on",
            "is_active": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()
    record.refresh_from_db()
    assert record.client_secret == SECRET
    assert record.name == "Lewisham Council (Microsoft)"
    assert record.email_domains == "lewisham.gov.uk, met.police.uk"


def test_a_domain_has_one_provider(admin_client):
    provider_record("https://login.example/one/v2.0", email_domains="lewisham.gov.uk")

    response = admin_client.post(
        "/admin/sso/singlesignonprovider/add/",
        {
            "name": "Another",
            "issuer": "https://login.example/two/v2.0",
            "client_id": "another",
            "client_secret": "another-secret",
            "email_domains": "lewisham.gov.uk",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert "Another active provider already serves lewisham.gov.uk" in response.content.decode()
    assert SingleSignOnProvider.objects.count() == 1


def test_a_partnership_administrator_does_not_see_them(client, administrator):
    provider_record("https://login.example/tenant/v2.0")
    client.force_login(administrator)

    response = client.get(f"{PREFIX}/admin/sso/singlesignonprovider/")

    assert client.get(f"{PREFIX}/admin/actions/action/").status_code == 200  # their own admin
    assert response.status_code == 403
