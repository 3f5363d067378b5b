"""An indicator's audit trail as people read it: every change to the indicator, its targets and
its values, who made it and when, with the values before and after. Built as the action page's
"Changes" section is (actions.history.audit_trail)."""

from actions.history import HistoryEntry, Trail, audit_trail

from .models import Indicator, IndicatorTarget, IndicatorValue

# Bookkeeping that means nothing to a reader of the trail, or that the entry's title says.
NOT_SHOWN = frozenset(
    {"id", "version", "recorded_at", "updated_at", "indicator", "quarter", "plan"}
)


def indicator_history(indicator: Indicator) -> list[HistoryEntry]:
    """Every recorded change to the indicator, its quarterly targets and its values, newest
    first. A save that changed nothing a reader would see is left out."""
    return audit_trail(
        [
            Trail(Indicator.history.filter(id=indicator.pk), lambda row: "Indicator"),
            Trail(
                IndicatorTarget.history.filter(indicator_id=indicator.pk),
                lambda row: f"Q{row.quarter} target",
            ),
            Trail(
                IndicatorValue.history.filter(indicator_id=indicator.pk),
                lambda row: f"Q{row.quarter} value",
            ),
        ],
        not_shown=NOT_SHOWN,
    )
