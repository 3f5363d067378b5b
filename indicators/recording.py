"""Recording a period's value of an indicator, without losing anybody's figure."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from actions.concurrency import VersionConflict, claim
from plans.models import AnnualPlan
from reviews.models import QuarterClosure

from .models import Indicator, IndicatorValue


class QuarterClosed(Exception):
    """The quarter was closed after the partnership's meeting (perhaps while the officer's form
    was open): its values can no longer be added or changed."""

    def __init__(self, closure):
        super().__init__(closure.refusal)
        self.closure = closure


class ValueConflict(Exception):
    """The quarter's value changed after the officer's form was shown. Holds what is saved now
    (None if it has been deleted), for the officer to compare with their own figure."""

    def __init__(self, current: IndicatorValue | None):
        super().__init__("Someone else saved a value for this quarter while you were editing it.")
        self.current = current


@dataclass
class Reported:
    """What an officer reports for one quarter of an indicator."""

    quarter: int
    value: Decimal
    note: str


def record_value(
    indicator: Indicator, reported: Reported, *, by, version: int | None
) -> IndicatorValue:
    """Save the quarter's value in one transaction, rated against its target on saving.

    ``version`` is the version of the quarter's value the officer's form showed (None when it
    showed none). If the value has changed since, nothing is saved and ValueConflict says what is
    there now. A second value for the same quarter amends the first; the earlier figure stays in
    the history. If the quarter has been closed, nothing is saved and QuarterClosed says why.
    """
    try:
        with transaction.atomic():
            _refuse_closed_quarter(indicator, reported.quarter)
            existing = IndicatorValue.objects.filter(
                indicator=indicator, quarter=reported.quarter
            ).first()
            if existing is None:
                if version is not None:
                    raise VersionConflict(None)  # the value the form showed has been deleted
                return IndicatorValue.objects.create(
                    indicator=indicator,
                    quarter=reported.quarter,
                    value=reported.value,
                    note=reported.note,
                    recorded_by=by,
                )
            if version is None:
                # Someone else recorded the quarter's first value after the form was shown.
                raise VersionConflict(existing)
            claim(IndicatorValue, existing.pk, version)
            existing.refresh_from_db()
            existing.value = reported.value
            existing.note = reported.note
            existing.recorded_by = by
            existing.save()
            return existing
    except (VersionConflict, IntegrityError):
        # IntegrityError: two people recorded the quarter's first value at once, and the
        # database's one-value-per-quarter rule refused the second.
        current = (
            IndicatorValue.objects.filter(indicator=indicator, quarter=reported.quarter)
            .select_related("recorded_by")
            .first()
        )
        raise ValueConflict(current) from None


def _refuse_closed_quarter(indicator, quarter):
    """Raise QuarterClosed if the quarter is closed. Locks the plan's row first, as closing a
    quarter does before it takes its snapshot (see actions.progress), so a value saved first is
    in the snapshot and a quarter closed while the form was open is seen here."""
    AnnualPlan.objects.select_for_update().filter(pk=indicator.plan_id).values_list(
        "pk", flat=True
    ).get()
    closure = (
        QuarterClosure.objects.filter(plan_id=indicator.plan_id, quarter=quarter)
        .select_related("plan")
        .defer("snapshot")
        .first()
    )
    if closure is not None:
        raise QuarterClosed(closure)


class NoReason(Exception):
    """An override was asked for without a reason."""


def override_rating(value: IndicatorValue, rating: str, reason: str, *, by) -> IndicatorValue:
    """Set (or, with rating "", remove) an administrator's override of a value's rating. The
    computed rating stays as it is, shown beside the override. Refused in a closed quarter."""
    reason = reason.strip()
    if rating and not reason:
        raise NoReason("Give a reason for overriding the rating.")
    with transaction.atomic():
        _refuse_closed_quarter(value.indicator, value.quarter)
        value = IndicatorValue.objects.select_for_update().get(pk=value.pk)
        value.rating_override = rating
        value.override_reason = reason if rating else ""
        value.save()
    return value
