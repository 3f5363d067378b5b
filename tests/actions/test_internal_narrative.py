"""A narrative an officer keeps internal: the progress form's checkbox, saved on the update,
and marked "Internal" on the action's page."""

import pytest

from actions.models import ProgressUpdate
from tests.factories import ProgressUpdateFactory, completion_status
from tests.pages import text_of

pytestmark = pytest.mark.django_db

LABEL = "Keep this narrative internal (it will not be shown on the public pages)"


def form_url(action):
    return f"/p/lewisham/actions/{action.pk}/update/"


def progress(action, **changes):
    action.refresh_from_db()
    update = ProgressUpdate.objects.filter(action=action, quarter=4).first()
    return {
        "quarter": 4,
        "rag_rating": "amber",
        "narrative": "Waiting for the venue.",
        "completion_status": completion_status("in-progress").pk,
        "completion_note": "",
        "action_version": action.version,
        "update_version": update.version if update else "",
    } | changes


def test_the_form_offers_the_checkbox_unticked(officer_client, led_action):
    response = officer_client.get(form_url(led_action))

    html = response.content.decode()
    assert LABEL in text_of(response)
    assert 'type="checkbox" name="internal"' in html
    assert "checked" not in html.split('name="internal"')[1].split(">")[0]


def test_ticking_it_keeps_the_narrative_internal(officer_client, led_action):
    response = officer_client.post(form_url(led_action), progress(led_action, internal="on"))

    assert response.status_code == 302
    assert ProgressUpdate.objects.get(action=led_action, quarter=4).internal is True


def test_leaving_it_unticked_publishes_the_narrative(officer_client, led_action):
    officer_client.post(form_url(led_action), progress(led_action))

    assert ProgressUpdate.objects.get(action=led_action, quarter=4).internal is False


def test_amending_an_update_can_untick_it(officer_client, led_action):
    officer_client.post(form_url(led_action), progress(led_action, internal="on"))
    form = officer_client.get(form_url(led_action)).content.decode()
    assert "checked" in form.split('name="internal"')[1].split(">")[0]

    officer_client.post(form_url(led_action), progress(led_action, narrative="Venue found."))

    update = ProgressUpdate.objects.get(action=led_action, quarter=4)
    assert (update.narrative, update.internal) == ("Venue found.", False)


def test_a_form_with_a_mistake_keeps_the_tick(officer_client, led_action):
    response = officer_client.post(
        form_url(led_action), progress(led_action, narrative="", internal="on")
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert "checked" in html.split('name="internal"')[1].split(">")[0]


def test_the_action_page_tags_an_internal_narrative(member_client, led_action):
    ProgressUpdateFactory(action=led_action, quarter=1, narrative="Public story")
    ProgressUpdateFactory(action=led_action, quarter=2, narrative="Private story", internal=True)

    text = text_of(member_client.get(led_action.get_absolute_url()))

    assert "Q2 2017-18 July to September 2017 Green In progress Internal" in text
    assert "Private story" in text  # the partnership still reads it
    assert "Q1 2017-18 April to June 2017 Green In progress Public story" in text
