"""Nothing an officer types is lost to a session that ran out while they were typing."""

import pytest
from django.test import Client

from actions.models import ProgressUpdate

pytestmark = pytest.mark.django_db


def test_a_form_posted_after_the_session_ran_out_comes_back_after_signing_in(officer, led_action):
    browser = Client()
    url = f"/actions/{led_action.pk}/update/"
    typed = {
        "quarter": "4",
        "rag_rating": "amber",
        "narrative": "Typed over a long lunch: venue still to be confirmed.",
        "completion_status": str(led_action.completion_status_id),
        "completion_note": "",
        "action_version": str(led_action.version),
        "update_version": "",
    }

    # Not signed in (the session has expired): the post is kept, not saved, and the officer is
    # asked to sign in again.
    response = browser.post(url, typed)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")
    assert not ProgressUpdate.objects.exists()
    sign_in_page = browser.get(response["Location"])
    assert "what you typed has been kept" in sign_in_page.content.decode()

    browser.post(
        "/sign-in/?next=" + url, {"username": "officer", "password": "correct-horse-battery"}
    )
    page = browser.get(url).content.decode()

    assert "This is what you typed before you were signed out" in page
    assert "Typed over a long lunch: venue still to be confirmed." in page
    assert not ProgressUpdate.objects.exists()
    # Handed back once: the next visit shows the ordinary form.
    assert "Typed over a long lunch" not in browser.get(url).content.decode()


def test_a_typed_form_is_only_handed_back_to_the_page_it_was_posted_to(officer, led_action):
    browser = Client()
    browser.post(f"/actions/{led_action.pk}/update/", {"narrative": "Kept for its own page."})
    browser.force_login(officer)

    assert "Kept for its own page." not in browser.get("/actions/mine/").content.decode()
