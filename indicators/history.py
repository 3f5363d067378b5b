"""An indicator's audit trail as people read it: every change to the indicator, its targets and
its values, who made it and when, with the values before and after. Built like the action
page's "Changes" section (actions/history.py), whose pieces it reuses."""

from actions.history import (
    CHANGED,
    CREATED,
    DELETED,
    SYSTEM,
    VERBS,
    Change,
    HistoryEntry,
    _consecutive,
    _label,
    _Names,
    _rows,
)
from agencies.models import display_name

from .models import Indicator, IndicatorTarget, IndicatorValue

# Bookkeeping that means nothing to a reader of the trail, or that the entry's title says.
NOT_SHOWN = frozenset(
    {"id", "version", "recorded_at", "updated_at", "indicator", "quarter", "plan"}
)


def indicator_history(indicator: Indicator) -> list[HistoryEntry]:
    """Every recorded change to the indicator, its quarterly targets and its values, newest
    first. A save that changed nothing a reader would see is left out."""
    pending = []
    for rows, describe in (
        (_rows(Indicator.history.filter(id=indicator.pk)), lambda row, verb: f"Indicator {verb}"),
        (
            _rows(IndicatorTarget.history.filter(indicator_id=indicator.pk)),
            lambda row, verb: f"Q{row.quarter} target {verb}",
        ),
        (
            _rows(IndicatorValue.history.filter(indicator_id=indicator.pk)),
            lambda row, verb: f"Q{row.quarter} value {verb}",
        ),
    ):
        for row, previous in _consecutive(rows):
            changes = _field_changes(row, previous)
            if row.history_type == CHANGED and not changes:
                continue
            pending.append((row, describe(row, VERBS[row.history_type]), changes))
    names = _Names(pending)
    entries = [
        HistoryEntry(
            when=row.history_date,
            who=display_name(row.history_user) if row.history_user else SYSTEM,
            what=what,
            kind=VERBS[row.history_type],
            changes=[
                Change(_label(shown), names.show(shown, before), names.show(shown, after))
                for shown, before, after in changes
            ],
        )
        for row, what, changes in pending
    ]
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def _field_changes(row, previous):
    kept = {history_field.attname for history_field in row._meta.concrete_fields}
    fields = [
        f
        for f in row.instance_type._meta.concrete_fields
        if f.name not in NOT_SHOWN and f.attname in kept
    ]
    if row.history_type == CREATED:
        return [
            (f, None, f.value_from_object(row))
            for f in fields
            if f.value_from_object(row) not in (None, "")
        ]
    if row.history_type == DELETED:
        return [
            (f, f.value_from_object(row), None)
            for f in fields
            if f.value_from_object(row) not in (None, "")
        ]
    if previous is None:
        return []
    delta = row.diff_against(previous, included_fields=[f.name for f in fields])
    changed = {change.field: change for change in delta.changes}
    return [(f, changed[f.name].old, changed[f.name].new) for f in fields if f.name in changed]
