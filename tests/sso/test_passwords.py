"""A provider may keep its people from signing in with a password: they use their
organisation's account. (The check is an authentication backend, so any password form would
meet it; admin's sign-in page sends people to the site's.)"""

import pytest

from agencies import roles
from tests.conftest import PREFIX, in_role
from tests.factories import SuperuserFactory, UserFactory

from .conftest import provider_record

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # every UserFactory user's password


@pytest.fixture
def officer():
    return in_role(
        UserFactory(username="council-officer", email="officer@lewisham.gov.uk"), roles.OFFICERS
    )


def sign_in(client, username, url=f"{PREFIX}/sign-in/", password=PASSWORD):
    """Whether the password was accepted (signed in, or on to the second factor)."""
    response = client.post(url, {"username": username, "password": password})
    return response.status_code == 302


def test_a_password_still_signs_in_where_the_provider_allows_it(client, officer):
    provider_record("https://login.example/t/v2.0", email_domains="lewisham.gov.uk")

    assert sign_in(client, "council-officer")


def test_a_password_is_refused_where_the_provider_allows_none(client, officer):
    provider_record(
        "https://login.example/t/v2.0",
        name="Lewisham Council (Microsoft)",
        email_domains="lewisham.gov.uk",
        allows_password=False,
    )

    response = client.post(
        f"{PREFIX}/sign-in/", {"username": "council-officer", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert (
        "People of your organisation sign in with Lewisham Council (Microsoft), not a password."
        in response.content.decode()
    )


def test_a_wrong_password_does_not_say_which_organisation(client, officer):
    provider_record(
        "https://login.example/t/v2.0",
        name="Lewisham Council (Microsoft)",
        email_domains="lewisham.gov.uk",
        allows_password=False,
    )

    response = client.post(
        f"{PREFIX}/sign-in/", {"username": "council-officer", "password": "wrong"}
    )

    assert "People of your organisation sign in with" not in response.content.decode()


def test_an_inactive_provider_bars_no_password(client, officer):
    provider_record(
        "https://login.example/t/v2.0",
        email_domains="lewisham.gov.uk",
        allows_password=False,
        is_active=False,
    )

    assert sign_in(client, "council-officer")


def test_site_administrators_keep_their_password(client):
    """They must be able to mend a provider that is broken."""
    SuperuserFactory(username="site-admin", email="it@lewisham.gov.uk")
    provider_record(
        "https://login.example/t/v2.0", email_domains="lewisham.gov.uk", allows_password=False
    )

    assert sign_in(client, "site-admin", url="/sign-in/")
