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
