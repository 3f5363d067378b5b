"""The progress update form: a quarter's RAG rating, narrative and the action's completion."""

import re
from datetime import date
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate
from plans.models import AnnualPlan
from tests.factories import (
    ActionFactory,
    ProgressUpdateFactory,
    UserFactory,
    completion_status,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_december_2017(monkeypatch):
    """Today is 20 December 2017: the 2017-18 plan reports on Q3, and Q4 has not begun."""
    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return date(2017, 12, 20) if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


def form_url(action, quarter=None):
    return reverse("actions:update", args=[action.pk]) + (f"?quarter={quarter}" if quarter else "")


def hidden(response, name):
    match = re.search(
        rf'<input type="hidden" name="{name}"(?: value="([^"]*)")?', (response.content.decode())
    )
    assert match, f"no hidden {name} field"
    return match.group(1) or ""


def textarea(response):
    match = re.search(
        r'<textarea name="narrative"[^>]*>\n?(.*?)</textarea>', (response.content.decode()), re.S
    )
    return unescape(match.group(1))


def checked(response, name):
    """The value of the checked radio of a group."""
    html = response.content.decode()
    for radio in re.findall(rf'<input\s+type="radio"\s+name="{name}"[^>]*>', html, re.S):
        if "checked" in radio:
            return re.search(r'value="([^"]*)"', radio).group(1)
    return None


def progress(action, **changes):
    """A valid form as the officer sends it for the 2017-18 plan's last quarter."""
    action.refresh_from_db()
    data = {
        "quarter": 4,
        "rag_rating": "green",
        "narrative": "On track.",
        "completion_status": completion_status("in-progress").pk,
        "completion_note": "",
        "action_version": action.version,
        "update_version": "",
    }
    data.update(changes)
    return data


# Showing the form -------------------------------------------------------------------------------


def test_it_shows_the_form_for_the_plans_reporting_quarter(officer_client, led_action):
    response = officer_client.get(form_url(led_action))

    assert response.status_code == 200
    # The 2017-18 plan's year is over: its last quarter is the one being reported on.
    assert "Record progress for Q4 2017-18 January to March 2018" in text_of(response)
    assert hidden(response, "quarter") == "4"


def test_it_shows_the_current_quarter_during_the_plans_year(
    in_december_2017, officer_client, led_action
):
    response = officer_client.get(form_url(led_action))

    assert "Record progress for Q3 2017-18 October to December 2017" in text_of(response)


def test_it_shows_an_earlier_open_quarter_when_chosen(officer_client, led_action):
    response = officer_client.get(form_url(led_action, quarter=1))

    assert "Record progress for Q1 2017-18 April to June 2017" in text_of(response)
    assert hidden(response, "quarter") == "1"


def test_it_links_to_the_other_open_quarters(in_december_2017, officer_client, led_action):
    response = officer_client.get(form_url(led_action))

    html = response.content.decode()
    assert f'href="{form_url(led_action, 1)}">Q1 2017-18 (April to June 2017)</a>' in html
    assert f'href="{form_url(led_action, 2)}">Q2 2017-18 (July to September 2017)</a>' in html
    assert "?quarter=4" not in html


@pytest.mark.parametrize("quarter", ["7", "0", "-1", "abc", "4"])
def test_it_refuses_a_quarter_that_is_not_open(
    in_december_2017, officer_client, led_action, quarter
):
    response = officer_client.get(f"/p/lewisham/actions/{led_action.pk}/update/?quarter={quarter}")

    assert response.status_code == 400
    assert "There is a problem with the quarter" in text_of(response)
    assert "Record progress for Q3 2017-18 (October to December 2017)" in text_of(response)


def test_it_fills_the_form_from_the_quarters_update_to_amend_it(officer_client, led_action):
    update = ProgressUpdateFactory(
        action=led_action, quarter=4, rag_rating="amber", narrative="Waiting for funding."
    )

    response = officer_client.get(form_url(led_action))

    assert checked(response, "rag_rating") == "amber"
    assert textarea(response) == "Waiting for funding."
    assert hidden(response, "update_version") == str(update.version)
    assert "Saving changes that update" in text_of(response)


def test_it_starts_a_new_quarter_from_the_actions_completion(officer_client, led_action):
    led_action.completion_status = completion_status("complete-with-caveats")
    led_action.completion_note = "within YOS and CER"
    led_action.save()

    response = officer_client.get(form_url(led_action))

    assert checked(response, "completion_status") == str(led_action.completion_status_id)
    assert 'value="within YOS and CER"' in response.content.decode()
    assert checked(response, "rag_rating") is None
    assert textarea(response) == ""
    assert hidden(response, "action_version") == str(led_action.version)
    assert hidden(response, "update_version") == ""


def test_it_explains_each_rag_rating(officer_client, led_action):
    text = text_of(officer_client.get(form_url(led_action)))

    assert "Red Off track Amber At risk Green On track Blue Complete" in text


def test_it_counts_the_narratives_characters_without_cutting_it_off(officer_client, led_action):
    html = officer_client.get(form_url(led_action)).content.decode()

    assert 'data-maxlength="5000"' in html
    assert "You can enter up to 5000 characters" in html
    assert "maxlength=" not in re.search(r"<textarea[^>]*>", html).group(0)


# Saving -----------------------------------------------------------------------------------------


def test_it_records_progress_and_returns_to_the_action(officer_client, officer, led_action):
    response = officer_client.post(
        form_url(led_action), progress(led_action, rag_rating="amber", narrative="Delayed.")
    )

    assert response.status_code == 302
    assert response.url == led_action.get_absolute_url()
    update = ProgressUpdate.objects.get(action=led_action)
    assert (update.quarter, update.rag_rating, update.narrative, update.author) == (
        4,
        "amber",
        "Delayed.",
        officer,
    )


def test_it_says_the_progress_was_saved(officer_client, led_action):
    response = officer_client.post(form_url(led_action), progress(led_action), follow=True)

    assert "Progress for Q4 2017-18 saved" in text_of(response)


def test_it_updates_the_actions_completion(officer_client, led_action):
    officer_client.post(
        form_url(led_action),
        progress(
            led_action,
            completion_status=completion_status("complete-with-caveats").pk,
            completion_note="within YOS and CER",
        ),
    )

    led_action.refresh_from_db()
    assert led_action.completion_status.slug == "complete-with-caveats"
    assert led_action.completion_note == "within YOS and CER"


def test_it_records_an_earlier_open_quarter(officer_client, led_action):
    officer_client.post(form_url(led_action), progress(led_action, quarter=2))

    assert list(ProgressUpdate.objects.values_list("quarter", flat=True)) == [2]


def test_a_second_update_in_a_quarter_amends_the_first(officer_client, led_action):
    officer_client.post(form_url(led_action), progress(led_action, narrative="First text."))
    second = officer_client.get(form_url(led_action))

    officer_client.post(
        form_url(led_action),
        progress(
            led_action, narrative="Second text.", update_version=hidden(second, "update_version")
        ),
    )

    assert list(ProgressUpdate.objects.values_list("narrative", flat=True)) == ["Second text."]
    history = text_of(officer_client.get(led_action.get_absolute_url()))
    assert "Q4 update changed" in history
    assert "Narrative First text. Second text." in history


def test_it_stores_markup_as_typed_and_shows_it_escaped(officer_client, led_action):
    typed = '<script>alert("x")</script> <b>bold</b>'

    officer_client.post(form_url(led_action), progress(led_action, narrative=typed))

    assert ProgressUpdate.objects.get().narrative == typed
    html = officer_client.get(led_action.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &lt;b&gt;bold&lt;/b&gt;" in html


# Refusing bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize("rating", ["red", "amber"])
def test_it_requires_a_narrative_for_red_and_amber(officer_client, led_action, rating):
    response = officer_client.post(
        form_url(led_action),
        progress(led_action, rag_rating=rating, narrative="  ", completion_note="kept"),
    )

    assert response.status_code == 400
    assert f"Enter a narrative explaining why this action is {rating}" in text_of(response)
    assert checked(response, "rag_rating") == rating
    assert 'value="kept"' in response.content.decode()
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("rating", ["green", "blue"])
def test_it_does_not_require_a_narrative_for_green_and_blue(officer_client, led_action, rating):
    response = officer_client.post(
        form_url(led_action), progress(led_action, rag_rating=rating, narrative="")
    )

    assert response.status_code == 302


def test_it_asks_for_a_rag_rating(officer_client, led_action):
    response = officer_client.post(form_url(led_action), progress(led_action, rag_rating=""))

    assert response.status_code == 400
    assert "Select a RAG rating" in text_of(response)


def test_it_refuses_an_unknown_rag_rating(officer_client, led_action):
    response = officer_client.post(form_url(led_action), progress(led_action, rag_rating="purple"))

    assert response.status_code == 400
    assert "Select a RAG rating" in text_of(response)
    assert not ProgressUpdate.objects.exists()


def test_it_links_the_error_summary_to_each_field(officer_client, led_action):
    response = officer_client.post(
        form_url(led_action), progress(led_action, rag_rating="", completion_status="")
    )

    summary = re.search(
        r'<div class="govuk-error-summary".*?</ul>', response.content.decode(), re.S
    ).group(0)
    assert '<a href="#id_rag_rating_1">Select a RAG rating</a>' in summary
    assert '<a href="#id_completion_status_1">Select the action’s completion</a>' in summary
    assert 'id="id_rag_rating_1"' in response.content.decode()


def test_it_shows_each_error_beside_its_field(officer_client, led_action):
    response = officer_client.post(
        form_url(led_action), progress(led_action, rag_rating="red", narrative="")
    )

    assert re.search(
        r'<span id="id_narrative_1_error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span> Enter a narrative',
        response.content.decode(),
    )
    assert "<title>Error: " in response.content.decode()


def test_it_refuses_a_narrative_over_the_limit_and_keeps_it(officer_client, led_action):
    too_long = "Word " * 1000 + "extra"  # 5,005 characters

    response = officer_client.post(form_url(led_action), progress(led_action, narrative=too_long))

    assert response.status_code == 400
    assert "Narrative must be 5,000 characters or fewer" in text_of(response)
    assert textarea(response) == too_long
    assert not ProgressUpdate.objects.exists()


def test_it_refuses_a_completion_note_over_the_limit_and_keeps_it(officer_client, led_action):
    too_long = "n" * 301

    response = officer_client.post(
        form_url(led_action), progress(led_action, completion_note=too_long)
    )

    assert response.status_code == 400
    assert "Completion note must be 300 characters or fewer" in text_of(response)
    assert f'value="{too_long}"' in response.content.decode()
    led_action.refresh_from_db()
    assert led_action.completion_note == ""
    assert not ProgressUpdate.objects.exists()


def test_it_keeps_everything_typed_after_a_validation_error(officer_client, led_action):
    response = officer_client.post(
        form_url(led_action),
        progress(
            led_action,
            rag_rating="amber",
            narrative="n" * 5001,
            completion_status=completion_status("deferred").pk,
            completion_note="Until April",
        ),
    )

    assert checked(response, "rag_rating") == "amber"
    assert checked(response, "completion_status") == str(completion_status("deferred").pk)
    assert 'value="Until April"' in response.content.decode()
    assert textarea(response) == "n" * 5001


def test_it_refuses_a_posted_quarter_that_is_not_open_and_shows_what_was_typed(
    in_december_2017, officer_client, led_action
):
    response = officer_client.post(
        form_url(led_action), progress(led_action, quarter=4, narrative="My careful words.")
    )

    assert response.status_code == 400
    assert "There is a problem with the quarter" in text_of(response)
    assert "My careful words." in text_of(response)
    assert not ProgressUpdate.objects.exists()


def test_it_refuses_a_form_without_its_version(officer_client, led_action):
    data = progress(led_action, narrative="Typed.")
    del data["action_version"]

    response = officer_client.post(form_url(led_action), data)

    assert response.status_code == 400
    assert "This form was not sent as shown" in text_of(response)
    assert textarea(response) == "Typed."
    assert not ProgressUpdate.objects.exists()


# Who may record progress ------------------------------------------------------------------------


def test_it_lets_an_administrator_record_progress_on_any_action(client, administrator, led_action):
    client.force_login(administrator)

    response = client.post(form_url(led_action), progress(led_action))

    assert response.status_code == 302
    assert ProgressUpdate.objects.get().author == administrator


@pytest.mark.parametrize("who", ["member", "other_officer"])
def test_it_refuses_the_form_to_those_who_may_not_update_the_action(
    client, led_action, who, request
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(form_url(led_action))

    assert response.status_code == 403
    assert "You cannot do that" in text_of(response)


@pytest.mark.parametrize("who", ["member", "other_officer"])
def test_it_refuses_a_forged_post_from_those_who_may_not_update_the_action(
    client, led_action, who, request
):
    client.force_login(request.getfixturevalue(who))

    response = client.post(form_url(led_action), progress(led_action, narrative="Forged."))

    assert response.status_code == 403
    assert "Nothing has been changed" in text_of(response)
    assert not ProgressUpdate.objects.exists()
    assert Action.objects.get(pk=led_action.pk).completion_status.slug == "not-started"


def test_it_sends_an_anonymous_visitor_to_sign_in(client, led_action):
    response = client.post(form_url(led_action), progress(led_action))

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={form_url(led_action)}"
    assert not ProgressUpdate.objects.exists()


def test_it_answers_not_found_for_an_unknown_action(officer_client):
    assert officer_client.get("/p/lewisham/actions/999999/update/").status_code == 404


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (AnnualPlan.Status.CLOSED, "This plan is closed: progress can no longer be recorded."),
        (
            AnnualPlan.Status.CONSULTATION,
            "This plan is out for consultation: progress can be recorded once it is signed off.",
        ),
    ],
)
def test_it_refuses_progress_on_a_plan_that_takes_none(officer_client, led_action, status, reason):
    AnnualPlan.objects.filter(pk=led_action.plan.pk).update(status=status)

    shown = officer_client.get(form_url(led_action))
    sent = officer_client.post(form_url(led_action), progress(led_action, narrative="Typed."))

    assert (shown.status_code, sent.status_code) == (403, 403)
    assert reason in text_of(shown)
    assert "Typed." in text_of(sent)  # to copy: it has not been saved
    assert not ProgressUpdate.objects.exists()


def test_it_refuses_progress_before_the_plans_year_begins(officer_client, lead_agency):
    action = ActionFactory(lead_agency=lead_agency, strand__priority__plan__financial_year=2099)

    response = officer_client.get(form_url(action))

    assert response.status_code == 403
    assert "This plan’s year has not started: progress can be recorded from 1 April 2099." in (
        text_of(response)
    )


def test_it_refuses_a_post_without_a_csrf_token(officer, led_action):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)

    response = client.post(form_url(led_action), progress(led_action))

    assert response.status_code == 403
    assert "Your form could not be sent" in text_of(response)
    assert not ProgressUpdate.objects.exists()


def test_it_refuses_a_post_with_a_wrong_csrf_token(officer, led_action):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    client.get(form_url(led_action))  # sets the CSRF cookie

    response = client.post(form_url(led_action), progress(led_action, csrfmiddlewaretoken="x" * 64))

    assert response.status_code == 403
    assert not ProgressUpdate.objects.exists()


def test_it_accepts_a_post_with_the_pages_csrf_token(officer, led_action):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    page = client.get(form_url(led_action))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())

    response = client.post(
        form_url(led_action), progress(led_action, csrfmiddlewaretoken=token.group(1))
    )

    assert response.status_code == 302


def test_it_refuses_other_methods(officer_client, led_action):
    assert officer_client.put(form_url(led_action)).status_code == 405


def test_someone_without_a_role_in_the_partnership_is_not_found(client, led_action):
    client.force_login(UserFactory(username="no-role"))

    assert client.get(form_url(led_action)).status_code == 404
    assert client.post(form_url(led_action), progress(led_action)).status_code == 404
    assert not ProgressUpdate.objects.exists()
