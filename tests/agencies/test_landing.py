"""Where people land after signing in: an officer on My actions, the chair, members and
administrators on the dashboard, unless they were on their way to a page of this site."""

import pytest

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # every UserFactory user's password


def sign_in(client, user, **extra):
    return client.post("/sign-in/", {"username": user.username, "password": PASSWORD, **extra})


def test_an_officer_lands_on_my_actions(client, officer):
    response = sign_in(client, officer)

    assert response.status_code == 302
    assert response.url == "/p/lewisham/actions/mine/"


def test_an_officer_who_leads_nothing_yet_still_lands_on_my_actions(client, other_officer):
    response = sign_in(client, other_officer)

    assert response.url == "/p/lewisham/actions/mine/"


def test_a_chair_lands_on_the_dashboard(client, member):
    response = sign_in(client, member)

    assert response.url == "/p/lewisham/dashboard/"


def test_an_administrator_lands_on_the_dashboard(client, administrator):
    response = sign_in(client, administrator)

    assert response.url == "/p/lewisham/dashboard/"


def test_a_superuser_lands_on_the_dashboard(client, superuser):
    response = sign_in(client, superuser)

    assert response.url == "/p/lewisham/dashboard/"


def test_an_officer_goes_to_the_page_they_asked_for(client, officer, led_action):
    response = sign_in(client, officer, next=led_action.get_absolute_url())

    assert response.url == f"/p/lewisham/actions/{led_action.pk}/"


def test_a_chair_goes_to_the_page_they_asked_for(client, member):
    response = sign_in(client, member, next="/p/lewisham/actions/mine/")

    assert response.url == "/p/lewisham/actions/mine/"


def test_an_officer_is_not_sent_to_another_site(client, officer):
    response = sign_in(client, officer, next="https://evil.example/")

    assert response.url == "/p/lewisham/actions/mine/"


def test_it_sends_a_signed_in_officer_from_sign_in_to_my_actions(officer_client):
    response = officer_client.get("/sign-in/")

    assert response.status_code == 302
    assert response.url == "/p/lewisham/actions/mine/"


def test_the_officer_sees_their_actions_where_they_land(client, officer, led_action):
    response = sign_in(client, officer)
    page = client.get(response.url)

    assert page.status_code == 200
    assert led_action.text in page.content.decode()
