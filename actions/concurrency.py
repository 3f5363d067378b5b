"""Optimistic concurrency: a save is refused when the row changed since the form was shown.

Each versioned row (see ``actions.models.Versioned``) counts its saves. A form carries the version
it showed; on saving, ``claim`` runs ``UPDATE ... WHERE id = %s AND version = %s`` inside the
caller's transaction. That one statement both checks the version and takes the row's write lock
(on PostgreSQL a row lock; on SQLite the database's write lock), so nobody else can change the
row between the check and the write that follows in the same transaction.
"""

from django.db import transaction
from django.db.models import F


class VersionConflict(Exception):
    """Someone else saved the row after the form was shown. ``current`` is the row as it is now
    (None if it has been deleted)."""

    def __init__(self, current):
        super().__init__("The row was changed by someone else.")
        self.current = current


def claim(model, pk, expected_version):
    """Lock the row if it still has ``expected_version``; raise VersionConflict otherwise.

    Must run inside ``transaction.atomic()``, before the write it protects.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("claim() must run inside transaction.atomic().")
    # A no-op update: it changes nothing but matches (and locks) the row only at that version.
    matched = model._default_manager.filter(pk=pk, version=expected_version).update(
        version=F("version")
    )
    if not matched:
        raise VersionConflict(model._default_manager.filter(pk=pk).first())


def save_as_shown(
    model, lookup: dict, shown_version: int | None, values: dict, *, reason: str | None = None
):
    """Create or change the one row ``lookup`` finds (e.g. an action's update for a quarter), if
    it is still as the officer's form showed it; return the row saved.

    ``shown_version`` is the version of the row the form showed, or None when it showed none.
    Raises VersionConflict if the row has changed since, has been deleted since, or was created
    by someone else after the form was shown. ``reason`` is the change reason its history
    records (e.g. "Imported from plan.xlsx"); None for none. Must run inside
    ``transaction.atomic()``; a first row created by two people at once is refused by the
    database's unique constraint (IntegrityError), which the caller treats as a conflict too.
    """
    existing = model._default_manager.filter(**lookup).first()
    if existing is None:
        if shown_version is not None:
            raise VersionConflict(None)  # the row the form showed has been deleted
        row = model(**lookup, **values)
        row._change_reason = reason
        row.save(force_insert=True)
        return row
    if shown_version is None:
        raise VersionConflict(existing)  # someone else wrote the first one meanwhile
    claim(model, existing.pk, shown_version)
    existing.refresh_from_db()
    for name, value in values.items():
        setattr(existing, name, value)
    existing._change_reason = reason
    existing.save()
    return existing
