"""No lost updates: when two people save the same action at once, the second is shown what the
first saved and keeps their own text to merge and resubmit."""

import re
import threading
from contextvars import copy_context
from html import unescape

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from actions.models import Action, ProgressUpdate
from actions.progress import Progress, ProgressConflict, record_progress
from agencies.roles import OFFICERS
from tests.conftest import in_role
from tests.factories import ProfileFactory, ProgressUpdateFactory, UserFactory, completion_status
from tests.pages import text_of

pytestmark = pytest.mark.django_db

CONFLICT = "Someone else saved this action while you were editing it"


def signed_in(user):
    """A browser session of its own."""
    client = Client()
    client.force_login(user)
    return client


def form_url(action, quarter=4):
    return f"/p/lewisham/actions/{action.pk}/update/?quarter={quarter}"


def hidden(response, name):
    match = re.search(
        rf'<input type="hidden" name="{name}"(?: value="([^"]*)")?', response.content.decode()
    )
    return match.group(1) or ""


def textarea(response):
    match = re.search(
        r'<textarea name="narrative"[^>]*>\n?(.*?)</textarea>', response.content.decode(), re.S
    )
    return unescape(match.group(1))


def submit(client, action, page, narrative, rag_rating="green", status="in-progress"):
    """Send the form as `page` showed it, with this narrative typed in."""
    return client.post(
        f"/p/lewisham/actions/{action.pk}/update/",
        {
            "quarter": hidden(page, "quarter"),
            "rag_rating": rag_rating,
            "narrative": narrative,
            "completion_status": completion_status(status).pk,
            "completion_note": "",
            "action_version": hidden(page, "action_version"),
            "update_version": hidden(page, "update_version"),
        },
    )


@pytest.fixture
def colleague(officer):
    """A second officer of the same agency."""
    user = in_role(UserFactory(username="colleague", first_name="Ada", last_name="Cole"), OFFICERS)
    ProfileFactory(user=user, agency=officer.profile.agency)
    return user


# Through the form -------------------------------------------------------------------------------


def test_a_stale_form_is_refused_with_what_the_other_person_saved(
    officer_client, colleague, led_action
):
    ProgressUpdateFactory(action=led_action, quarter=4, narrative="The first draft.")
    mine = officer_client.get(form_url(led_action))
    theirs = signed_in(colleague)
    submit(theirs, led_action, theirs.get(form_url(led_action)), "Their account.", "red")

    response = submit(officer_client, led_action, mine, "My account.")

    assert response.status_code == 409
    text = text_of(response)
    assert CONFLICT in text
    assert "Saved by Ada Cole" in text
    assert "RAG rating Red (off track)" in text
    assert "Narrative Their account." in text
    assert textarea(response) == "My account."
    assert ProgressUpdate.objects.get().narrative == "Their account."


def test_resubmitting_after_a_conflict_saves(officer_client, colleague, led_action):
    ProgressUpdateFactory(action=led_action, quarter=4)
    mine = officer_client.get(form_url(led_action))
    theirs = signed_in(colleague)
    submit(theirs, led_action, theirs.get(form_url(led_action)), "Their account.")
    refused = submit(officer_client, led_action, mine, "My account.")

    response = submit(officer_client, led_action, refused, "My account, and theirs.")

    assert response.status_code == 302
    assert ProgressUpdate.objects.get().narrative == "My account, and theirs."


def test_a_conflict_page_carries_the_current_versions(officer_client, colleague, led_action):
    mine = officer_client.get(form_url(led_action))
    theirs = signed_in(colleague)
    submit(theirs, led_action, theirs.get(form_url(led_action)), "Theirs.")

    response = submit(officer_client, led_action, mine, "Mine.")

    update = ProgressUpdate.objects.get()
    assert hidden(response, "action_version") == str(Action.objects.get().version)
    assert hidden(response, "update_version") == str(update.version)


@pytest.mark.parametrize("second", ["officer", "administrator"])
def test_two_sessions_saving_the_same_quarters_update(officer, led_action, second, request):
    ProgressUpdateFactory(action=led_action, quarter=4, narrative="Before.")
    first_session = signed_in(officer)
    second_session = signed_in(request.getfixturevalue(second))
    first_page = first_session.get(form_url(led_action))
    second_page = second_session.get(form_url(led_action))

    first = submit(first_session, led_action, first_page, "First to save.")
    second = submit(second_session, led_action, second_page, "Second to save.", "amber")

    assert first.status_code == 302
    assert second.status_code == 409
    assert "First to save." in text_of(second)
    assert textarea(second) == "Second to save."
    assert ProgressUpdate.objects.get().narrative == "First to save."


def test_two_sessions_saving_different_quarters_of_the_same_action(officer, colleague, led_action):
    first_session, second_session = signed_in(officer), signed_in(colleague)
    first_page = first_session.get(form_url(led_action, quarter=4))
    second_page = second_session.get(form_url(led_action, quarter=3))

    first = submit(first_session, led_action, first_page, "Q4 text.", status="complete")
    second = submit(second_session, led_action, second_page, "Q3 text.")

    assert first.status_code == 302
    assert second.status_code == 409
    text = text_of(second)
    # The other person changed the action's completion while this form was open.
    assert "The action’s completion now Complete" in text
    assert textarea(second) == "Q3 text."
    assert list(ProgressUpdate.objects.values_list("quarter", flat=True)) == [4]

    resubmitted = submit(second_session, led_action, second, "Q3 text.", status="complete")

    assert resubmitted.status_code == 302
    assert sorted(ProgressUpdate.objects.values_list("quarter", flat=True)) == [3, 4]


def test_two_first_updates_of_a_quarter_at_once(officer, colleague, led_action):
    first_session, second_session = signed_in(officer), signed_in(colleague)
    first_page = first_session.get(form_url(led_action))
    second_page = second_session.get(form_url(led_action))
    assert hidden(first_page, "update_version") == hidden(second_page, "update_version") == ""

    first = submit(first_session, led_action, first_page, "First.")
    second = submit(second_session, led_action, second_page, "Second.")

    assert (first.status_code, second.status_code) == (302, 409)
    assert "First." in text_of(second)
    assert ProgressUpdate.objects.get().narrative == "First."


def test_a_deleted_update_is_said_to_be_deleted(officer_client, led_action):
    update = ProgressUpdateFactory(action=led_action, quarter=4)
    mine = officer_client.get(form_url(led_action))
    update.delete()

    response = submit(officer_client, led_action, mine, "Mine.")

    assert response.status_code == 409
    assert "has been deleted" in text_of(response)
    assert hidden(response, "update_version") == ""


def test_a_change_to_the_action_in_admin_is_not_overwritten(officer_client, led_action):
    mine = officer_client.get(form_url(led_action))
    led_action.completion_status = completion_status("cancelled")
    led_action.save()

    response = submit(officer_client, led_action, mine, "Mine.")

    assert response.status_code == 409
    assert "The action’s completion now Cancelled" in text_of(response)
    assert Action.objects.get().completion_status.slug == "cancelled"


# At the same moment, in the database ------------------------------------------------------------


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite takes one writer at a time, so two threads cannot race inside it; this "
    "runs on PostgreSQL (DATABASE_URL=postgres://...)",
)
# Real transactions, committed for the other thread to see; serialized_rollback puts back what
# the migrations seeded (completion statuses, the role groups) for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_saves_at_the_same_moment_let_exactly_one_through(officer, colleague, led_action):
    shown_version = Action.objects.get(pk=led_action.pk).version  # both forms showed this
    start = threading.Barrier(2)
    outcomes = {}

    def save(author, narrative):
        try:
            action = Action.objects.get(pk=led_action.pk)  # each session reads its own copy
            status = completion_status("in-progress")
            start.wait(timeout=10)
            record_progress(
                action,
                Progress(4, "green", narrative, status, ""),
                author=author,
                action_version=shown_version,
                update_version=None,
            )
            outcomes[narrative] = "saved"
        except ProgressConflict:
            outcomes[narrative] = "refused"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=copy_context().run, args=(save, officer, "Officer's text.")),
        threading.Thread(target=copy_context().run, args=(save, colleague, "Colleague's text.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(narrative for narrative, outcome in outcomes.items() if outcome == "saved")
    assert list(ProgressUpdate.objects.values_list("narrative", flat=True)) == [winner]
