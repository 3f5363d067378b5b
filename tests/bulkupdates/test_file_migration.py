"""A progress spreadsheet's uploaded file, moved out of the database into the default storage
(bulkupdates 0002): an upload made before keeps its bytes, now in a file named as new ones are,
and migrating back puts them into the database again and deletes the file."""

from bulkupdates.models import ProgressUpload
from tests.conftest import TEST_PARTNERSHIP_ID
from tests.factories import AnnualPlanFactory, UserFactory
from tests.migrating import moved_into_a_file_and_back, real_migrations

BEFORE = [("bulkupdates", "0001_initial")]

pytestmark = real_migrations


def test_the_bytes_move_into_a_file_and_back(django_capture_on_commit_callbacks):
    plan = AnnualPlanFactory()
    officer = UserFactory()

    moved = moved_into_a_file_and_back(
        BEFORE,
        ProgressUpload,
        django_capture_on_commit_callbacks,
        plan_id=plan.pk,
        quarter=3,
        uploaded_by_id=officer.pk,
    )

    assert moved.file.name.startswith(f"progress-spreadsheets/{TEST_PARTNERSHIP_ID}/")
