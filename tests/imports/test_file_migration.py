"""A plan import's uploaded file, moved out of the database into the default storage
(imports 0003): an upload made before keeps its bytes, now in a file named as new ones are, and
migrating back puts them into the database again and deletes the file."""

from imports.models import PlanImport
from tests.conftest import TEST_PARTNERSHIP_ID
from tests.factories import AnnualPlanFactory
from tests.migrating import moved_into_a_file_and_back, real_migrations

BEFORE = [("imports", "0002_layouts_and_mappings")]

pytestmark = real_migrations


def test_the_bytes_move_into_a_file_and_back(django_capture_on_commit_callbacks):
    plan = AnnualPlanFactory()

    moved = moved_into_a_file_and_back(
        BEFORE, PlanImport, django_capture_on_commit_callbacks, plan_id=plan.pk
    )

    assert moved.file.name.startswith(f"imports/{TEST_PARTNERSHIP_ID}/")
