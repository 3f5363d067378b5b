"""Recording a period's value of an indicator, without losing anybody's figure."""

from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction

from actions.concurrency import VersionConflict, save_as_shown
from plans.year import lock_open_quarter

from .models import Indicator, IndicatorValue


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
    the history. If the quarter has been closed, nothing is saved and plans.year.QuarterClosed
    says why.
    """
    try:
        with transaction.atomic():
            lock_open_quarter(indicator.plan_id, reported.quarter)
            return save_as_shown(
                IndicatorValue,
                {"indicator": indicator, "quarter": reported.quarter},
                version,
                {"value": reported.value, "note": reported.note, "recorded_by": by},
            )
    except (VersionConflict, IntegrityError):
        # IntegrityError: two people recorded the quarter's first value at once, and the
        # database's one-value-per-quarter rule refused the second.
        current = (
            IndicatorValue.objects.filter(indicator=indicator, quarter=reported.quarter)
            .select_related("recorded_by")
            .first()
        )
        raise ValueConflict(current) from None


class NoReason(Exception):
    """An override was asked for without a reason."""


def override_rating(value: IndicatorValue, rating: str, reason: str, *, by) -> IndicatorValue:
    """Set (or, with rating "", remove) an administrator's override of a value's rating. The
    computed rating stays as it is, shown beside the override. Refused in a closed quarter."""
    reason = reason.strip()
    if rating and not reason:
        raise NoReason("Give a reason for overriding the rating.")
    with transaction.atomic():
        lock_open_quarter(value.indicator.plan_id, value.quarter)
        value = IndicatorValue.objects.select_for_update().get(pk=value.pk)
        value.rating_override = rating
        value.override_reason = reason if rating else ""
        value.save()
    return value
