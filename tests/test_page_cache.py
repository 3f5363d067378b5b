"""The page cache (safer_lewisham/pagecache.py) and the data's versions it keys pages by
(safer_lewisham/changes.py): a page is served again without being drawn while nothing has
changed, drawn again after any change however it was written, never served to another person,
and its forms keep working.

The rest of the suite runs with the cache on too (tests/conftest.py), so every test that changes
something and reads a page again also checks that the page was drawn again."""

import re
from contextlib import contextmanager
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from agencies.models import Agency
from partnerships.context import acting_in
from safer_lewisham import changes
from tests.factories import PartnershipFactory, ProgressUpdateFactory, completion_status
from tests.pages import text_of

pytestmark = pytest.mark.django_db


@contextmanager
def statements():
    """The SQL statements run inside, counted without CaptureQueriesContext (which the tests'
    conftest makes turn the page cache off, to count a page's drawing)."""
    seen = []

    def counting(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counting):
        yield seen


def drawn(client, url) -> bool:
    """Whether asking for the page drew it (read the plan's actions) rather than served it
    from the cache."""
    with statements() as seen:
        response = client.get(url)
    assert response.status_code == 200
    return any('"actions_action"' in sql for sql in seen)


def page(action):
    return reverse("actions:detail", args=[action.pk])


# Served again while nothing changes ---------------------------------------------------------


def test_a_page_is_drawn_once_then_served_without_being_drawn(member_client, led_action):
    assert drawn(member_client, page(led_action))
    assert not drawn(member_client, page(led_action))
    assert not drawn(member_client, page(led_action))


def test_the_page_served_is_the_page_drawn(member_client, led_action):
    first = member_client.get(page(led_action))
    again = member_client.get(page(led_action))

    assert text_of(again) == text_of(first)
    assert again["Content-Type"] == first["Content-Type"]


def test_each_of_the_busiest_pages_is_kept(member_client, officer, led_action):
    plan = led_action.plan
    urls = [
        reverse("home"),
        reverse("plans:detail", args=[plan.slug]),
        reverse("reviews:quarter", args=[plan.slug, 4]),
        reverse("reviews:actions", args=[plan.slug, 4]) + "?rag=green",
        reverse("reviews:dashboard"),
        page(led_action),
    ]
    for url in urls:
        member_client.get(url)
        with statements() as seen:
            assert member_client.get(url).status_code == 200
        assert not any('"actions_' in sql or '"plans_' in sql for sql in seen), url


def test_a_spreadsheet_export_is_kept_with_its_file_name(member_client, led_action):
    url = reverse("reviews:xlsx", args=[led_action.plan.slug, 4])
    first = member_client.get(url)

    with statements() as seen:
        again = member_client.get(url)

    assert not any('"actions_' in sql for sql in seen)
    assert again.content == first.content
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Content-Type"] == first["Content-Type"]


# Drawn again after any change -------------------------------------------------------------------


def test_a_saved_update_is_on_the_page_at_once(member_client, led_action):
    member_client.get(page(led_action))

    ProgressUpdateFactory(action=led_action, quarter=4, narrative="Twelve sessions held.")

    assert "Twelve sessions held." in text_of(member_client.get(page(led_action)))


def test_a_change_made_without_saving_a_model_is_seen_too(member_client, led_action):
    """QuerySet.update sends no signal: the statement itself moves the version."""
    member_client.get(page(led_action))

    Action.objects.filter(pk=led_action.pk).update(text="A text changed in bulk.")

    assert "A text changed in bulk." in text_of(member_client.get(page(led_action)))


def test_a_change_to_what_partnerships_share_is_seen_by_every_partnership(
    member_client, led_action
):
    member_client.get(page(led_action))

    Agency.objects.filter(pk=led_action.lead_agency_id).update(name="Renamed Borough Council")

    assert "Renamed Borough Council" in text_of(member_client.get(page(led_action)))


def test_a_change_in_another_partnership_leaves_this_ones_pages_kept(member_client, led_action):
    other = PartnershipFactory()
    member_client.get(page(led_action))
    theirs_before = changes.versions(other.pk)

    with acting_in(other):  # one of their pages saving one of their actions
        Action.objects.filter(text="Theirs").update(order=99)

    assert changes.versions(other.pk)[0] != theirs_before[0]
    assert not drawn(member_client, page(led_action))


@pytest.mark.django_db(transaction=True)
def test_a_transaction_moves_the_version_at_each_write_and_again_when_it_commits(led_action):
    partnership = led_action.plan.partnership_id
    before = changes.versions(partnership)[0]

    with transaction.atomic():
        Action.objects.filter(pk=led_action.pk).update(text="One.")
        Action.objects.filter(pk=led_action.pk).update(text="Two.")
        during = changes.versions(partnership)[0]
    after = changes.versions(partnership)[0]

    assert during == before + 2  # at once, for reads on the same connection
    assert after == during + 1  # and once at commit, for the other servers


def test_writes_no_page_shows_move_no_version(member_client, led_action):
    member_client.get(page(led_action))

    for sql in (
        'UPDATE "django_session" SET "session_data" = %s WHERE "session_key" = %s',
        'INSERT INTO "axes_accessattempt" ("username") VALUES (%s)',
        'UPDATE "auth_user" SET "last_login" = %s WHERE "auth_user"."id" = %s',
        'SELECT "actions_action"."id" FROM "actions_action"',
    ):
        assert changes.owner_of_write(sql) is None, sql
    assert changes.owner_of_write('UPDATE "auth_user" SET "first_name" = %s') == changes.ALL
    assert changes.owner_of_write('DELETE FROM "actions_action" WHERE 1') == str(
        led_action.plan.partnership_id
    )
    # Signing in again (last_login, the session) leaves the page kept.
    member_client.force_login(member_client.get(page(led_action)).wsgi_request.user)
    assert not drawn(member_client, page(led_action))


def test_the_page_is_drawn_again_the_next_day(member_client, led_action, monkeypatch):
    """Which actions are late, and which quarter is reported, move with the date."""
    member_client.get(page(led_action))
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: date(2030, 1, 2))

    assert drawn(member_client, page(led_action))


# Never another person's page --------------------------------------------------------------------


def test_a_page_kept_for_one_person_is_not_served_to_another(client, member, officer, led_action):
    member_view = Client()
    member_view.force_login(member)
    officer_view = Client()
    officer_view.force_login(officer)
    record = reverse("actions:update", args=[led_action.pk])

    member_view.get(page(led_action))
    officer_page = officer_view.get(page(led_action)).content.decode()
    member_page = member_view.get(page(led_action)).content.decode()

    assert record in officer_page  # the officer's agency leads it: they may record progress
    assert record not in member_page


def test_a_person_who_lost_their_access_is_refused_not_served_the_kept_page(
    member_client, member, led_action
):
    member_client.get(page(led_action))

    member.memberships.all().delete()

    assert member_client.get(page(led_action)).status_code == 404


# Forms, messages and the browser's copy ---------------------------------------------------------


def csrf_tokens(response):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())


def test_a_kept_pages_forms_carry_a_token_that_works(officer, led_action):
    """My updates holds a form for each action due; served from the cache, its token is made
    for this request and is accepted."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    mine = reverse("actions:mine")
    first = browser.get(mine)
    kept = browser.get(mine)
    assert csrf_tokens(kept), "My updates has no form to check"
    assert csrf_tokens(kept) != csrf_tokens(first)  # put in afresh, not the one kept

    saved = browser.post(
        reverse("actions:update", args=[led_action.pk]),
        {
            "csrfmiddlewaretoken": csrf_tokens(kept)[0],
            "quarter": 4,
            "rag_rating": "green",
            "narrative": "Posted from a kept page.",
            "completion_status": completion_status("in-progress").pk,
            "completion_note": "",
            "action_version": Action.objects.get(pk=led_action.pk).version,
            "update_version": "",
        },
    )

    assert saved.status_code == 302
    assert led_action.progress_updates.get().narrative == "Posted from a kept page."


def test_a_message_shown_once_is_shown_though_the_page_was_kept(officer_client, led_action):
    officer_client.get(page(led_action))

    response = officer_client.post(
        reverse("actions:update", args=[led_action.pk]),
        {
            "quarter": 4,
            "rag_rating": "green",
            "narrative": "Saved with a message.",
            "completion_status": completion_status("in-progress").pk,
            "completion_note": "",
            "action_version": Action.objects.get(pk=led_action.pk).version,
            "update_version": "",
        },
        follow=True,
    )

    assert "Progress for Q4 2017-18 saved" in text_of(response)
    assert "Saved with a message." in text_of(response)
    assert "Progress for Q4 2017-18 saved" not in text_of(officer_client.get(page(led_action)))


def test_a_browser_with_the_page_is_told_it_has_not_changed(member_client, led_action):
    first = member_client.get(page(led_action))
    assert first["Cache-Control"] == "private, no-cache" or set(
        first["Cache-Control"].split(", ")
    ) == {"private", "no-cache"}

    again = member_client.get(page(led_action), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again.content == b""


def test_a_browser_with_an_old_copy_gets_the_new_page(member_client, led_action):
    first = member_client.get(page(led_action))
    ProgressUpdateFactory(action=led_action, quarter=4, narrative="Since your copy.")

    again = member_client.get(page(led_action), HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 200
    assert again["ETag"] != first["ETag"]
    assert "Since your copy." in text_of(again)


# Off, and a cache out of reach ------------------------------------------------------------------


def test_off_every_page_is_drawn(member_client, led_action, settings):
    settings.PAGE_CACHE = False
    member_client.get(page(led_action))

    assert drawn(member_client, page(led_action))
    assert "ETag" not in member_client.get(page(led_action))


def test_a_cache_out_of_reach_draws_every_page_and_loses_no_save(
    member_client, led_action, settings
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }

    assert drawn(member_client, page(led_action))
    ProgressUpdateFactory(action=led_action, quarter=4, narrative="Saved with no cache.")
    assert "Saved with no cache." in text_of(member_client.get(page(led_action)))
    assert drawn(member_client, page(led_action))
