"""Login throttling (django-axes): repeated wrong passwords lock one username out from one
address for a while, with a clear page, and a password reset or the wait ends it."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client
from django.urls import reverse, reverse_lazy

from agencies import roles
from tests.conftest import PREFIX, in_role
from tests.factories import UserFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # every UserFactory user's password
NEW_PASSWORD = "a-long-new-passphrase-for-officers"
SIGN_IN = reverse_lazy("login")  # the partnership's, where its pages send someone signed out
RESET_LINK = re.compile(rf"http://testserver({PREFIX}/sign-in/reset/\S+/\S+/)")
LIMIT = 5
LOCKED_OUT = "Too many failed sign-in attempts"


@pytest.fixture
def officer():
    return UserFactory(username="officer", email="officer@lewisham.example.gov.uk")


def sign_in(client, username="officer", password=PASSWORD, address="192.0.2.10"):
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, times, username="officer", address="192.0.2.10"):
    return [
        sign_in(client, username, "not-the-password", address).status_code for _ in range(times)
    ]


def signed_in(client):
    return "_auth_user_id" in client.session


def is_lockout_page(response):
    return response.status_code == 429 and LOCKED_OUT in text_of(response)


def age_failed_sign_ins(minutes):
    """As if the failed sign-ins had happened `minutes` earlier."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_the_settings_are_five_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_four_wrong_passwords_are_only_errors_on_the_form(client, officer):
    assert fail(client, LIMIT - 2) == [200] * (LIMIT - 2)

    response = sign_in(client, password="wrong")

    assert response.status_code == 200
    assert "Enter a correct username and password" in text_of(response)
    assert LOCKED_OUT not in text_of(response)


def test_the_fifth_wrong_password_shows_the_lockout_page(client, officer):
    fail(client, LIMIT - 1)

    response = sign_in(client, password="still-wrong")

    assert response.status_code == 429
    text = text_of(response)
    assert LOCKED_OUT in text
    assert "try again in 15 minutes" in text
    assert "reset your password" in text
    assert (
        f'<a class="govuk-link" href="{reverse("password_reset")}">reset your password</a>'
        in response.content.decode()
    )
    assert "<title>Too many failed sign-in attempts" in response.content.decode()


def test_the_lockout_page_tells_browsers_to_retry_after_the_cool_off(client, officer):
    fail(client, LIMIT - 1)

    response = sign_in(client, password="still-wrong")

    assert response.status_code == 429
    assert response["Retry-After"] == str(15 * 60)


def test_the_right_password_is_refused_while_locked_out(client, officer):
    fail(client, LIMIT)

    response = sign_in(client)

    assert is_lockout_page(response)
    assert not signed_in(client)


def test_the_admin_sign_in_is_locked_out_too(client, officer):
    """Admin's own sign-in page checks no password: it sends people to the site's sign-in page
    (with its second factor, twofactor/), where the lockout applies."""
    fail(client, LIMIT)

    response = client.post(
        "/admin/login/", {"username": "officer", "password": PASSWORD}, REMOTE_ADDR="192.0.2.10"
    )

    assert response.status_code == 302
    assert not signed_in(client)
    assert response.url == "/sign-in/?next=%2Fadmin%2F"
    response = client.post(
        "/sign-in/", {"username": "officer", "password": PASSWORD}, REMOTE_ADDR="192.0.2.10"
    )
    assert is_lockout_page(response)
    assert not signed_in(client)


def test_another_person_at_the_same_address_is_not_locked_out(client, officer):
    in_role(UserFactory(username="colleague"), roles.CHAIR_AND_MEMBERS)
    fail(client, LIMIT)

    response = sign_in(Client(), username="colleague")

    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:dashboard")  # where a member lands


def test_the_same_username_from_another_address_is_not_locked_out(client, officer):
    """Someone typing wrong passwords for a username does not lock its owner out elsewhere."""
    fail(client, LIMIT, address="198.51.100.7")
    other = Client()

    response = sign_in(other, address="192.0.2.10")

    assert response.status_code == 302
    assert signed_in(other)


def test_a_successful_sign_in_resets_the_count(client, officer):
    fail(client, LIMIT - 1)
    assert sign_in(client).status_code == 302
    client.post(reverse("logout"))

    # Four more wrong passwords after the success: still not locked out.
    assert fail(client, LIMIT - 1) == [200] * (LIMIT - 1)
    assert sign_in(client).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, officer):
    fail(client, LIMIT)
    age_failed_sign_ins(14)
    assert is_lockout_page(sign_in(client))

    age_failed_sign_ins(16)
    response = sign_in(client)

    assert response.status_code == 302
    assert signed_in(client)


def test_a_password_reset_ends_the_lockout(client, officer, mailoutbox):
    fail(client, LIMIT)
    assert is_lockout_page(sign_in(client))

    client.post(reverse("password_reset"), {"email": officer.email}, REMOTE_ADDR="192.0.2.10")
    link = RESET_LINK.search(mailoutbox[-1].body).group(1)
    form_url = client.get(link).url
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302

    assert sign_in(client, password=NEW_PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_password_reset_leaves_other_peoples_failed_sign_ins(client, officer, mailoutbox):
    UserFactory(username="colleague")
    fail(client, LIMIT, username="colleague")
    client.post(reverse("password_reset"), {"email": officer.email})
    link = RESET_LINK.search(mailoutbox[-1].body).group(1)
    client.post(
        client.get(link).url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert is_lockout_page(sign_in(Client(), username="colleague"))


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(settings, officer):
    """X-Forwarded-For's earlier entries are the client's to choose: only the last one counts,
    so changing them does not escape a lockout."""
    settings.BEHIND_TLS_PROXY = True
    client = Client()
    for n in range(LIMIT):
        client.post(
            SIGN_IN,
            {"username": "officer", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 192.0.2.10",
        )

    response = client.post(
        SIGN_IN,
        {"username": "officer", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.99, 192.0.2.10",
    )
    assert is_lockout_page(response)

    # Another address behind the same proxy is not locked out.
    response = Client().post(
        SIGN_IN,
        {"username": "officer", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.99",
    )
    assert response.status_code == 302
