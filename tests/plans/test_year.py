"""The plan's year (plans/year.py): when an action counts as late, which quarter a recording form
opens on, and closing a quarter, which refuses its updates."""

from datetime import date

import pytest
from django.db import transaction

from plans import year
from plans.models import AnnualPlan, PlanStatus, QuarterClosure
from plans.quarters import Quarter
from tests.factories import AnnualPlanFactory, UserFactory

pytestmark = pytest.mark.django_db

IN_DECEMBER_2017 = date(2017, 12, 4)  # Q3 of 2017-18
AFTER_THE_YEAR = date(2018, 6, 1)


def empty_snapshot(plan, quarter, on):
    return {"quarter": quarter, "on": on.isoformat()}


def close(plan, quarter, on=AFTER_THE_YEAR, by=None):
    return year.close_quarter(plan, quarter, by=by or UserFactory(), snapshot=empty_snapshot, on=on)


@pytest.fixture
def plan():
    return AnnualPlanFactory(financial_year=2017, status=PlanStatus.ACTIVE)


# Late ------------------------------------------------------------------------------------------


def test_a_list_of_actions_is_late_against_the_day():
    assert year.late_cutoff(date(2017, 12, 4)) == date(2017, 12, 4)


def test_a_quarter_that_has_ended_is_late_against_its_end():
    assert year.late_cutoff(date(2018, 6, 1), Quarter(2017, 3)) == date(2017, 12, 31)


def test_the_quarter_in_progress_is_late_against_the_day():
    assert year.late_cutoff(date(2017, 12, 4), Quarter(2017, 3)) == date(2017, 12, 4)


def test_the_late_cutoff_is_today_by_default(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args: date(2017, 12, 4))

    assert year.late_cutoff() == date(2017, 12, 4)


# Which plans take updates ----------------------------------------------------------------------


@pytest.mark.parametrize("status", PlanStatus.values)
def test_the_plans_taking_updates_are_those_that_accept_them(status):
    plan = AnnualPlanFactory(status=status)

    taking = AnnualPlan.objects.taking_updates().filter(pk=plan.pk).exists()

    assert taking is plan.accepts_updates
    assert taking is (status in {PlanStatus.SIGNED_OFF, PlanStatus.ACTIVE})


# The quarter a form opens on -------------------------------------------------------------------


def numbers(quarters):
    return [quarter.number for quarter in quarters]


def test_with_none_asked_the_form_opens_on_the_reporting_quarter(plan):
    chosen = year.form_quarter(plan, None, on=IN_DECEMBER_2017)

    assert chosen.quarter == plan.quarter(3)
    assert numbers(chosen.choices) == [1, 2, 3]
    assert chosen.asked is None


def test_with_the_reporting_quarter_closed_it_opens_on_the_latest_open_one(plan):
    close(plan, 3)

    assert year.form_quarter(plan, None, on=AFTER_THE_YEAR).quarter == plan.quarter(4)
    close(plan, 4)
    assert year.form_quarter(plan, None, on=AFTER_THE_YEAR).quarter == plan.quarter(2)


def test_with_the_reporting_quarter_not_eligible_it_opens_on_the_latest_eligible_one(plan):
    chosen = year.form_quarter(
        plan, None, eligible=lambda number: number in (2, 4), on=IN_DECEMBER_2017
    )

    assert chosen.quarter == plan.quarter(2)
    assert numbers(chosen.choices) == [2]


def test_it_opens_on_an_open_eligible_quarter_asked_for(plan):
    chosen = year.form_quarter(plan, "1", on=IN_DECEMBER_2017)

    assert (chosen.quarter, chosen.asked) == (plan.quarter(1), 1)


@pytest.mark.parametrize("asked", ["4", "0", "7", "-1", "abc", "", "٣", "１", "1" * 4301])
def test_a_quarter_asked_for_that_cannot_be_recorded_gives_none(plan, asked):
    chosen = year.form_quarter(plan, asked, on=IN_DECEMBER_2017)

    assert chosen.quarter is None
    assert numbers(chosen.choices) == [1, 2, 3]


def test_a_closed_quarter_asked_for_gives_none_and_its_number(plan):
    close(plan, 2, on=IN_DECEMBER_2017)

    chosen = year.form_quarter(plan, "2", on=IN_DECEMBER_2017)

    assert (chosen.quarter, chosen.asked, numbers(chosen.choices)) == (None, 2, [1, 3])


def test_a_quarter_not_eligible_asked_for_gives_none(plan):
    chosen = year.form_quarter(plan, "3", eligible=lambda number: number == 4, on=AFTER_THE_YEAR)

    assert (chosen.quarter, chosen.asked) == (None, 3)


def test_a_plan_that_takes_no_updates_opens_on_no_quarter(plan):
    plan.status = PlanStatus.CLOSED

    assert year.form_quarter(plan, None, on=IN_DECEMBER_2017) == year.FormQuarter(None, [], None)


@pytest.mark.parametrize(("typed", "number"), [("1", 1), ("4", 4), (" 3 ", 3), (2, 2)])
def test_a_quarter_number_is_read_as_typed(typed, number):
    assert year.quarter_number(typed) == number


@pytest.mark.parametrize("typed", [None, "", "5", "0", "03", "3.0", "٣", "²", "1e9999"])
def test_anything_else_is_no_quarter_number(typed):
    assert year.quarter_number(typed) is None


# Closing a quarter -----------------------------------------------------------------------------


def test_closing_keeps_the_snapshot_the_builder_gives_and_who_closed_it(plan):
    chair = UserFactory(first_name="Catherine", last_name="Holloway")

    closure = close(plan, 2, by=chair)

    assert QuarterClosure.objects.get() == closure
    assert closure.snapshot == {"quarter": 2, "on": "2018-06-01"}
    assert closure.closed_by == chair
    assert closure.summary.startswith("Q2 2017-18 was closed by Catherine Holloway on")
    assert closure.history.get().history_user == chair


def test_a_quarter_cannot_be_closed_before_it_has_ended(plan):
    with pytest.raises(year.QuarterNotEnded, match="after 31 December 2017"):
        close(plan, 3, on=date(2017, 12, 31))

    assert not QuarterClosure.objects.exists()


def test_closing_a_closed_quarter_says_who_closed_it_first(plan):
    first = close(plan, 1)

    with pytest.raises(year.QuarterAlreadyClosed) as already:
        close(plan, 1)

    assert already.value.closure == first
    assert QuarterClosure.objects.count() == 1


def test_reopening_deletes_the_closure_keeping_its_history(plan):
    administrator = UserFactory()
    close(plan, 1)

    reopened = year.reopen_quarter(plan, 1, by=administrator)

    assert reopened.quarter == 1
    assert not QuarterClosure.objects.exists()
    assert [row.history_type for row in QuarterClosure.history.order_by("history_date")] == [
        "+",
        "-",
    ]
    assert year.reopen_quarter(plan, 1, by=administrator) is None


def test_a_closed_quarter_is_refused_with_when_it_was_closed(plan):
    close(plan, 2)

    with pytest.raises(year.QuarterClosed) as refused, transaction.atomic():
        year.lock_open_quarter(plan.pk, 2)

    assert str(refused.value).startswith("Q2 2017-18 was closed after the partnership’s meeting")
    assert year.closure_refusal(plan, 2) == str(refused.value)


def test_an_open_quarter_is_not_refused(plan):
    close(plan, 2)

    with transaction.atomic():
        year.lock_open_quarter(plan.pk, 3)

    assert year.closure_refusal(plan, 3) is None
