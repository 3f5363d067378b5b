"""Audit trails as people read them: who changed what, when, and what it was before.

django-simple-history records a row for every create, change and delete of a model it tracks
(and, for an action, a snapshot of its partner agencies with each of its rows). ``audit_trail``
reads the rows of a few kinds of thing (an action, its updates and sub-items; an indicator, its
targets and values) in a few queries, pairs each row with the one before it in Python, and turns
the differences into labelled before/after values with names in place of ids. The action page
(``action_history``) and the indicator page (indicators/history.py) are built with it.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.text import capfirst

from agencies.models import Agency, display_name

from .models import Action, ActionSubItem, ProgressUpdate

# Bookkeeping that means nothing to a reader of the action's trail.
NOT_SHOWN = frozenset({"id", "version", "created_at", "updated_at", "action"})
# Already said by an entry's title ("Q3 update added", "Sub-item b) deleted"), so only listed
# when changed.
NAMED_IN_TITLE = frozenset({"quarter", "label"})

# Who made a change that came from no signed-in person: a data load, a command, a migration.
SYSTEM = "System"

CREATED, CHANGED, DELETED = "+", "~", "-"
VERBS = {CREATED: "added", CHANGED: "changed", DELETED: "deleted"}


@dataclass
class Change:
    """One field's value before and after a change ("" when it had none)."""

    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    """One change to an action or to one of its parts, as the action page lists it."""

    when: datetime
    who: str
    what: str
    kind: str  # "added", "changed" or "deleted"
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class Trail:
    """One kind of thing in an audit trail: its history rows (a queryset of a model's history),
    what an entry about one is called ("Q3 update", to which "added" or "changed" is added), and,
    if its rows record more than their own fields, what that is: ``more_changes(rows)`` gives a
    function of (row, previous row) returning [(model field, before, after)]."""

    history: object
    name: Callable[[object], str]
    more_changes: Callable[[list], Callable] | None = None


def audit_trail(
    trails: list[Trail], *, not_shown: frozenset, named_in_title: frozenset = frozenset()
) -> list[HistoryEntry]:
    """Every recorded change of the trails' things, newest first. Fields in ``not_shown`` are
    never listed; those in ``named_in_title`` only when they changed. A save that changed
    nothing a reader would see (e.g. only the version) is left out."""
    # Pair each row with the previous row of the same object; look the names up afterwards.
    pending = []  # (row, what, [(field, before, after)])
    for trail in trails:
        rows = list(
            trail.history.select_related("history_user").order_by("history_date", "history_id")
        )
        more_changes = trail.more_changes(rows) if trail.more_changes else None
        for row, previous in _consecutive(rows):
            changes = _field_changes(row, previous, not_shown, named_in_title)
            if more_changes:
                changes += more_changes(row, previous)
            if row.history_type == CHANGED and not changes:
                continue
            pending.append((row, f"{trail.name(row)} {VERBS[row.history_type]}", changes))

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


def action_history(action: Action) -> list[HistoryEntry]:
    """Every recorded change to the action, its progress updates and its sub-items, newest
    first."""
    return audit_trail(
        [
            Trail(
                Action.history.filter(id=action.pk),
                lambda row: "Action",
                more_changes=_partner_changes_of,
            ),
            Trail(
                ProgressUpdate.history.filter(action_id=action.pk),
                lambda row: f"Q{row.quarter} update",
            ),
            Trail(
                ActionSubItem.history.filter(action_id=action.pk),
                lambda row: f"Sub-item {row.label})",
            ),
        ],
        not_shown=NOT_SHOWN,
        named_in_title=NAMED_IN_TITLE,
    )


def _shown_fields(row, not_shown):
    """The fields of the row's model a reader cares about, that its history keeps."""
    kept = {history_field.attname for history_field in row._meta.concrete_fields}
    return [
        model_field
        for model_field in row.instance_type._meta.concrete_fields
        if model_field.editable
        and model_field.name not in not_shown
        and model_field.attname in kept
    ]


def _consecutive(rows):
    """(row, the previous row of the same object or None), oldest first."""
    previous_of = {}
    for row in rows:
        yield row, previous_of.get(row.id)
        previous_of[row.id] = row


def _field_changes(row, previous, not_shown, named_in_title):
    """[(model field, before, after)] between a history row and the one before it. An addition
    lists the values it was created with; a deletion, the values it had."""
    fields = _shown_fields(row, not_shown)
    listed = [f for f in fields if f.name not in named_in_title and _has_value(f, row)]
    if row.history_type == CREATED:
        return [(f, None, f.value_from_object(row)) for f in listed]
    if row.history_type == DELETED:
        return [(f, f.value_from_object(row), None) for f in listed]
    if previous is None:
        # The earliest row kept is a change (e.g. rows loaded before the trail began): there is
        # nothing to compare it with.
        return []
    delta = row.diff_against(previous, included_fields=[f.name for f in fields])
    changed = {change.field: change for change in delta.changes}
    # In the model's own field order, not the alphabetical order diff_against uses.
    return [(f, changed[f.name].old, changed[f.name].new) for f in fields if f.name in changed]


def _has_value(model_field, row):
    return model_field.value_from_object(row) not in (None, "")


# The action's partner agencies --------------------------------------------------------------

PARTNERS = Action._meta.get_field("partner_agencies")


def _partner_changes_of(action_rows):
    """The partner agencies' changes between an action's history rows, as Trail.more_changes."""
    partners = _partner_snapshots(action_rows)
    return lambda row, previous: _partner_changes(row, previous, partners)


def _partner_snapshots(action_rows):
    """{history row id: set of agency ids}: the partner agencies as each action row saw them,
    in one query."""
    snapshots = defaultdict(set)
    through = Action.history.model.partner_agencies.model
    for history_id, agency_id in through.objects.filter(
        history_id__in=[row.history_id for row in action_rows]
    ).values_list("history_id", "agency_id"):
        snapshots[history_id].add(agency_id)
    return snapshots


def _partner_changes(row, previous, partners):
    if previous is None or row.history_type != CHANGED:
        return []
    before, after = partners[previous.history_id], partners[row.history_id]
    if before == after:
        return []
    return [(PARTNERS, before, after)]


# Names in place of ids -----------------------------------------------------------------------


def _label(model_field):
    return capfirst(model_field.verbose_name)


class _Names:
    """Shows values as people read them: ids as the names of what they point at (one query per
    kind of thing), choices by their labels."""

    def __init__(self, pending):
        wanted = defaultdict(set)
        for _row, _what, changes in pending:
            for model_field, before, after in changes:
                model = _related_model(model_field)
                if model is None:
                    continue
                for value in (before, after):
                    if isinstance(value, set):
                        wanted[model] |= value
                    elif value is not None:
                        wanted[model].add(value)
        self.objects = {
            model: model._default_manager.in_bulk(sorted(ids)) for model, ids in wanted.items()
        }

    def show(self, model_field, value):
        if value is None or value == "":
            return ""
        model = _related_model(model_field)
        if isinstance(value, set):
            return ", ".join(sorted(self._name(model, pk) for pk in value))
        if model is not None:
            return self._name(model, value)
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return str(value)

    def _name(self, model, pk):
        found = self.objects.get(model, {}).get(pk)
        if found is None:
            return f"A deleted {model._meta.verbose_name}"
        if model is get_user_model():
            return display_name(found)
        if model is Agency:
            return found.display_name
        return str(found)


def _related_model(model_field):
    if isinstance(model_field, models.ForeignKey | models.ManyToManyField):
        return model_field.related_model
    return None
