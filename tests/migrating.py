"""For the tests of a migration that moves an upload's bytes out of the database into the
default storage (tests/bulkupdates/test_file_migration.py, tests/imports/test_file_migration.py):
a row made before it keeps its bytes, now in a file, and migrating back puts them into the
database again and deletes the file."""

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

CONTENT = bytes(range(256)) * 8  # a spreadsheet's bytes, every byte value in them
FILENAME = "Plan (final).xlsx"

# Real migrations, which SQLite cannot run inside a transaction. What the migrations seed is
# put back for each transactional test by tests/conftest.py (seeded_by_migrations); with
# serialized_rollback too, the rows would be put back twice when such a test ran before.
real_migrations = pytest.mark.django_db(transaction=True)


def migrate(targets):
    """Migrate the database to the targets; the apps (models) as they stand there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def moved_into_a_file_and_back(before, model, on_commit, **fields):
    """Make a row of ``model`` (with ``fields``, CONTENT and FILENAME) in the database migrated
    back to ``before``, then migrate forward and back again, checking that its bytes move into
    a file and back and that the file is deleted (by the work left for after the commit, which
    ``on_commit``, pytest-django's django_capture_on_commit_callbacks, does). The row as the app
    reads it once migrated forward, for the test to check where its file is."""
    try:
        made = (
            migrate(before)
            .get_model(model._meta.label)
            .objects.create(content=CONTENT, filename=FILENAME, **fields)
        )
        migrate(latest())

        moved = model.objects.get(pk=made.pk)
        assert moved.file.name.endswith(".xlsx")
        assert moved.read_file() == CONTENT
        assert moved.filename == FILENAME

        with on_commit(execute=True):
            apps = migrate(before)

        assert bytes(apps.get_model(model._meta.label).objects.get(pk=made.pk).content) == CONTENT
        assert not default_storage.exists(moved.file.name)
        return moved
    finally:
        migrate(latest())
