"""The plan's year, in the users' words: when a not-complete action counts as late, which quarter
a recording form opens on, and closing a quarter after the partnership's meeting, which stops
its updates changing.

Every page, export, e-mail and job asks these questions here, so that each rule is written once.
Which plans take updates at all is ``AnnualPlan.objects.taking_updates()`` and
``plan.accepts_updates``; the quarters that have begun and are not closed are
``plan.open_quarters()``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format

from .models import AnnualPlan, QuarterClosure
from .quarters import QUARTER_NUMBERS, Quarter

# Late ------------------------------------------------------------------------------------------


def late_cutoff(on: date | None = None, quarter: Quarter | None = None) -> date:
    """The day before which a due date makes a not-complete action late.

    For a list of actions, ``on`` (today by default). For a quarter's review, the earlier of the
    quarter's end and ``on``: an action due after the quarter ended was not late in it, and in
    the quarter in progress an action is late once its due date has passed.
    """
    on = on or timezone.localdate()
    return on if quarter is None else min(quarter.end_date, on)


# The quarter a form records --------------------------------------------------------------------


@dataclass(frozen=True)
class FormQuarter:
    """The quarter a recording form (a progress update, an indicator's value) is for.

    ``quarter`` is None when the one asked for cannot be recorded; ``choices`` are the quarters
    that can, for the page's links; ``asked`` is the number asked for (None if there was none,
    or it was not a quarter's number), for saying why.
    """

    quarter: Quarter | None
    choices: list[Quarter]
    asked: int | None


def form_quarter(
    plan: AnnualPlan,
    asked: str | None,
    eligible: Callable[[int], bool] = lambda number: True,
    on: date | None = None,
) -> FormQuarter:
    """The quarter a form opens on or was posted for.

    ``asked`` is the quarter as the address (``?quarter=``) or the posted form gives it, or None
    when none was asked for. A quarter asked for must be open (``plan.open_quarters``) and
    ``eligible`` (e.g. one an indicator is reported in). With none asked, the form opens on the
    reporting quarter if it is open and eligible, else on the latest open eligible one.
    """
    choices = [quarter for quarter in plan.open_quarters(on) if eligible(quarter.number)]
    if asked is None:
        reporting = plan.reporting_quarter(on)
        if reporting in choices:
            return FormQuarter(reporting, choices, None)
        return FormQuarter(choices[-1] if choices else None, choices, None)
    number = quarter_number(asked)
    chosen = next((quarter for quarter in choices if quarter.number == number), None)
    return FormQuarter(chosen, choices, number)


def quarter_number(value) -> int | None:
    """A quarter's number (1–4) as typed in an address or a form, or None for anything else."""
    text = str(value).strip() if value is not None else ""
    # isdecimal() alone accepts other scripts' digits ("٣") and a very long string, which int()
    # reads or refuses slowly: a quarter is one ASCII digit.
    if len(text) != 1 or not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number in QUARTER_NUMBERS else None


# Closing a quarter -----------------------------------------------------------------------------


class QuarterClosed(Exception):
    """The quarter was closed after the partnership's meeting (perhaps while the officer's form
    was open): its updates and values can no longer be added or changed. The message says so,
    for the officer."""

    def __init__(self, closure: QuarterClosure):
        super().__init__(closure.refusal)
        self.closure = closure


class QuarterNotEnded(Exception):
    """A quarter can only be closed once it has ended."""

    def __init__(self, period: Quarter):
        super().__init__(
            f"{period.label} can only be closed once it has ended, after "
            f"{date_format(period.end_date, 'j F Y')}."
        )
        self.period = period


class QuarterAlreadyClosed(Exception):
    """Someone closed the quarter first (perhaps the same person, pressing twice)."""

    def __init__(self, closure: QuarterClosure):
        super().__init__(closure.summary)
        self.closure = closure


def closure_refusal(plan: AnnualPlan, quarter: int) -> str | None:
    """Why nothing can be recorded for a quarter of the plan because it is closed, as a sentence
    for the officer; None when it is not closed."""
    closure = (
        QuarterClosure.objects.filter(plan=plan, quarter=quarter)
        .select_related("plan")
        .defer("snapshot")
        .first()
    )
    return closure.refusal if closure else None


def _lock_plan(plan_id: int) -> None:
    """Take the plan row's write lock until the end of the transaction: a no-op UPDATE, which
    locks the row on PostgreSQL and the database on SQLite alike (a SELECT ... FOR UPDATE would
    lock nothing on SQLite). Closing a quarter and recording in one both start with it, so that
    they happen one after the other."""
    AnnualPlan.objects.filter(pk=plan_id).update(status=F("status"))


def lock_open_quarter(plan_id: int, quarter: int) -> None:
    """Lock the plan's row and raise QuarterClosed if the quarter is closed.

    Must run inside ``transaction.atomic()``, before the write it protects. Closing takes the
    same lock before it takes its snapshot, so a quarter closed while an officer's form was open
    is seen here, and anything recorded first is in the snapshot.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_open_quarter() must run inside transaction.atomic().")
    _lock_plan(plan_id)
    closure = (
        QuarterClosure.objects.filter(plan_id=plan_id, quarter=quarter)
        .select_related("plan")
        .defer("snapshot")
        .first()
    )
    if closure is not None:
        raise QuarterClosed(closure)


# What builds a closed quarter's snapshot: called with the plan, the quarter's number and the day
# the quarter is closed, inside the plan's lock; returns the JSON to keep. The reviews app passes
# the review's own builder, so that the plans need not know what a review holds.
SnapshotBuilder = Callable[[AnnualPlan, int, date], dict]


def close_quarter(
    plan: AnnualPlan, quarter: int, *, by, snapshot: SnapshotBuilder, on: date | None = None
) -> QuarterClosure:
    """Close a quarter of the plan that has ended, keeping ``snapshot(plan, quarter, on)`` (its
    review as it stands now). Who closed it and when are the closure's own fields.

    Raises QuarterNotEnded, or QuarterAlreadyClosed if it is closed already.
    """
    on = on or timezone.localdate()
    period = plan.quarter(quarter)
    if not period.end_date < on:
        raise QuarterNotEnded(period)
    try:
        with transaction.atomic():
            # First statement: every recording in the quarter takes the same lock before it
            # checks for a closure (lock_open_quarter), so each one is either in the snapshot
            # below or refused; never saved into a closed quarter without being shown.
            _lock_plan(plan.pk)
            closure = QuarterClosure(plan=plan, quarter=quarter, closed_by=by)
            closure.snapshot = snapshot(plan, quarter, on)
            closure._history_user = by  # also outside a request (shell, tests)
            closure.save()
    except IntegrityError:
        raise QuarterAlreadyClosed(QuarterClosure.objects.get(plan=plan, quarter=quarter)) from None
    return closure


def reopen_quarter(plan: AnnualPlan, quarter: int, *, by) -> QuarterClosure | None:
    """Reopen a closed quarter: its closure is deleted (its history keeps who closed and
    reopened it, when, and the snapshot). Returns the deleted closure, or None if the quarter
    was not closed."""
    closure = QuarterClosure.objects.filter(plan=plan, quarter=quarter).first()
    if closure is None:
        return None
    closure._history_user = by
    closure.delete()
    return closure
