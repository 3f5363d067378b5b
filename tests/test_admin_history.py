"""The audit trail in admin: each object's History page lists who changed what, and when."""

import re
from html import unescape

import pytest
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import registered_models

from actions.models import Action, ProgressUpdate
from tests.factories import AgencyFactory, ProgressUpdateFactory
from tests.test_admin import admin_url, submit

pytestmark = pytest.mark.django_db


def history_rows(response):
    """The rows of the admin History table, newest first, each as the text a reader sees."""
    html = response.content.decode()
    table = re.search(r'<table id="change-history".*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]


def test_every_admin_page_of_a_recorded_model_has_a_history_page():
    recorded = set(registered_models.values())
    for model, model_admin in admin.site._registry.items():
        if model in recorded:
            assert isinstance(model_admin, SimpleHistoryAdmin), model._meta.label


def test_an_action_changed_in_admin_shows_who_changed_which_field(admin_client, led_action):
    led_action.completion_note = "within YOS"
    led_action.save()

    submit(
        admin_client,
        admin_url(Action, "change", led_action.pk),
        Action,
        completion_note="within YOS and CER",
    )
    response = admin_client.get(admin_url(Action, "history", led_action.pk))

    assert response.status_code == 200
    newest = history_rows(response)[0]
    assert "Changed" in newest
    assert "admin-user" in newest
    assert "Completion note: within YOS → within YOS and CER" in newest


def test_an_action_changed_in_admin_records_its_partner_agencies(admin_client, led_action):
    probation = AgencyFactory(name="Probation Service")

    submit(
        admin_client,
        admin_url(Action, "change", led_action.pk),
        Action,
        partner_agencies=probation.pk,
    )
    response = admin_client.get(admin_url(Action, "history", led_action.pk))

    rows = history_rows(response)
    assert any("admin-user" in row and "Partner agencies" in row for row in rows)


def test_a_progress_update_changed_in_admin_shows_who_changed_the_narrative(
    admin_client, led_action
):
    update = ProgressUpdateFactory(action=led_action, narrative="Going to plan.")

    submit(
        admin_client,
        admin_url(ProgressUpdate, "change", update.pk),
        ProgressUpdate,
        narrative="Two of three workshops held.",
    )
    response = admin_client.get(admin_url(ProgressUpdate, "history", update.pk))

    newest = history_rows(response)[0]
    assert "admin-user" in newest
    assert "Narrative: Going to plan. → Two of three workshops held." in newest


def test_an_administrator_who_is_not_a_superuser_sees_the_history(
    client, administrator, led_action
):
    client.force_login(administrator)

    response = client.get(admin_url(Action, "history", led_action.pk))

    assert response.status_code == 200
    assert history_rows(response)  # at least the record of the action being created


def test_the_history_page_lists_every_change_newest_first(admin_client, led_action):
    url = admin_url(Action, "change", led_action.pk)
    submit(admin_client, url, Action, completion_note="first")
    submit(admin_client, url, Action, completion_note="second")

    rows = history_rows(admin_client.get(admin_url(Action, "history", led_action.pk)))

    assert "→ second" in rows[0]
    assert "→ first" in rows[1]
    assert "Created" in rows[-1]
