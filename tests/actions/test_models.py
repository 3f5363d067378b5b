"""Actions, their timeframes, completion and quarterly progress: what the database holds and
refuses, and which actions count as late."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from actions import timeframes
from actions.models import Action, ActionSubItem, CompletionStatus, ProgressUpdate, Timeframe
from plans.models import QuarterClosure
from plans.quarters import Quarter
from tests.factories import (
    ActionFactory,
    AnnualPlanFactory,
    ProgressUpdateFactory,
    StrandFactory,
    ThemeFactory,
    TimeframeFactory,
    completion_status,
)

pytestmark = pytest.mark.django_db


# References -------------------------------------------------------------------------------------


def test_it_refuses_two_actions_with_one_reference_in_a_strand():
    strand = StrandFactory()
    ActionFactory(strand=strand, reference="1.4")

    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(strand=strand, reference="1.4")

    assert strand.actions.count() == 1


def test_it_allows_many_actions_without_a_reference_in_a_strand():
    strand = StrandFactory()

    ActionFactory(strand=strand, reference="")
    ActionFactory(strand=strand, reference="")

    assert strand.actions.filter(reference="").count() == 2


def test_it_allows_the_same_reference_in_another_strand():
    ActionFactory(reference="1.4")

    ActionFactory(reference="1.4")

    assert Action.objects.filter(reference="1.4").count() == 2


def test_it_refuses_two_sub_items_with_one_label_in_an_action():
    action = ActionFactory()
    ActionSubItem.objects.create(
        action=action, label="a", text="Domestic Violence Protection Orders"
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        ActionSubItem.objects.create(action=action, label="a", text="Modern Slavery Orders")

    assert action.sub_items.count() == 1


def test_it_allows_the_same_sub_item_label_in_another_action():
    ActionSubItem.objects.create(action=ActionFactory(), label="a", text="First")

    ActionSubItem.objects.create(action=ActionFactory(), label="a", text="First")

    assert ActionSubItem.objects.filter(label="a").count() == 2


# Progress updates -------------------------------------------------------------------------------


def progress_update(**fields):
    """An update with no author: these tests are about the update, not who wrote it."""
    return ProgressUpdateFactory(**({"author": None} | fields))


@pytest.mark.parametrize("quarter", [0, 5])
def test_it_refuses_a_progress_update_for_a_quarter_outside_one_to_four(quarter):
    action = ActionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        progress_update(action=action, quarter=quarter)

    assert not ProgressUpdate.objects.exists()


def test_it_refuses_a_second_progress_update_for_one_quarter():
    action = ActionFactory()
    progress_update(action=action, quarter=2, narrative="First")

    with pytest.raises(IntegrityError), transaction.atomic():
        progress_update(action=action, quarter=2, narrative="Second")

    assert [update.narrative for update in action.progress_updates.all()] == ["First"]


def test_it_keeps_one_progress_update_for_each_quarter():
    action = ActionFactory()

    for quarter in (1, 2, 3, 4):
        progress_update(action=action, quarter=quarter)

    assert [update.quarter for update in action.progress_updates.all()] == [1, 2, 3, 4]


@pytest.mark.parametrize("rag", ["purple", "Red", ""])
def test_it_refuses_a_rag_rating_other_than_red_amber_green_or_blue(rag):
    action = ActionFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        progress_update(action=action, rag_rating=rag)

    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("rag", ["red", "amber", "green", "blue"])
def test_it_accepts_each_rag_rating(rag):
    progress_update(rag_rating=rag)

    assert ProgressUpdate.objects.get().rag_rating == rag


def test_it_gives_a_progress_update_its_quarters_dates_in_the_plans_year():
    strand = StrandFactory(priority__plan__financial_year=2017)
    update = progress_update(action=ActionFactory(strand=strand), quarter=4)

    assert update.period == Quarter(2017, 4)
    assert (update.period.start_date, update.period.end_date) == (
        date(2018, 1, 1),
        date(2018, 3, 31),
    )


# Completion statuses ----------------------------------------------------------------------------


def test_it_seeds_the_six_completion_statuses_in_order():
    assert [status.name for status in CompletionStatus.objects.all()] == [
        "Not started",
        "In progress",
        "Complete",
        "Complete with caveats",
        "Deferred",
        "Cancelled",
    ]


def test_it_counts_only_the_two_complete_statuses_as_complete():
    complete = CompletionStatus.objects.filter(counts_as_complete=True)

    assert sorted(status.name for status in complete) == ["Complete", "Complete with caveats"]


def test_it_makes_not_started_the_default_completion_status():
    assert CompletionStatus.default().name == "Not started"
    assert [s.name for s in CompletionStatus.objects.filter(is_default=True)] == ["Not started"]


def test_it_refuses_a_second_default_completion_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        CompletionStatus.objects.create(name="Proposed", slug="proposed", is_default=True)

    assert CompletionStatus.objects.filter(is_default=True).count() == 1


def test_it_starts_a_new_action_as_not_started():
    action = Action.objects.create(strand=StrandFactory(), text="Run a campaign.")

    action.refresh_from_db()
    assert action.completion_status.name == "Not started"
    assert not action.is_complete


# Timeframes -------------------------------------------------------------------------------------


def test_it_reads_the_dates_from_a_timeframes_wording_when_saved():
    plan = AnnualPlanFactory(financial_year=2017)

    Timeframe.objects.create(plan=plan, wording="Sept 17 March 18")

    timeframe = Timeframe.objects.get()
    assert timeframe.start_date == date(2017, 9, 1)
    assert timeframe.due_date == date(2018, 3, 31)
    assert timeframe.understood
    assert not timeframe.needs_review


def test_it_reads_a_review_cadence_from_a_timeframes_wording():
    Timeframe.objects.create(
        plan=AnnualPlanFactory(financial_year=2017), wording="Review quarterly"
    )

    assert Timeframe.objects.get().cadence == Timeframe.Cadence.QUARTERLY


def test_it_keeps_unreadable_wording_unchanged_and_flags_it_for_review():
    Timeframe.objects.create(plan=AnnualPlanFactory(), wording="When funding allows")

    timeframe = Timeframe.objects.get()
    assert timeframe.wording == "When funding allows"
    assert timeframe.start_date is None
    assert timeframe.due_date is None
    assert not timeframe.understood
    assert timeframe.needs_review


def test_it_keeps_dates_set_by_hand_and_clears_the_review_flag():
    Timeframe.objects.create(
        plan=AnnualPlanFactory(financial_year=2017),
        wording="When funding allows",
        start_date=date(2017, 10, 1),
        due_date=date(2018, 1, 31),
        set_by_hand=True,
    )

    timeframe = Timeframe.objects.get()
    assert (timeframe.start_date, timeframe.due_date) == (date(2017, 10, 1), date(2018, 1, 31))
    assert timeframe.wording == "When funding allows"
    assert not timeframe.needs_review


def test_it_keeps_hand_set_dates_when_the_timeframe_is_saved_again():
    timeframe = Timeframe.objects.create(
        plan=AnnualPlanFactory(financial_year=2017),
        wording="March 18",
        due_date=date(2017, 12, 31),
        set_by_hand=True,
    )

    timeframe.save()

    timeframe.refresh_from_db()
    assert timeframe.due_date == date(2017, 12, 31)


def test_it_reads_the_wordings_again_when_the_plans_year_is_corrected():
    plan = AnnualPlanFactory(financial_year=2016)
    timeframe = Timeframe.for_wording(plan, "Review quarterly")
    by_hand = Timeframe.objects.create(
        plan=plan, wording="Whenever", set_by_hand=True, due_date=date(2017, 1, 31)
    )

    plan.financial_year = 2017
    plan.save()

    timeframe.refresh_from_db()
    by_hand.refresh_from_db()
    assert (timeframe.start_date, timeframe.due_date) == (date(2017, 4, 1), date(2018, 3, 31))
    assert by_hand.due_date == date(2017, 1, 31)


def test_it_reuses_one_timeframe_for_each_wording_in_a_plan():
    plan = AnnualPlanFactory()

    first = Timeframe.for_wording(plan, "March 18")
    second = Timeframe.for_wording(plan, "  March 18 ")

    assert first == second
    assert Timeframe.objects.filter(plan=plan).count() == 1


def test_it_gives_another_plan_its_own_timeframe_for_the_same_wording():
    this_year = Timeframe.for_wording(AnnualPlanFactory(financial_year=2017), "March 18")
    next_year = Timeframe.for_wording(AnnualPlanFactory(financial_year=2018), "March 18")

    assert this_year != next_year
    assert Timeframe.objects.count() == 2


@pytest.mark.parametrize("wording", ["", "   ", None])
def test_it_has_no_timeframe_for_blank_wording(wording):
    assert Timeframe.for_wording(AnnualPlanFactory(), wording) is None
    assert not Timeframe.objects.exists()


def test_it_refuses_two_timeframes_with_one_wording_in_a_plan():
    plan = AnnualPlanFactory()
    Timeframe.objects.create(plan=plan, wording="March 18")

    with pytest.raises(IntegrityError), transaction.atomic():
        Timeframe.objects.create(plan=plan, wording="March 18")

    assert Timeframe.objects.count() == 1


def test_it_refuses_a_timeframe_due_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        Timeframe.objects.create(
            plan=AnnualPlanFactory(),
            wording="Backwards",
            start_date=date(2018, 3, 1),
            due_date=date(2017, 9, 30),
            set_by_hand=True,
        )

    assert not Timeframe.objects.exists()


def test_it_stores_the_same_review_cadences_as_the_timeframe_reader_gives():
    assert set(Timeframe.Cadence.values) == {cadence.value for cadence in timeframes.Cadence}


# Late actions -----------------------------------------------------------------------------------


def action_due(plan, wording, status="not-started"):
    return ActionFactory(
        strand=StrandFactory(priority__plan=plan),
        timeframe=TimeframeFactory(plan=plan, wording=wording),
        completion_status=completion_status(status),
    )


def test_it_counts_an_unfinished_action_past_its_due_date_as_late():
    plan = AnnualPlanFactory(financial_year=2017)
    late = action_due(plan, "Sept 17", status="in-progress")

    assert list(Action.objects.late(on=date(2017, 10, 1))) == [late]
    assert Action.objects.with_progress(on=date(2017, 10, 1)).get(pk=late.pk).is_late


def test_it_does_not_count_an_action_on_its_due_date_as_late():
    plan = AnnualPlanFactory(financial_year=2017)
    action_due(plan, "Sept 17")

    assert not Action.objects.late(on=date(2017, 9, 30)).exists()


@pytest.mark.parametrize("status", ["complete", "complete-with-caveats"])
def test_it_does_not_count_a_complete_action_as_late(status):
    plan = AnnualPlanFactory(financial_year=2017)
    action = action_due(plan, "Sept 17", status=status)

    assert not Action.objects.late(on=date(2017, 10, 1)).exists()
    assert not Action.objects.with_progress(on=date(2017, 10, 1)).get(pk=action.pk).is_late


def test_it_does_not_count_an_action_not_yet_due_as_late():
    plan = AnnualPlanFactory(financial_year=2017)
    action_due(plan, "March 18")

    assert not Action.objects.late(on=date(2017, 10, 1)).exists()


def test_it_does_not_count_an_action_without_a_due_date_as_late():
    plan = AnnualPlanFactory(financial_year=2017)
    action_due(plan, "When funding allows")
    ActionFactory(strand=StrandFactory(priority__plan=plan), timeframe=None)

    assert not Action.objects.late(on=date(2019, 1, 1)).exists()


# Validation -------------------------------------------------------------------------------------


def test_it_refuses_a_theme_from_another_plan():
    strand = StrandFactory()
    other_plans_theme = ThemeFactory(plan=AnnualPlanFactory())
    action = ActionFactory.build(
        strand=strand, theme=other_plans_theme, lead_agency=None, timeframe=None
    )

    with pytest.raises(ValidationError) as error:
        action.clean()

    assert error.value.message_dict == {"theme": ["Choose a theme of this action's own plan."]}


def test_it_accepts_a_theme_of_the_actions_own_plan():
    strand = StrandFactory()
    theme = ThemeFactory(plan=strand.priority.plan)
    action = ActionFactory.build(strand=strand, theme=theme, lead_agency=None, timeframe=None)

    action.clean()
    action.save()

    assert Action.objects.get(pk=action.pk).theme == theme


def test_it_refuses_a_timeframe_from_another_plan():
    strand = StrandFactory()
    action = ActionFactory.build(
        strand=strand,
        theme=None,
        lead_agency=None,
        timeframe=TimeframeFactory(plan=AnnualPlanFactory()),
    )

    with pytest.raises(ValidationError) as error:
        action.clean()

    assert error.value.message_dict == {"timeframe": ["Choose a timeframe of this action's plan."]}


def test_an_update_is_due_for_the_current_quarter_of_this_years_plan():
    today = date.today()
    current = Quarter.containing(today)
    this_year = StrandFactory(priority__plan__financial_year=current.financial_year)
    next_year = StrandFactory(priority__plan__financial_year=current.financial_year + 1)
    waiting = ActionFactory(strand=this_year)
    updated = ActionFactory(strand=this_year)
    ProgressUpdateFactory(action=updated, quarter=current.number)
    not_started = ActionFactory(strand=next_year)

    due = dict(Action.objects.with_progress(on=today).values_list("pk", "update_due"))

    assert due == {waiting.pk: True, updated.pk: False, not_started.pk: False}


def test_an_update_is_due_for_the_last_quarter_of_an_earlier_years_plan():
    past = StrandFactory(priority__plan__financial_year=2017)
    waiting = ActionFactory(strand=past)
    ProgressUpdateFactory(action=waiting, quarter=3)
    updated = ActionFactory(strand=past)
    ProgressUpdateFactory(action=updated, quarter=4)

    due = dict(Action.objects.with_progress(on=date(2026, 11, 24)).values_list("pk", "update_due"))

    assert due == {waiting.pk: True, updated.pk: False}


def test_no_update_is_due_for_a_closed_quarter():
    """A closed quarter takes no update (plans.year), so none is due: not in the lists'
    annotation either."""
    past = StrandFactory(priority__plan__financial_year=2017)
    waiting = ActionFactory(strand=past)
    QuarterClosure.objects.create(plan=past.priority.plan, quarter=4, snapshot={})

    due = dict(Action.objects.with_progress(on=date(2026, 11, 24)).values_list("pk", "update_due"))

    assert due == {waiting.pk: False}
    assert not Action.objects.due_an_update(4).exists()
    assert list(Action.objects.without_update_for(4)) == [waiting]


@pytest.mark.parametrize("status", ["draft", "consultation", "closed"])
def test_no_update_is_due_in_a_plan_that_takes_none(status):
    action = ActionFactory(strand=StrandFactory(priority__plan__status=status))

    assert not Action.objects.due_an_update(1).exists()
    assert list(Action.objects.without_update_for(1)) == [action]


def test_the_lists_update_due_is_the_rule_for_the_reporting_quarter():
    """with_progress's update_due and due_an_update are one rule: for each plan, its reporting
    quarter's due_an_update."""
    on = date(2018, 2, 1)  # Q4 of 2017-18
    this_year = StrandFactory(priority__plan__financial_year=2017)
    last_year = StrandFactory(priority__plan__financial_year=2016)
    next_year = StrandFactory(priority__plan__financial_year=2018)
    actions = []
    for strand in (this_year, last_year, next_year):
        plan = strand.priority.plan
        for quarter in (None, 3, 4):
            for status in ("in-progress", "complete"):
                action = ActionFactory(strand=strand, completion_status=completion_status(status))
                if quarter:
                    ProgressUpdateFactory(action=action, quarter=quarter)
                actions.append(action)
        if strand is last_year:
            QuarterClosure.objects.create(plan=plan, quarter=4, snapshot={})
    closed = StrandFactory(priority__plan__financial_year=2017, priority__plan__status="closed")
    actions.append(ActionFactory(strand=closed))

    annotated = dict(Action.objects.with_progress(on=on).values_list("pk", "update_due"))
    by_rule = {
        action.pk: (
            (reporting := action.plan.reporting_quarter(on)) is not None
            and Action.objects.due_an_update(reporting.number).filter(pk=action.pk).exists()
        )
        for action in actions
    }

    assert annotated == by_rule
    assert sum(annotated.values()) == 2  # this year's unfinished actions without a Q4 update
