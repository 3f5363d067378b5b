"""Where people land after signing in: an officer on My actions, the chair, members and
administrators on the dashboard, unless they were on their way to a page of this site.

Signing in on a partnership's sign-in page (where its pages send someone signed out) lands
there directly. Signing in at the site's root lands on the root page, which sends the person on
to the same landing page of their partnership."""

import pytest
from django.test.utils import override_script_prefix
from django.urls import reverse

from tests.two_factor import through_the_second_step, with_an_app

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # every UserFactory user's password
ROOT_SIGN_IN = "/sign-in/"


def at_the_root():
    """Requests at the site's root (no /p/<slug>/) with the root's script prefix, as the server
    sets it for each request: Django's test client does not, and the tests otherwise work under
    their partnership's."""
    return override_script_prefix("/")


def sign_in(client, user, **extra):
    """Signs in on the partnership's sign-in page."""
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD, **extra})


def sign_in_at_the_root(client, user, **extra):
    with at_the_root():
        return client.post(
            ROOT_SIGN_IN,
            {"username": user.username, "password": PASSWORD, **extra},
            follow=True,
        )


def test_an_officer_lands_on_my_actions(client, officer):
    response = sign_in(client, officer)

    assert response.status_code == 302
    assert response.url == reverse("actions:mine")


def test_an_officer_who_leads_nothing_yet_still_lands_on_my_actions(client, other_officer):
    response = sign_in(client, other_officer)

    assert response.url == reverse("actions:mine")


def test_a_chair_lands_on_the_dashboard(client, member):
    response = sign_in(client, member)

    assert response.url == reverse("reviews:dashboard")


def test_an_administrator_lands_on_the_dashboard(client, administrator):
    with_an_app(administrator)  # administrators type a code from it after the password

    response = through_the_second_step(client, sign_in(client, administrator), administrator)

    assert response.url == reverse("reviews:dashboard")


def test_a_superuser_lands_on_the_dashboard(client, superuser):
    with_an_app(superuser)

    response = through_the_second_step(client, sign_in(client, superuser), superuser)

    assert response.url == reverse("reviews:dashboard")


def test_an_officer_signing_in_at_the_root_lands_on_my_actions_of_their_partnership(
    client, officer
):
    response = sign_in_at_the_root(client, officer)

    assert response.redirect_chain == [("/", 302), (reverse("actions:mine"), 302)]
    assert response.status_code == 200


def test_a_chair_signing_in_at_the_root_lands_on_the_dashboard_of_their_partnership(client, member):
    response = sign_in_at_the_root(client, member)

    assert response.redirect_chain == [("/", 302), (reverse("reviews:dashboard"), 302)]
    assert response.status_code == 200


def test_an_officer_goes_to_the_page_they_asked_for(client, officer, led_action):
    response = sign_in(client, officer, next=led_action.get_absolute_url())

    assert response.url == reverse("actions:detail", args=[led_action.pk])


def test_a_chair_goes_to_the_page_they_asked_for(client, member):
    response = sign_in(client, member, next=reverse("actions:mine"))

    assert response.url == reverse("actions:mine")


def test_an_officer_is_not_sent_to_another_site(client, officer):
    response = sign_in(client, officer, next="https://evil.example/")

    assert response.url == reverse("actions:mine")


def test_it_sends_a_signed_in_officer_from_sign_in_to_my_actions(officer_client):
    response = officer_client.get(reverse("login"))

    assert response.status_code == 302
    assert response.url == reverse("actions:mine")


def test_it_sends_a_signed_in_officer_from_the_roots_sign_in_to_my_actions(officer_client):
    with at_the_root():
        response = officer_client.get(ROOT_SIGN_IN, follow=True)

    assert response.redirect_chain == [("/", 302), (reverse("actions:mine"), 302)]


def test_the_officer_sees_their_actions_where_they_land(client, officer, led_action):
    response = sign_in(client, officer)
    page = client.get(response.url)

    assert page.status_code == 200
    assert led_action.text in page.content.decode()


def test_the_officer_sees_their_actions_where_they_land_from_the_root(client, officer, led_action):
    page = sign_in_at_the_root(client, officer)

    assert page.status_code == 200
    assert led_action.text in page.content.decode()
