"""Signing in and out: Django's views with GOV.UK markup and the partnership's own messages."""

import re

import pytest
from django.test import Client
from django.test.utils import override_script_prefix
from django.urls import reverse

from tests.conftest import PREFIX
from tests.factories import AnnualPlanFactory, UserFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # every UserFactory user's password
WRONG_LOGIN = "Enter a correct username and password. Both are case-sensitive."


@pytest.fixture
def officer():
    """Someone who may sign in, with no role in any partnership."""
    return UserFactory(username="officer")


def at_the_root():
    """Requests at the site's root (no /p/<slug>/) with the root's script prefix, as the server
    sets it for each request: Django's test client does not, and the tests otherwise work under
    their partnership's."""
    return override_script_prefix("/")


def username_field(response):
    html = response.content.decode()
    return re.search(r'<input type="text" name="username"[^>]*>', html).group(0)


def has_sign_in_button(html):
    """A GOV.UK button labelled "Sign in", whether written as <button> or <input>."""
    buttons = re.findall(r"<button\b[^>]*>.*?</button>", html, re.S)
    buttons += [tag for tag in re.findall(r"<input\b[^>]*>", html) if 'type="submit"' in tag]
    return any(
        'class="govuk-button"' in tag and re.search(r'(>\s*|value=")Sign in\b', tag)
        for tag in buttons
    )


def is_signed_in(client):
    return "_auth_user_id" in client.session


def asks_to_sign_in(response):
    """The response sends the browser to the partnership's sign-in page."""
    return response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")


def test_it_shows_the_sign_in_page_to_an_anonymous_visitor(client):
    response = client.get("/sign-in/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Sign in</h1>' in html
    assert re.search(r'<label for="id_username" class="govuk-label">\s*Username\s*</label>', html)
    assert re.search(r'<label for="id_password" class="govuk-label">\s*Password\s*</label>', html)
    assert has_sign_in_button(html)


def test_it_puts_a_csrf_token_in_the_sign_in_form(client):
    response = client.get("/sign-in/")

    form = re.search(r'<form method="post".*?</form>', response.content.decode(), re.S).group(0)
    assert 'name="csrfmiddlewaretoken"' in form


def test_it_signs_in_with_the_token_from_the_sign_in_form(officer):
    client = Client(enforce_csrf_checks=True)
    page = client.get("/sign-in/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = client.post(
        "/sign-in/",
        {"username": "officer", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert is_signed_in(client)


def test_it_refuses_a_sign_in_without_a_csrf_token(officer):
    client = Client(enforce_csrf_checks=True)

    response = client.post("/sign-in/", {"username": "officer", "password": PASSWORD})

    assert response.status_code == 403
    assert not is_signed_in(client)


def test_it_signs_in_with_the_right_password_and_goes_home(client, officer):
    """Home for someone of no partnership is the site's root page."""
    with at_the_root():
        response = client.post("/sign-in/", {"username": "officer", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url == "/"
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_it_goes_back_to_the_page_asked_for_after_signing_in(client, officer):
    plan = AnnualPlanFactory(slug="safer-17-18")

    response = client.post(
        "/sign-in/",
        {"username": "officer", "password": PASSWORD, "next": plan.get_absolute_url()},
    )

    assert response.url == reverse("plans:detail", args=["safer-17-18"])


def test_it_keeps_the_page_asked_for_in_the_sign_in_form(client):
    page = PREFIX + "/plans/safer-17-18/"

    response = client.get(reverse("login") + "?next=" + page)

    assert f'<input type="hidden" name="next" value="{page}">' in response.content.decode()


def test_it_does_not_send_a_signed_in_user_to_another_site(client, officer):
    with at_the_root():
        response = client.post(
            "/sign-in/",
            {"username": "officer", "password": PASSWORD, "next": "https://evil.example/"},
        )

    assert response.url == "/"


def test_it_shows_an_error_summary_for_a_wrong_password(client, officer):
    response = client.post("/sign-in/", {"username": "officer", "password": "wrong-password"})

    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert WRONG_LOGIN in page
    assert "Error: Sign in" in page  # the page title says so too


def test_it_refuses_a_username_longer_than_any_username_without_trying_it(client):
    """Django's sign-in form does not check the username's length; django-axes then recorded the
    failed sign-in in a column of 255 characters, which PostgreSQL refused with a server error."""
    response = client.post("/sign-in/", {"username": "x" * 300, "password": "wrong-password"})

    assert response.status_code == 200
    assert "Username must be 150 characters or fewer" in text_of(response)
    assert not is_signed_in(client)


def test_it_keeps_the_typed_username_after_a_wrong_password(client, officer):
    response = client.post("/sign-in/", {"username": "officer", "password": "wrong-password"})

    assert 'value="officer"' in username_field(response)


def test_it_does_not_sign_in_with_a_wrong_password(client, officer):
    client.post("/sign-in/", {"username": "officer", "password": "wrong-password"})

    assert not is_signed_in(client)
    assert asks_to_sign_in(client.get(reverse("home")))


def test_it_does_not_sign_in_with_a_username_in_the_wrong_case(client, officer):
    response = client.post("/sign-in/", {"username": "OFFICER", "password": PASSWORD})

    assert WRONG_LOGIN in text_of(response)
    assert not is_signed_in(client)


def test_it_asks_for_both_fields_when_the_form_is_empty(client):
    response = client.post("/sign-in/", {"username": "", "password": ""})

    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert "Enter your username" in page
    assert "Enter your password" in page


def test_it_links_each_error_in_the_summary_to_its_field(client):
    response = client.post("/sign-in/", {"username": "", "password": ""})

    html = response.content.decode()
    assert '<a href="#id_username">Enter your username</a>' in html
    assert '<a href="#id_password">Enter your password</a>' in html


def test_it_refuses_to_sign_out_on_get(member_client):
    response = member_client.get("/sign-out/")

    assert response.status_code == 405
    assert is_signed_in(member_client)


def test_it_signs_out_on_post(member_client):
    response = member_client.post(reverse("logout"))

    assert response.status_code == 302
    assert response.url == reverse("login")
    assert not is_signed_in(member_client)
    assert asks_to_sign_in(member_client.get(reverse("home")))


def test_it_signs_out_at_the_root_too(member_client):
    with at_the_root():
        response = member_client.post("/sign-out/")

    assert response.status_code == 302
    assert response.url == "/sign-in/"
    assert not is_signed_in(member_client)


def test_it_offers_a_signed_in_user_a_sign_out_button(member_client):
    response = member_client.get(reverse("home"))

    html = response.content.decode()
    assert re.search(
        rf'<form method="post" action="{reverse("logout")}"[^>]*>\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken"',
        html,
    )
    assert "Sign out" in text_of(response)


def test_it_sends_a_signed_in_member_from_sign_in_to_the_dashboard(member_client):
    response = member_client.get(reverse("login"))

    assert response.status_code == 302
    assert response.url == reverse("reviews:dashboard")
