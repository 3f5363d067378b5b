"""The data tests copy instead of writing it again (tests/copied_rows.py): the demo's copy is the
demo as loading it writes it, and a copy finds again the rows it points at but did not make."""

from django.apps import apps

from agencies import roles
from demo.loading import DEMO_DATA_FILE, load_demo_data, read_demo_file
from tests.conftest import in_role
from tests.copied_rows import CopiedRows
from tests.factories import PartnershipFactory, UserFactory


def row_counts():
    """How many rows each table holds, the audit trail's and many-to-many tables included."""
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label != "sessions.Session"
    }


def test_loading_the_demo_over_its_copy_changes_nothing(demo_data):
    """The loader writes only what differs from the file, and records each change in the audit
    trail: over a faithful copy, it finds every row and writes none."""
    before = row_counts()

    load_demo_data(read_demo_file(DEMO_DATA_FILE), create_users=True)

    assert row_counts() == before


def test_a_copy_finds_again_the_partnership_its_member_is_of_under_a_new_id(db):
    partnership = PartnershipFactory(slug="made-before")
    copy = CopiedRows.of(
        lambda: in_role(UserFactory(username="copied"), roles.OFFICERS, partnership).pk
    )
    # As after a transactional test: the rows made before the copy made again, under new ids.
    partnership.delete()
    again = PartnershipFactory(slug="made-before")

    copy.insert()

    assert list(again.memberships.values_list("user__username", flat=True)) == ["copied"]


def test_a_copy_is_inserted_beside_rows_made_before_it(db):
    copy = CopiedRows.of(lambda: UserFactory(username="copied").pk)
    UserFactory(username="made-first")

    copy.insert()

    assert set(apps.get_model("auth", "User").objects.values_list("username", flat=True)) == {
        "copied",
        "made-first",
    }
