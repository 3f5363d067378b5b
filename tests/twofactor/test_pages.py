"""The signed-in person's "Two-factor authentication": turning it on by choice, new recovery
codes (the old ones stop working), turning it off (not for administrators); and admin's own
sign-in page, which sends people to the site's (with its second factor)."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from tests.conftest import in_role
from tests.factories import PartnershipFactory, UserFactory
from tests.pages import text_of
from tests.two_factor import code_for, key_on, shown_by, with_an_app
from twofactor.devices import has_two_factor, new_recovery_codes

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def recovery_codes_on(response):
    return re.findall(r"<code>([a-z2-7]{8})</code>", response.content.decode())


def test_the_navigation_links_to_the_page(officer_client):
    page = officer_client.get(reverse("home")).content.decode()

    assert f'href="{reverse("twofactor:settings")}"' in page


def test_an_officer_turns_it_on(officer_client, officer):
    page = officer_client.get(reverse("twofactor:settings"))
    assert "Two-factor authentication is off" in text_of(page)
    key = key_on(officer_client.get(reverse("twofactor:enrol")))

    response = officer_client.post(reverse("twofactor:enrol"), {"code": shown_by(key)})

    assert has_two_factor(officer)
    codes = officer_client.get(response.url)
    assert len(recovery_codes_on(codes)) == 10
    assert f'href="{reverse("twofactor:settings")}"' in codes.content.decode()
    page = officer_client.get(reverse("twofactor:settings"))
    assert "Two-factor authentication is on" in text_of(page)
    assert "You have 10 recovery codes left" in text_of(page)


def test_the_set_up_page_keeps_its_key_until_confirmed(officer_client):
    first = key_on(officer_client.get(reverse("twofactor:enrol")))
    second = key_on(officer_client.get(reverse("twofactor:enrol")))

    assert first == second


def test_someone_with_an_app_is_not_shown_the_set_up_page(officer_client, officer):
    with_an_app(officer)

    assert officer_client.get(reverse("twofactor:enrol")).url == reverse("twofactor:settings")


def test_new_recovery_codes_replace_the_old_ones(officer_client, officer):
    with_an_app(officer)
    old = new_recovery_codes(officer)

    response = officer_client.post(
        reverse("twofactor:new_recovery_codes"), {"code": code_for(officer)}
    )

    new = recovery_codes_on(officer_client.get(response.url))
    assert len(new) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert not set(old) & set(new)


def test_new_recovery_codes_need_the_right_code(officer_client, officer):
    with_an_app(officer)
    old = new_recovery_codes(officer)

    response = officer_client.post(reverse("twofactor:new_recovery_codes"), {"code": "abc"})

    assert response.status_code == 200
    assert "The recovery code is not right" in text_of(response)
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(old)


def test_an_officer_turns_it_off_with_a_code(officer_client, officer, client):
    with_an_app(officer)
    new_recovery_codes(officer)

    response = officer_client.post(reverse("twofactor:turn_off"), {"code": code_for(officer)})

    assert response.url == reverse("twofactor:settings")
    assert not has_two_factor(officer)
    assert not StaticToken.objects.exists()
    # They sign in with their password alone again.
    signed_in = client.post(reverse("login"), {"username": "officer", "password": PASSWORD})
    assert signed_in.url == reverse("actions:mine")
    assert "_auth_user_id" in client.session


def test_turning_it_off_needs_the_right_code(officer_client, officer):
    with_an_app(officer)

    response = officer_client.post(reverse("twofactor:turn_off"), {"code": "999999x"})

    assert response.status_code == 200
    assert has_two_factor(officer)


def test_an_administrator_cannot_turn_it_off(client, administrator):
    with_an_app(administrator)
    client.force_login(administrator)

    assert client.get(reverse("twofactor:turn_off")).status_code == 403
    response = client.post(reverse("twofactor:turn_off"), {"code": code_for(administrator)})
    assert response.status_code == 403
    assert has_two_factor(administrator)
    page = text_of(client.get(reverse("twofactor:settings")))
    assert "Administrators must use two-factor authentication" in page
    assert "Turn off" not in page


# Admin's own sign-in page ---------------------------------------------------------------------


def test_admins_sign_in_page_sends_to_the_sites(client):
    response = client.get("/admin/login/?next=/admin/partnerships/")

    assert response.status_code == 302
    assert response.url == "/sign-in/?next=%2Fadmin%2Fpartnerships%2F"


def test_a_partnerships_admin_sign_in_page_sends_to_its_sign_in_page(client):
    response = client.get(reverse("admin:login"))

    assert response.url == f"{reverse('login')}?next={reverse('admin:index').replace('/', '%2F')}"


def test_admins_sign_in_page_signs_nobody_in(client, administrator):
    response = client.post(
        reverse("admin:login"), {"username": "administrator", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session


def test_admins_sign_in_page_refuses_someone_signed_in_who_may_not_use_admin(officer_client):
    response = officer_client.get(reverse("admin:login"))

    assert response.status_code == 403


def test_admins_sign_in_page_sends_an_administrator_to_admin(client, administrator):
    client.force_login(administrator)

    assert client.get(reverse("admin:login")).url == reverse("admin:index")


# For a lost phone and lost recovery codes ------------------------------------------------------


def test_the_command_turns_off_a_persons_two_factor(administrator, client):
    with_an_app(administrator)
    new_recovery_codes(administrator)
    out = StringIO()

    call_command("turn_off_two_factor", "administrator", stdout=out)

    assert "Two-factor authentication is off for administrator" in out.getvalue()
    assert not has_two_factor(administrator)
    assert not StaticToken.objects.exists()
    # An administrator sets up a new app at their next sign-in.
    response = client.post(reverse("login"), {"username": "administrator", "password": PASSWORD})
    assert response.url == reverse("twofactor:enrol")


def test_the_command_refuses_an_unknown_username(db):
    with pytest.raises(CommandError, match="nobody"):
        call_command("turn_off_two_factor", "nobody-at-all")


def test_a_person_of_another_partnership_sees_their_own_page_here(client):
    """A step of signing in and a person's own setting: under any partnership's address."""
    outsider = in_role(UserFactory(username="outsider"), "officer", PartnershipFactory())
    client.force_login(outsider)

    response = client.get(reverse("twofactor:settings"))

    assert response.status_code == 200
    assert "Two-factor authentication is off" in text_of(response)
