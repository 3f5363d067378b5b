"""Quarter closures moved from the reviews app to the plans (plans 0004, reviews 0003): a database
that had closures, and role groups holding the quarter permissions, keeps both, and can be
migrated back."""

from importlib import import_module

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from agencies import roles
from plans.models import QuarterClosure
from tests.conftest import in_role
from tests.factories import UserFactory

# The migration that gave existing role groups the quarter permissions, when closures were the
# reviews app's.
GRANTS = import_module("reviews.migrations.0002_quarter_permissions_for_roles")
BEFORE_THE_MOVE = [
    ("plans", "0003_plan_lifecycle"),
    ("reviews", "0002_quarter_permissions_for_roles"),
]
QUARTER_PERMISSIONS = {"close_quarter", "reopen_quarter"}

# Real migrations, which SQLite cannot run inside a transaction; serialized_rollback puts back
# what the migrations seeded for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def migrate(targets):
    """Migrate the database to the targets; the apps (models) as they stand there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def quarter_codenames(apps, group_name, app_label):
    Group = apps.get_model("auth", "Group")
    return set(
        Group.objects.get(name=group_name)
        .permissions.filter(content_type__app_label=app_label, codename__in=QUARTER_PERMISSIONS)
        .values_list("codename", flat=True)
    )


def table_names():
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def constraint_names(table):
    with connection.cursor() as cursor:
        return set(connection.introspection.get_constraints(cursor, table))


@pytest.fixture
def reviews_era():
    """The database as it was before the move, with a closed quarter (and its history row) and
    the role groups given their quarter permissions by the reviews migration. Migrated to the
    latest migrations again afterwards."""
    apps = migrate(BEFORE_THE_MOVE)
    user = apps.get_model("auth", "User").objects.create(username="chair-of-2017")
    plan = apps.get_model("plans", "AnnualPlan").objects.create(
        title="Safer Plan 17-18", slug="safer-17-18", financial_year=2017, status="active"
    )
    closure = apps.get_model("reviews", "QuarterClosure").objects.create(
        plan=plan, quarter=2, closed_by=user, snapshot={"quarter_label": "Q2 2017-18"}
    )
    apps.get_model("reviews", "HistoricalQuarterClosure").objects.create(
        id=closure.pk,
        plan_id=plan.pk,
        quarter=2,
        closed_at=closure.closed_at,
        closed_by_id=user.pk,
        snapshot=closure.snapshot,
        history_date=timezone.now(),
        history_type="+",
        history_user_id=user.pk,
    )
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.all():
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="reviews"))
    GRANTS.grant(apps)
    yield apps
    migrate(latest())


def test_the_reviews_migration_gave_the_roles_their_quarter_permissions(reviews_era):
    assert quarter_codenames(reviews_era, roles.CHAIR_AND_MEMBERS, "reviews") == {"close_quarter"}
    assert quarter_codenames(reviews_era, roles.ADMINISTRATORS, "reviews") == QUARTER_PERMISSIONS
    assert quarter_codenames(reviews_era, roles.OFFICERS, "reviews") == set()


def test_the_closures_move_to_the_plans_with_their_history(reviews_era):
    migrate(latest())

    closure = QuarterClosure.objects.select_related("plan", "closed_by").get()
    assert (closure.plan.slug, closure.quarter, closure.closed_by.username) == (
        "safer-17-18",
        2,
        "chair-of-2017",
    )
    assert closure.snapshot == {"quarter_label": "Q2 2017-18"}
    assert list(QuarterClosure.history.values_list("history_type", "quarter")) == [("+", 2)]
    tables = table_names()
    assert {"plans_quarterclosure", "plans_historicalquarterclosure"} <= tables
    assert not {"reviews_quarterclosure", "reviews_historicalquarterclosure"} & tables
    assert {
        "plans_quarterclosure_once_per_quarter",
        "plans_quarterclosure_valid_quarter",
    } <= constraint_names("plans_quarterclosure")


def test_the_groups_keep_their_quarter_permissions_as_the_plans(reviews_era):
    migrate(latest())

    chair = in_role(UserFactory(), roles.CHAIR_AND_MEMBERS)
    administrator = in_role(UserFactory(), roles.ADMINISTRATORS)
    assert chair.has_perm("plans.close_quarter")
    assert not chair.has_perm("plans.reopen_quarter")
    assert administrator.has_perm("plans.close_quarter")
    assert administrator.has_perm("plans.reopen_quarter")
    assert not ContentType.objects.filter(app_label="reviews").exists()
    assert ContentType.objects.get_for_model(QuarterClosure).app_label == "plans"


def test_it_migrates_back_to_the_reviews(reviews_era):
    migrate(latest())

    apps = migrate(BEFORE_THE_MOVE)

    closure = apps.get_model("reviews", "QuarterClosure").objects.get()
    assert (closure.quarter, closure.snapshot) == (2, {"quarter_label": "Q2 2017-18"})
    assert apps.get_model("reviews", "HistoricalQuarterClosure").objects.count() == 1
    assert quarter_codenames(apps, roles.ADMINISTRATORS, "reviews") == QUARTER_PERMISSIONS
    assert quarter_codenames(apps, roles.ADMINISTRATORS, "plans") == set()
    assert "reviews_quarterclosure_once_per_quarter" in constraint_names("reviews_quarterclosure")
    assert "plans_quarterclosure" not in table_names()
