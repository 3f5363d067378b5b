"""Recording progress once the partnership has closed a quarter after its meeting."""

from unittest import mock

import pytest

from actions import progress
from actions.models import ProgressUpdate
from plans.models import QuarterClosure
from plans.year import QuarterClosed
from tests.closing import close_quarter
from tests.pages import text_of

pytestmark = pytest.mark.django_db


def form_data(action, quarter, narrative="Late news from the quarter."):
    return {
        "quarter": str(quarter),
        "rag_rating": "amber",
        "narrative": narrative,
        "completion_status": str(action.completion_status_id),
        "completion_note": "",
        "action_version": str(action.version),
        "update_version": "",
    }


def test_a_closed_quarter_is_refused_with_when_it_was_closed(officer_client, led_action, member):
    close_quarter(led_action.plan, 2, by=member)

    response = officer_client.get(f"/p/lewisham/actions/{led_action.pk}/update/?quarter=2")

    assert response.status_code == 400
    assert "Q2 2017-18 was closed after the partnership’s meeting on" in text_of(response)


def test_the_form_opens_on_the_latest_open_quarter_when_the_reporting_one_is_closed(
    officer_client, led_action, member
):
    close_quarter(led_action.plan, 4, by=member)

    response = officer_client.get(f"/p/lewisham/actions/{led_action.pk}/update/")

    assert response.status_code == 200
    assert "Record progress for Q3 2017-18" in text_of(response)


def test_a_quarter_closed_while_the_form_was_open_saves_nothing_and_shows_the_text(
    officer_client, led_action, member
):
    closure = QuarterClosure(plan=led_action.plan, quarter=4, closed_by=member)
    closed_meanwhile = QuarterClosed(closure)
    with mock.patch.object(progress, "record_progress", side_effect=closed_meanwhile):
        response = officer_client.post(
            f"/p/lewisham/actions/{led_action.pk}/update/",
            form_data(led_action, 4, "Kept for copying."),
        )

    assert response.status_code == 400
    assert "Kept for copying." in text_of(response)
    assert not ProgressUpdate.objects.exists()
