"""A progress spreadsheet's uploaded file, moved out of the database into the default storage
(bulkupdates 0002): an upload made before keeps its bytes, now in a file named as new ones are,
and migrating back puts them into the database again and deletes the file."""

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from bulkupdates.models import ProgressUpload
from tests.conftest import TEST_PARTNERSHIP_ID
from tests.factories import AnnualPlanFactory, UserFactory

BEFORE = [("bulkupdates", "0001_initial")]
CONTENT = bytes(range(256)) * 8  # a spreadsheet's bytes, every byte value in them

# Real migrations, which SQLite cannot run inside a transaction; serialized_rollback puts back
# what the migrations seeded for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def migrate(targets):
    """Migrate the database to the targets; the apps (models) as they stand there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_the_bytes_move_into_a_file_and_back(django_capture_on_commit_callbacks):
    plan = AnnualPlanFactory()
    officer = UserFactory()
    apps = migrate(BEFORE)
    made = apps.get_model("bulkupdates", "ProgressUpload").objects.create(
        plan_id=plan.pk,
        quarter=3,
        filename="Plan (final).xlsx",
        content=CONTENT,
        uploaded_by_id=officer.pk,
    )
    try:
        migrate(latest())

        record = ProgressUpload.objects.get(pk=made.pk)
        assert record.file.name.startswith(f"progress-spreadsheets/{TEST_PARTNERSHIP_ID}/")
        assert record.file.name.endswith(".xlsx")
        assert record.read_file() == CONTENT
        assert record.filename == "Plan (final).xlsx"

        with django_capture_on_commit_callbacks(execute=True):
            apps = migrate(BEFORE)

        assert (
            bytes(apps.get_model("bulkupdates", "ProgressUpload").objects.get(pk=made.pk).content)
            == CONTENT
        )
        assert not default_storage.exists(record.file.name)
    finally:
        migrate(latest())
