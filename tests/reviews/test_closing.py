"""Closing a quarter after the partnership's meeting (the chair or an administrator), which
freezes its page and stops its updates changing, and reopening it (an administrator)."""

import html
import re
import threading
import time
from contextvars import copy_context
from datetime import date

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection

from actions import progress
from actions.models import ProgressUpdate
from agencies import roles
from plans.models import QuarterClosure
from plans.year import QuarterClosed
from reviews import building
from reviews.snapshot import closed_review
from tests.closing import close_quarter
from tests.factories import ActionFactory, ProgressUpdateFactory, completion_status


@pytest.fixture(autouse=True)
def quarter_roles(db):
    """The role groups with the quarter permissions (agencies/roles.py; a database migrated from
    before the groups had them: tests/plans/test_quarter_closure_migration.py)."""
    roles.ensure_roles()


@pytest.fixture
def plan(led_action):
    """The led action's 2017-18 plan: every quarter ended years ago."""
    return led_action.plan


def quarter_url(plan, quarter, page=""):
    return f"/p/lewisham/plans/{plan.slug}/quarters/{quarter}/{page}"


def text_of(response) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def progress_form(action, quarter):
    return {
        "quarter": str(quarter),
        "rag_rating": "green",
        "narrative": "Recorded after the meeting.",
        "completion_status": str(action.completion_status_id),
        "completion_note": "",
        "action_version": str(action.version),
        "update_version": "",
    }


# Who may close ---------------------------------------------------------------------------------


def test_the_chair_closes_a_quarter_that_has_ended(member_client, member, plan):
    response = member_client.post(quarter_url(plan, 2, "close/"))

    assert response.status_code == 302
    assert response["Location"] == quarter_url(plan, 2)
    closure = QuarterClosure.objects.get(plan=plan, quarter=2)
    assert closure.closed_by == member
    page = text_of(member_client.get(response["Location"]))
    assert "Q2 2017-18 is closed." in page
    assert f"Closed by {member.get_full_name()} on {closure.closed_on}" in page


def test_an_administrator_may_close_a_quarter(client, administrator, plan):
    client.force_login(administrator)

    assert client.post(quarter_url(plan, 1, "close/")).status_code == 302
    assert QuarterClosure.objects.filter(plan=plan, quarter=1).exists()


def test_an_officer_may_not_close_a_quarter(officer_client, plan):
    response = officer_client.post(quarter_url(plan, 1, "close/"))

    assert response.status_code == 403
    assert not QuarterClosure.objects.exists()


def test_closing_is_a_post(member_client, plan):
    assert member_client.get(quarter_url(plan, 1, "close/")).status_code == 405
    assert not QuarterClosure.objects.exists()


def test_a_quarter_that_has_not_ended_cannot_be_closed(member_client, plan, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2017, 12, 31))

    response = member_client.post(quarter_url(plan, 3, "close/"))

    assert response.status_code == 400
    assert "Q3 2017-18 can only be closed once it has ended, after 31 December 2017." in (
        text_of(response)
    )
    assert not QuarterClosure.objects.exists()


def test_closing_a_closed_quarter_again_keeps_the_first_closure(member_client, member, plan):
    member_client.post(quarter_url(plan, 1, "close/"))
    first = QuarterClosure.objects.get()

    response = member_client.post(quarter_url(plan, 1, "close/"), follow=True)

    assert QuarterClosure.objects.get() == first
    assert f"Q1 2017-18 was closed by {member.get_full_name()}" in text_of(response)


def test_the_page_offers_closing_to_the_chair_once_the_quarter_has_ended(member_client, plan):
    page = member_client.get(quarter_url(plan, 1)).content.decode()

    assert f'action="{quarter_url(plan, 1, "close/")}"' in page
    assert "csrfmiddlewaretoken" in page
    assert "Once Q1 2017-18 is closed, officers can no longer add or change its updates" in page


def test_the_page_offers_no_closing_to_an_officer(officer_client, plan):
    page = officer_client.get(quarter_url(plan, 1)).content.decode()

    assert "close/" not in page
    assert "reopen/" not in page


def test_the_page_offers_no_closing_before_the_quarter_ends(member_client, plan, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2017, 11, 20))

    page = member_client.get(quarter_url(plan, 3)).content.decode()

    assert "close/" not in page


# A closed quarter -------------------------------------------------------------------------------


def test_closing_freezes_the_page_and_its_action_lists(member_client, member, plan, led_action):
    ProgressUpdateFactory(action=led_action, quarter=1, rag_rating="red", narrative="Stalled.")
    member_client.post(quarter_url(plan, 1, "close/"), follow=True)  # and its message shown
    closed_page = text_of(member_client.get(quarter_url(plan, 1)))
    closed_list = text_of(member_client.get(quarter_url(plan, 1, "actions/?figure=off_track")))

    # Changed behind the service's back (it refuses updates to a closed quarter), and a new
    # action added to the plan.
    ProgressUpdate.objects.filter(action=led_action).update(rag_rating="green", narrative="Fine.")
    led_action.text = "Reworded after the meeting."
    led_action.save()
    ActionFactory(strand=led_action.strand)

    assert text_of(member_client.get(quarter_url(plan, 1))) == closed_page
    assert text_of(member_client.get(quarter_url(plan, 1, "actions/?figure=off_track"))) == (
        closed_list
    )
    assert "Stalled." in closed_page
    assert "1 action" in closed_list


def test_a_closed_quarter_is_not_offered_to_officers(member_client, plan):
    member_client.post(quarter_url(plan, 2, "close/"))

    assert [quarter.number for quarter in plan.open_quarters()] == [1, 3, 4]


def test_the_progress_form_refuses_an_update_to_a_closed_quarter(
    officer_client, member, plan, led_action
):
    close_quarter(plan, 2, by=member)

    response = officer_client.post(
        f"/p/lewisham/actions/{led_action.pk}/update/", progress_form(led_action, quarter=2)
    )

    assert response.status_code == 400
    assert not ProgressUpdate.objects.filter(action=led_action).exists()


def test_the_service_refuses_a_quarter_closed_while_the_form_was_open(member, plan, led_action):
    form_shown_version = led_action.version
    closure = close_quarter(plan, 2, by=member)

    with pytest.raises(QuarterClosed) as refused:
        progress.record_progress(
            led_action,
            progress.Progress(
                quarter=2,
                rag_rating="green",
                narrative="Typed before the meeting.",
                completion_status=completion_status("in-progress"),
                completion_note="",
            ),
            author=member,
            action_version=form_shown_version,
            update_version=None,
        )

    assert str(refused.value) == (
        f"Q2 2017-18 was closed after the partnership’s meeting on {closure.closed_on}: its "
        "updates can no longer be changed."
    )
    assert not ProgressUpdate.objects.filter(action=led_action).exists()
    led_action.refresh_from_db()
    assert led_action.version == form_shown_version


def test_the_service_still_records_the_quarters_that_are_open(member, plan, led_action):
    close_quarter(plan, 2, by=member)

    update = progress.record_progress(
        led_action,
        progress.Progress(
            quarter=3,
            rag_rating="amber",
            narrative="Still going.",
            completion_status=completion_status("in-progress"),
            completion_note="",
        ),
        author=member,
        action_version=led_action.version,
        update_version=None,
    )

    assert (update.quarter, update.rag_rating) == (3, "amber")


def test_with_every_quarter_closed_officers_are_told_why(member, plan):
    for quarter in (1, 2, 3, 4):
        close_quarter(plan, quarter, by=member)

    assert plan.open_quarters() == []
    assert plan.why_no_updates() == (
        "Every quarter of this plan so far has been closed after the partnership’s meetings: "
        "progress can no longer be recorded."
    )


def slowed(function, seconds):
    """The function, starting `seconds` late: to hold a transaction open at that point."""

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return function(*args, **kwargs)

    return slow


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="SQLite takes one writer at a time, so two threads cannot race inside it; this "
    "runs on PostgreSQL (DATABASE_URL=postgres://...)",
)
# Real transactions, committed for the other thread to see; serialized_rollback puts back what
# the migrations seeded (completion statuses, the role groups) for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize(
    ("first", "expected"),
    [
        # The update has checked that the quarter is open and is still writing when the chair
        # closes it: closing waits for it, and the snapshot shows it.
        ("update", {"update": "saved", "snapshot": "red"}),
        # The quarter is being closed when the officer saves: the update waits, then is refused.
        ("close", {"update": "refused", "snapshot": None}),
    ],
)
def test_an_update_saved_as_the_quarter_closes_is_in_its_snapshot_or_refused(
    member, officer, led_action, monkeypatch, first, expected
):
    plan = led_action.plan
    # Hold the first one's transaction open for a second, and start the second a moment after.
    if first == "update":
        monkeypatch.setattr(progress, "_write_update", slowed(progress._write_update, 1))
    else:
        monkeypatch.setattr(building, "compute_review", slowed(building.compute_review, 1))
    start = threading.Barrier(2)
    outcomes = {}

    def close():
        try:
            start.wait(timeout=10)
            time.sleep(0.3 if first == "update" else 0)
            close_quarter(plan, 2, by=member)
        finally:
            connection.close()

    def update():
        try:
            action = type(led_action).objects.get(pk=led_action.pk)
            status = completion_status("in-progress")
            start.wait(timeout=10)
            time.sleep(0.3 if first == "close" else 0)
            progress.record_progress(
                action,
                progress.Progress(2, "red", "Saved as the meeting ended.", status, ""),
                author=officer,
                action_version=action.version,
                update_version=None,
            )
            outcomes["update"] = "saved"
        except QuarterClosed:
            outcomes["update"] = "refused"
        finally:
            connection.close()

    # Each thread works in the test's partnership, as the test does (contextvars).
    threads = [
        threading.Thread(target=copy_context().run, args=(close,)),
        threading.Thread(target=copy_context().run, args=(update,)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    [row] = closed_review(QuarterClosure.objects.get(plan=plan, quarter=2)).rows
    outcomes["snapshot"] = row.rag
    assert outcomes == expected
    saved = ProgressUpdate.objects.filter(action=led_action, quarter=2).exists()
    assert saved is (expected["update"] == "saved")


# Reopening ------------------------------------------------------------------------------------


def test_the_chair_may_not_reopen_a_quarter(member_client, plan):
    member_client.post(quarter_url(plan, 1, "close/"))

    response = member_client.post(quarter_url(plan, 1, "reopen/"))

    assert response.status_code == 403
    assert QuarterClosure.objects.filter(plan=plan, quarter=1).exists()


def test_an_officer_may_not_reopen_a_quarter(officer_client, member, plan):
    close_quarter(plan, 1, by=member)

    assert officer_client.post(quarter_url(plan, 1, "reopen/")).status_code == 403
    assert QuarterClosure.objects.exists()


def test_an_administrator_reopens_a_quarter(client, administrator, member, plan, led_action):
    close_quarter(plan, 1, by=member)
    client.force_login(administrator)
    assert "Reopen Q1 2017-18" in text_of(client.get(quarter_url(plan, 1)))

    response = client.post(quarter_url(plan, 1, "reopen/"), follow=True)

    assert response.status_code == 200
    assert "Q1 2017-18 is open again" in text_of(response)
    assert not QuarterClosure.objects.exists()
    assert [quarter.number for quarter in plan.open_quarters()] == [1, 2, 3, 4]


def test_a_reopened_quarter_shows_the_figures_as_they_are(client, administrator, plan, led_action):
    update = ProgressUpdateFactory(action=led_action, quarter=1, rag_rating="red")
    close_quarter(plan, 1, by=administrator)
    client.force_login(administrator)
    client.post(quarter_url(plan, 1, "reopen/"))
    update.rag_rating = "green"
    update.save()

    response = client.get(quarter_url(plan, 1, "actions/?figure=on_track"))

    assert led_action.text in text_of(response)


def test_closing_and_reopening_are_in_the_audit_trail(client, member, administrator, plan):
    client.force_login(member)
    client.post(quarter_url(plan, 3, "close/"))
    client.force_login(administrator)
    client.post(quarter_url(plan, 3, "reopen/"))

    history = list(QuarterClosure.history.order_by("history_date"))

    assert [(h.history_type, h.history_user, h.quarter) for h in history] == [
        ("+", member, 3),
        ("-", administrator, 3),
    ]
    # The trail keeps what the meeting was shown.
    assert history[0].snapshot["quarter_label"] == "Q3 2017-18"
    page = text_of(client.get(quarter_url(plan, 3)))
    assert f"Closed and reopened Closed by {member.get_full_name()} on" in page
    assert f"Reopened by {administrator.get_full_name()} on" in page


# The permissions ------------------------------------------------------------------------------


def test_the_roles_have_their_quarter_permissions(db):
    roles.ensure_roles()

    def codenames(role):
        return set(
            Group.objects.get(name=role)
            .permissions.filter(
                content_type__app_label="plans", codename__in=["close_quarter", "reopen_quarter"]
            )
            .values_list("codename", flat=True)
        )

    assert codenames(roles.CHAIR_AND_MEMBERS) == {"close_quarter"}
    assert codenames(roles.ADMINISTRATORS) == {"close_quarter", "reopen_quarter"}
    assert codenames(roles.OFFICERS) == set()
