"""A plan's update window per quarter: its default dates from settings, and changing one in
admin."""

from datetime import date

import pytest
from django.urls import reverse

from rounds.models import UpdateWindow
from rounds.windows import planned_window, window_for
from tests.factories import AnnualPlanFactory, UpdateWindowFactory
from tests.rounds.conftest import CLOSES, OPENS, REMINDER_DAY

pytestmark = pytest.mark.django_db


def test_a_window_opens_two_weeks_before_the_quarter_ends_and_closes_ten_days_after(plan):
    window = window_for(plan, 3)

    assert (window.opens_on, window.closes_on) == (OPENS, CLOSES)
    assert UpdateWindow.objects.get(plan=plan, quarter=3) == window


def test_its_reminder_goes_three_days_before_it_closes(plan):
    assert window_for(plan, 3).reminder_on == REMINDER_DAY


def test_the_q4_window_runs_into_the_next_financial_year(plan):
    window = window_for(plan, 4)

    assert (window.opens_on, window.closes_on) == (date(2018, 3, 17), date(2018, 4, 10))


def test_the_defaults_come_from_settings(plan, settings):
    settings.UPDATE_WINDOW_OPENS_DAYS_BEFORE_END = 7
    settings.UPDATE_WINDOW_CLOSES_DAYS_AFTER_END = 21
    settings.UPDATE_REMINDER_DAYS_BEFORE_CLOSE = 5

    window = window_for(plan, 1)

    assert (window.opens_on, window.closes_on) == (date(2017, 6, 23), date(2017, 7, 21))
    assert window.reminder_on == date(2017, 7, 16)


def test_the_reminder_never_comes_before_the_window_opens(plan):
    window = UpdateWindowFactory(plan=plan, opens_on=date(2018, 1, 9), closes_on=CLOSES)

    assert window.reminder_on == date(2018, 1, 9)


def test_a_saved_window_is_kept_as_it_is(plan):
    UpdateWindowFactory(
        plan=plan, quarter=3, opens_on=date(2018, 1, 2), closes_on=date(2018, 1, 20)
    )

    window = window_for(plan, 3)

    assert (window.opens_on, window.closes_on) == (date(2018, 1, 2), date(2018, 1, 20))
    assert UpdateWindow.objects.count() == 1


def test_a_planned_window_is_not_saved(plan):
    window = planned_window(plan, 3)

    assert (window.opens_on, window.closes_on) == (OPENS, CLOSES)
    assert not UpdateWindow.objects.exists()


def test_it_refuses_a_quarter_outside_one_to_four(plan):
    with pytest.raises(ValueError):
        window_for(plan, 5)


def test_open_and_closed_days(plan):
    window = window_for(plan, 3)

    assert not window.is_open_on(date(2017, 12, 16))
    assert window.is_open_on(OPENS) and window.is_open_on(CLOSES)
    assert not window.has_closed_by(CLOSES)
    assert window.has_closed_by(date(2018, 1, 11))


# Admin -------------------------------------------------------------------------------------------


def change_url(window):
    return reverse("admin:rounds_updatewindow_change", args=[window.pk])


def test_an_administrator_changes_a_windows_dates_in_admin(admin_client, plan):
    window = window_for(plan, 3)

    response = admin_client.post(
        change_url(window), {"opens_on": "2018-01-02", "closes_on": "2018-01-24"}
    )

    assert response.status_code == 302
    window.refresh_from_db()
    assert (window.opens_on, window.closes_on) == (date(2018, 1, 2), date(2018, 1, 24))
    assert window.history.first().history_user.username == "admin-user"


def test_admin_refuses_a_window_that_closes_before_it_opens(admin_client, plan):
    window = window_for(plan, 3)

    response = admin_client.post(
        change_url(window), {"opens_on": "2018-01-10", "closes_on": "2018-01-02"}
    )

    assert response.status_code == 200
    assert "The window cannot close before it opens." in response.content.decode()
    window.refresh_from_db()
    assert window.closes_on == CLOSES


def test_admin_lists_windows_with_their_reminder_day(admin_client, plan):
    window_for(plan, 3)

    response = admin_client.get(reverse("admin:rounds_updatewindow_changelist"))

    page = response.content.decode()
    assert "Q3 2017-18 (October to December 2017)" in page
    assert "7 January 2018" in page


def test_admin_adds_a_window(admin_client):
    plan = AnnualPlanFactory()

    response = admin_client.post(
        reverse("admin:rounds_updatewindow_add"),
        {"plan": plan.pk, "quarter": 2, "opens_on": "2017-09-20", "closes_on": "2017-10-12"},
    )

    assert response.status_code == 302
    assert UpdateWindow.objects.get(plan=plan, quarter=2).closes_on == date(2017, 10, 12)
