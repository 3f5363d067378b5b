"""Signing in with a second factor: administrators must (and set up an authenticator app first
if they have none), anyone else only once they have turned it on; a wrong code is refused and
counts towards the lockout; a recovery code works once; the pending sign-in runs out."""

import re
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.pages import text_of
from tests.two_factor import code_for, key_on, shown_by, with_an_app, wrong_code
from twofactor.devices import new_recovery_codes
from twofactor.signing_in import PENDING_MINUTES

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # every UserFactory user's password
ADDRESS = "192.0.2.10"
LOCKED_OUT = "Too many failed sign-in attempts"


def sign_in(client, user, password=PASSWORD, **extra):
    return client.post(
        reverse("login"),
        {"username": user.username, "password": password, **extra},
        REMOTE_ADDR=ADDRESS,
    )


def type_code(client, code, **query):
    url = reverse("twofactor:code")
    if query:
        url += "?" + "&".join(f"{name}={value}" for name, value in query.items())
    return client.post(url, {"code": code}, REMOTE_ADDR=ADDRESS)


def signed_in(client):
    return "_auth_user_id" in client.session


@contextmanager
def at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


# Administrators --------------------------------------------------------------------------------


def test_an_administrator_without_an_app_must_set_one_up_first(client, administrator):
    response = sign_in(client, administrator)

    assert response.status_code == 302
    assert response.url == reverse("twofactor:enrol")
    assert not signed_in(client)
    # Not signed in: every page still asks to sign in.
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home.url.startswith(reverse("login"))


def test_setting_up_the_app_finishes_signing_in_and_shows_the_recovery_codes_once(
    client, administrator
):
    sign_in(client, administrator, next=reverse("actions:mine"))
    page = client.get(reverse("twofactor:enrol"))
    assert page.status_code == 200
    assert "data:image/svg+xml" in page.content.decode()
    assert not TOTPDevice.objects.exists()  # nothing is kept until a code confirms the app
    key = key_on(page)

    response = client.post(reverse("twofactor:enrol"), {"code": shown_by(key)})

    assert response.url == reverse("twofactor:recovery_codes")
    assert signed_in(client)
    assert TOTPDevice.objects.get(user=administrator, confirmed=True).key == key
    codes = client.get(reverse("twofactor:recovery_codes"))
    shown = re.findall(r"<code>([a-z2-7]{8})</code>", codes.content.decode())
    assert len(shown) == 10
    # The way on is the page the sign-in was going to (through the sign-in page, which sends
    # a signed-in person on).
    assert f'href="{reverse("login")}?next=%2Fp%2F' in codes.content.decode()
    # Shown once only.
    assert client.get(reverse("twofactor:recovery_codes")).url == reverse("twofactor:settings")


def test_a_wrong_code_while_setting_up_the_app_is_refused(client, administrator):
    sign_in(client, administrator)
    client.get(reverse("twofactor:enrol"))

    response = client.post(reverse("twofactor:enrol"), {"code": "12345x"})

    assert response.status_code == 200
    assert "The code is not right" in text_of(response)
    assert 'value="12345x"' in response.content.decode()
    assert not signed_in(client)


def test_a_site_administrator_must_set_up_an_app_too(client, superuser):
    assert sign_in(client, superuser).url == reverse("twofactor:enrol")
    assert not signed_in(client)


def test_an_administrator_with_an_app_is_asked_for_its_code(client, administrator):
    with_an_app(administrator)

    response = sign_in(client, administrator)

    assert response.url == reverse("twofactor:code")
    assert not signed_in(client)
    page = client.get(response.url).content.decode()
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page


def test_the_right_code_signs_in_and_goes_to_the_next_page(client, administrator):
    with_an_app(administrator)
    mine = reverse("actions:mine")
    sign_in(client, administrator, next=mine)

    response = type_code(client, code_for(administrator))

    assert signed_in(client)
    assert response.status_code == 302
    assert client.get(response.url).url == mine


def test_without_a_next_page_the_right_code_lands_where_their_work_starts(client, administrator):
    with_an_app(administrator)
    sign_in(client, administrator)

    response = type_code(client, code_for(administrator))

    assert client.get(response.url).url == reverse("reviews:dashboard")


def test_a_wrong_code_is_refused_with_a_message_and_counted(client, administrator):
    with_an_app(administrator)
    sign_in(client, administrator)
    wrong = wrong_code(administrator)

    response = type_code(client, wrong)

    assert response.status_code == 200
    assert "There is a problem" in text_of(response)
    assert "The code is not right" in text_of(response)
    assert f'value="{wrong}"' in response.content.decode()
    assert not signed_in(client)
    attempt = AccessAttempt.objects.get(username=administrator.username)
    assert attempt.failures_since_start == 1


def test_an_empty_code_is_refused(client, administrator):
    with_an_app(administrator)
    sign_in(client, administrator)

    response = type_code(client, "")

    assert "Enter the code from your authenticator app" in text_of(response)
    assert not signed_in(client)


def test_five_wrong_codes_lock_the_username_out(client, administrator):
    with_an_app(administrator)
    sign_in(client, administrator)
    wrong = wrong_code(administrator)

    statuses = [type_code(client, wrong).status_code for _ in range(5)]

    assert statuses == [200, 200, 200, 200, 429]
    assert not signed_in(client)
    # The pending sign-in is gone: the right code is no use now.
    assert type_code(client, code_for(administrator)).url == reverse("login")
    assert not signed_in(client)
    # And the right password is refused while locked out, as after five wrong passwords.
    locked = sign_in(client, administrator)
    assert locked.status_code == 429
    assert LOCKED_OUT in text_of(locked)


def test_wrong_passwords_and_wrong_codes_count_together(client, administrator):
    with_an_app(administrator)
    for _ in range(3):
        sign_in(client, administrator, password="not-the-password")
    sign_in(client, administrator)
    wrong = wrong_code(administrator)

    assert type_code(client, wrong).status_code == 200
    response = type_code(client, wrong)

    assert response.status_code == 429
    assert LOCKED_OUT in text_of(response)


def test_a_locked_out_person_is_refused_the_code_page(client, administrator):
    with_an_app(administrator)
    sign_in(client, administrator)
    for _ in range(5):
        sign_in(client.__class__(), administrator, password="not-the-password")

    response = client.get(reverse("twofactor:code"), REMOTE_ADDR=ADDRESS)

    assert response.status_code == 429
    assert LOCKED_OUT in text_of(response)
    assert type_code(client, code_for(administrator)).url == reverse("login")


def test_the_right_code_resets_the_count(client, administrator):
    with_an_app(administrator)
    sign_in(client, administrator)
    type_code(client, wrong_code(administrator))
    # django-otp checks no code for a moment after a wrong one (1 second after the first).
    TOTPDevice.objects.filter(user=administrator).update(
        throttling_failure_timestamp=timezone.now() - timedelta(seconds=2)
    )

    type_code(client, code_for(administrator))

    assert signed_in(client)
    assert not AccessAttempt.objects.filter(username=administrator.username).exists()


def test_a_recovery_code_works_once(client, administrator):
    with_an_app(administrator)
    code = new_recovery_codes(administrator)[0]
    sign_in(client, administrator)

    response = type_code(client, code.upper(), **{"with": "recovery-code"})

    assert signed_in(client)
    landing = client.get(response.url, follow=True)
    assert "You used a recovery code: you have 9 left" in text_of(landing)
    client.post(reverse("logout"))
    sign_in(client, administrator)
    again = type_code(client, code, **{"with": "recovery-code"})
    assert again.status_code == 200
    assert "The recovery code is not right, or it has already been used" in text_of(again)
    assert not signed_in(client)


def test_the_recovery_code_page_does_not_ask_for_digits(client, administrator):
    with_an_app(administrator)
    sign_in(client, administrator)

    page = client.get(reverse("twofactor:code") + "?with=recovery-code").content.decode()

    assert "Recovery code" in page
    assert 'inputmode="numeric"' not in page
    assert 'autocomplete="one-time-code"' in page


def test_the_pending_sign_in_runs_out(client, administrator):
    with_an_app(administrator)
    sign_in(client, administrator)
    later = timezone.now() + timedelta(minutes=PENDING_MINUTES, seconds=5)

    with at(later):
        response = type_code(client, code_for(administrator))

    assert response.url == reverse("login")
    assert not signed_in(client)
    assert "Signing in took too long" in text_of(client.get(response.url))


def test_the_pending_sign_in_lasts_its_minutes(client, administrator):
    with_an_app(administrator)
    sign_in(client, administrator)
    later = timezone.now() + timedelta(minutes=PENDING_MINUTES - 1)

    with at(later):
        type_code(client, code_for(administrator))

    assert signed_in(client)


def test_the_code_page_without_a_sign_in_sends_to_the_sign_in_page(client):
    response = client.get(reverse("twofactor:code"))

    assert response.url == reverse("login")


# Everyone else ---------------------------------------------------------------------------------


def test_an_officer_is_not_asked_for_a_code(client, officer):
    response = sign_in(client, officer)

    assert signed_in(client)
    assert response.url == reverse("actions:mine")


def test_an_officer_who_turned_it_on_is_asked_for_the_code(client, officer):
    with_an_app(officer)

    response = sign_in(client, officer)

    assert response.url == reverse("twofactor:code")
    assert not signed_in(client)
    type_code(client, code_for(officer))
    assert signed_in(client)
