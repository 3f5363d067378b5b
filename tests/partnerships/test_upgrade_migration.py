"""An installation of the single-partnership days (its name the PARTNERSHIP_NAME setting)
migrates into one partnership of that name (plans 0006), with nothing lost or changed in
meaning: its strategies and plans, with their history, belong to it; every agency is one of its
partners; each person's role group becomes their role in it, with the same permissions there.
And it migrates back."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_scopes import scopes_disabled

from actions.models import Action, ProgressUpdate
from agencies.models import Agency
from partnerships.context import acting_in
from partnerships.models import Membership, Partnership, Role
from plans.models import AnnualPlan, Strategy

# Real migrations, which SQLite cannot run inside a transaction; serialized_rollback puts back
# what the migrations seeded for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# The partnerships app unapplied (with the migrations that use it), the rest as it was.
BEFORE_PARTNERSHIPS = [
    ("partnerships", None),
    ("plans", "0005_quarter_choices_in_one_place"),
    ("agencies", "0002_historicalagency_historicalprofile"),
]
NAME = "Safer Testborough Partnership"


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    ContentType.objects.clear_cache()
    # The models as the migrations applied now leave them.
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def single_partnership_days(settings):
    """The database as it was before partnerships, with a plan, its strategy, an action led by
    an agency with a progress update, history rows, and a person in each role group."""
    settings.PARTNERSHIP_NAME = NAME
    apps = migrate(BEFORE_PARTNERSHIPS)
    User = apps.get_model("auth", "User")
    Group = apps.get_model("auth", "Group")
    people = {}
    for username, group in [
        ("the-administrator", "Administrators"),
        ("the-chair", "Chair and members"),
        ("the-officer", "Officers"),
    ]:
        people[username] = User.objects.create(username=username, is_staff=True)
        people[username].groups.add(Group.objects.get(name=group))
    people["no-role"] = User.objects.create(username="no-role")
    agency = apps.get_model("agencies", "Agency").objects.create(
        name="Testborough Council", slug="testborough-council"
    )
    apps.get_model("agencies", "Profile").objects.create(user=people["the-officer"], agency=agency)
    strategy = apps.get_model("plans", "Strategy").objects.create(
        title="Crime and Disorder Strategy", slug="cds", start_year=2017, end_year=2020
    )
    plan = apps.get_model("plans", "AnnualPlan").objects.create(
        strategy=strategy,
        title="Safer Testborough 17-18",
        slug="safer-17-18",
        financial_year=2017,
        status="active",
    )
    apps.get_model("plans", "HistoricalAnnualPlan").objects.create(
        id=plan.pk,
        title=plan.title,
        slug=plan.slug,
        financial_year=2017,
        status="active",
        strategy_id=strategy.pk,
        created_at=timezone.now(),
        updated_at=timezone.now(),
        history_date=timezone.now(),
        history_type="+",
    )
    priority = apps.get_model("priorities", "Priority").objects.create(
        plan=plan, title="Violence", slug="violence"
    )
    strand = apps.get_model("priorities", "Strand").objects.create(
        priority=priority, title="All other violence", slug="other", scope="Everything else."
    )
    status = apps.get_model("actions", "CompletionStatus").objects.get(slug="in-progress")
    action = apps.get_model("actions", "Action").objects.create(
        strand=strand,
        text="Patrol the town centre.",
        lead_agency=agency,
        completion_status=status,
    )
    apps.get_model("actions", "ProgressUpdate").objects.create(
        action=action,
        quarter=1,
        completion_status=status,
        rag_rating="green",
        narrative="On track.",
        author=people["the-officer"],
    )
    yield people
    migrate(latest())


def test_everything_moves_into_one_partnership_of_the_settings_name(single_partnership_days):
    migrate(latest())

    with scopes_disabled():
        partnership = Partnership.objects.get(name=NAME)
        assert partnership.slug == "safer-testborough-partnership"
        assert list(Strategy.objects.values_list("partnership__name", flat=True)) == [NAME]
        plan = AnnualPlan.objects.get(slug="safer-17-18")
        assert plan.partnership == partnership
        assert plan.history.get().partnership_id == partnership.pk
        assert list(Agency.objects.get(slug="testborough-council").partnerships.all()) == [
            partnership
        ]
        action = Action.objects.get()
        assert (action.plan, action.lead_agency.slug) == (plan, "testborough-council")
        assert ProgressUpdate.objects.get().narrative == "On track."


def test_each_persons_group_becomes_their_role_in_it(single_partnership_days):
    migrate(latest())

    with scopes_disabled():
        roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {
        "the-administrator": Role.ADMINISTRATOR,
        "the-chair": Role.CHAIR,
        "the-officer": Role.OFFICER,
    }
    # The groups now say what each role may do; nobody is in them.
    assert not get_user_model().objects.filter(groups__isnull=False).exists()


def test_each_person_may_do_there_what_their_group_allowed(single_partnership_days):
    migrate(latest())

    User = get_user_model()
    partnership = Partnership.objects.get(name=NAME)
    with acting_in(partnership):
        chair = User.objects.get(username="the-chair")
        officer = User.objects.get(username="the-officer")
        administrator = User.objects.get(username="the-administrator")
        no_role = User.objects.get(username="no-role")
        assert chair.has_perm("plans.sign_off_plan") and chair.has_perm("plans.close_quarter")
        assert not chair.has_perm("actions.add_progressupdate")
        assert officer.has_perm("actions.add_progressupdate")
        assert not officer.has_perm("plans.change_annualplan")
        assert administrator.has_perm("plans.change_annualplan")
        assert not no_role.has_perm("plans.view_annualplan")
        assert AnnualPlan.objects.get().slug == "safer-17-18"


def test_an_empty_installation_gets_no_partnership(settings):
    settings.PARTNERSHIP_NAME = NAME
    migrate(BEFORE_PARTNERSHIPS)
    get_user_model().objects.filter(groups__isnull=False).delete()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM agencies_agency")

    migrate(latest())

    assert not Partnership.objects.filter(name=NAME).exists()


def test_it_migrates_back_with_the_roles_as_groups(single_partnership_days):
    migrate(latest())

    apps = migrate(BEFORE_PARTNERSHIPS)

    User = apps.get_model("auth", "User")
    assert set(User.objects.filter(groups__name="Officers").values_list("username", flat=True)) == {
        "the-officer"
    }
    assert set(
        User.objects.filter(groups__name="Administrators").values_list("username", flat=True)
    ) == {"the-administrator"}
    assert apps.get_model("plans", "AnnualPlan").objects.get().slug == "safer-17-18"
