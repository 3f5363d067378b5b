"""Nothing an officer types is lost to a session that ran out while they were typing, and what
they typed is handed back to them alone, never to whoever signs in next in that browser."""

import re
from contextlib import contextmanager
from datetime import timedelta
from html import unescape
from unittest import mock

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import ProgressUpdate
from agencies import roles
from consultation.models import Comment
from tests.conftest import in_role
from tests.factories import AnnualPlanFactory, ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
TYPED = "Typed over a long lunch: venue still to be confirmed."


@pytest.fixture
def colleague(lead_agency):
    """Another officer of the lead agency, who may update the same action."""
    user = in_role(UserFactory(username="colleague"), roles.OFFICERS)
    ProfileFactory(user=user, agency=lead_agency)
    return user


@contextmanager
def after_the_session_ran_out():
    """Runs the block as if the browser had been left for longer than the idle period: the
    session it still holds has expired, so its requests come from nobody known."""
    later = timezone.now() + timedelta(minutes=settings.SESSION_IDLE_MINUTES + 1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        yield


def hidden_fields(page):
    """The hidden inputs of the page's forms, as the browser sends them back."""
    return {
        unescape(name): unescape(value)
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.content.decode()
        )
    }


def sign_in(browser, user, url):
    return browser.post(
        reverse("login") + "?next=" + url, {"username": user.username, "password": PASSWORD}
    )


def update_url(action):
    return reverse("actions:update", args=[action.pk])


def post_the_update_after_the_session_ran_out(browser, officer, action, narrative=TYPED):
    """The officer opens the action's update form, is away for longer than the idle period,
    then saves what they typed: they are sent to the sign-in page (which the browser opens)."""
    url = update_url(action)
    browser.force_login(officer)
    typed = hidden_fields(browser.get(url)) | {
        "quarter": "4",
        "rag_rating": "amber",
        "narrative": narrative,
        "completion_status": str(action.completion_status_id),
        "completion_note": "",
    }
    with after_the_session_ran_out():
        response = browser.post(url, typed)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")
    return browser.get(response["Location"])


def test_a_form_posted_after_the_session_ran_out_comes_back_after_signing_in(officer, led_action):
    browser = Client()
    url = update_url(led_action)
    # Not signed in any more: the post is kept, not saved, and the officer is asked to sign in
    # again.
    sign_in_page = post_the_update_after_the_session_ran_out(browser, officer, led_action)
    assert "what you typed has been kept" in sign_in_page.content.decode()
    assert not ProgressUpdate.objects.exists()

    sign_in(browser, officer, url)
    page = browser.get(url).content.decode()
    # Handed back once: the next visit shows the ordinary form.
    next_visit = browser.get(url).content.decode()

    assert "This is what you typed before you were signed out" in page
    assert TYPED in page
    assert not ProgressUpdate.objects.exists()
    assert TYPED not in next_visit


def test_a_form_kept_when_the_session_ran_out_is_not_handed_to_the_next_person_to_sign_in(
    officer, colleague, led_action
):
    browser = Client()
    url = update_url(led_action)
    post_the_update_after_the_session_ran_out(browser, officer, led_action)
    signed_in = sign_in(browser, colleague, url)
    page = browser.get(url)
    # Nor later, once the colleague has signed out and the officer signs in.
    browser.post(reverse("logout"))
    sign_in(browser, officer, url)
    officers_page = browser.get(url).content.decode()

    assert signed_in.status_code == 302
    assert page.status_code == 200
    assert TYPED not in page.content.decode()
    assert "what you typed" not in page.content.decode().lower()
    assert TYPED not in officers_page
    assert not ProgressUpdate.objects.exists()


def test_a_post_that_does_not_say_who_it_was_shown_to_is_not_kept(officer, led_action):
    browser = Client()
    url = update_url(led_action)
    with after_the_session_ran_out():
        response = browser.post(url, {"narrative": TYPED})
        sign_in_page = browser.get(response["Location"]).content.decode()
        sign_in(browser, officer, url)
        page = browser.get(url).content.decode()

    assert response.status_code == 302
    assert "what you typed has been kept" not in sign_in_page
    assert TYPED not in page


@pytest.mark.parametrize("shown_to", ["1", "not-a-signature", "²" * 4301])
def test_a_post_claiming_to_have_been_shown_to_someone_without_their_signature_is_not_kept(
    officer, led_action, shown_to
):
    browser = Client()
    url = update_url(led_action)
    browser.force_login(officer)
    typed = hidden_fields(browser.get(url))
    forged = {name: shown_to for name in typed if name not in {"action_version", "update_version"}}
    with after_the_session_ran_out():
        response = browser.post(url, typed | forged | {"narrative": TYPED})
    sign_in(browser, officer, url)
    page = browser.get(url).content.decode()

    assert response.status_code == 302
    assert TYPED not in page


def test_a_typed_form_is_only_handed_back_to_the_page_it_was_posted_to(officer, led_action):
    browser = Client()
    post_the_update_after_the_session_ran_out(
        browser, officer, led_action, narrative="Kept for its own page."
    )
    sign_in(browser, officer, reverse("actions:mine"))

    assert "Kept for its own page." not in browser.get(reverse("actions:mine")).content.decode()


# The comment form keeps what was typed the same way.


@pytest.fixture
def consulted_plan():
    return AnnualPlanFactory(status="consultation", title="Safer Lewisham Plan 18-19")


def post_a_comment_after_the_session_ran_out(browser, person, plan):
    url = reverse("consultation:add", args=[plan.slug])
    browser.force_login(person)
    typed = hidden_fields(browser.get(url)) | {"text": "Typed while signed out."}
    with after_the_session_ran_out():
        response = browser.post(url, typed)
    assert response.status_code == 302
    browser.get(response["Location"])
    return url


def test_a_comment_kept_when_the_session_ran_out_comes_back_to_its_author(member, consulted_plan):
    browser = Client()
    url = post_a_comment_after_the_session_ran_out(browser, member, consulted_plan)
    sign_in(browser, member, url)
    page = browser.get(url).content.decode()

    assert "Typed while signed out." in page
    assert not Comment.objects.exists()


def test_a_comment_kept_when_the_session_ran_out_is_not_handed_to_someone_else(
    member, officer, consulted_plan
):
    browser = Client()
    url = post_a_comment_after_the_session_ran_out(browser, member, consulted_plan)
    sign_in(browser, officer, url)
    page = browser.get(url)

    assert page.status_code == 200
    assert "Typed while signed out." not in page.content.decode()
    assert "what you typed" not in page.content.decode().lower()
