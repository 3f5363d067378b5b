"""A timeframe flagged for review (review_reason, e.g. carried forward from last year's plan):
admin shows why, and saving it there marks the dates as checked."""

import pytest
from django.urls import reverse

from actions.models import Timeframe
from tests.factories import ActionFactory, TimeframeFactory
from tests.test_admin import form_data

pytestmark = pytest.mark.django_db

REASON = (
    "Carried forward from Safer Lewisham Plan 17-18, where it was due 31 March 2018: check the "
    "dates for 2018-19."
)


@pytest.fixture
def flagged():
    timeframe = TimeframeFactory(plan__financial_year=2018, wording="March 18")
    Timeframe.objects.filter(pk=timeframe.pk).update(review_reason=REASON)
    timeframe.refresh_from_db()
    return timeframe


def change_url(timeframe):
    return reverse("admin:actions_timeframe_change", args=[timeframe.pk])


def test_admin_shows_why_the_dates_need_checking(admin_client, flagged):
    response = admin_client.get(change_url(flagged))

    assert REASON in response.text
    assert "Saving this timeframe marks its dates as checked" in response.text
    assert "review_reason" not in response.context["adminform"].form.fields


def test_saving_it_in_admin_clears_the_flag(admin_client, flagged):
    page = admin_client.get(change_url(flagged))

    response = admin_client.post(change_url(flagged), form_data(page, Timeframe))

    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.review_reason == ""
    assert not flagged.needs_review
    assert flagged.history.first().history_change_reason == "Dates checked by an administrator"


def test_the_needs_review_filter_lists_it_until_then(admin_client, flagged):
    TimeframeFactory(plan=flagged.plan, wording="Review quarterly")
    changelist = reverse("admin:actions_timeframe_changelist")
    query = {"needs_review": "yes", "plan__id__exact": flagged.plan.pk}

    listed = admin_client.get(changelist, query).context["cl"].result_list
    assert [t.wording for t in listed] == ["March 18"]

    admin_client.post(
        change_url(flagged), form_data(admin_client.get(change_url(flagged)), Timeframe)
    )
    assert not admin_client.get(changelist, query).context["cl"].result_list


def test_the_actions_admin_page_says_why_too(admin_client, flagged):
    action = ActionFactory(strand__priority__plan=flagged.plan, timeframe=flagged)

    response = admin_client.get(reverse("admin:actions_action_change", args=[action.pk]))

    assert REASON in response.text
    assert change_url(flagged) in response.text
