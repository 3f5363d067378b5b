"""`python -m benchmarks.generate_load_data`: synthetic plans, actions and updates for the
benchmarks, at small sizes here."""

import subprocess
import sys
from collections import Counter, defaultdict
from contextlib import contextmanager, nullcontext
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_scopes import scope

from actions.models import Action, ActionSubItem, ProgressUpdate, Timeframe
from actions.timeframes import parse_timeframe
from agencies import roles
from agencies.models import Agency, Profile
from benchmarks.generate_load_data import Command
from benchmarks.load_data import borough_name
from partnerships.context import acting_in, everywhere
from partnerships.models import Membership, Partnership, Role
from plans.models import AnnualPlan, Strategy
from priorities.models import Priority, Strand
from tests.conftest import TEST_PARTNERSHIP_SLUG, in_role
from tests.factories import ActionFactory, ProfileFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

SMALL = {"plans": 3, "actions": 60, "updates": 150, "big_plan_actions": 20, "also_sizes": "5"}
# Three partnerships: the first with the two plans of given sizes and one more, the second with
# two, the third with one.
PARTNERED = {"partnerships": 3, "plans": 6, "actions": 80, "updates": 200}


@pytest.fixture(autouse=True)
def debug_on(settings):
    """DEBUG on, as on a developer's machine (the test runner turns it off)."""
    settings.DEBUG = True


def generate(*, in_the_tests_partnership=False, **options):
    """Run the command with the small sizes (overridable), its options written as on the command
    line, and with no partnership in force as on the command line (unless asked to run it in
    the tests' partnership); returns its output."""
    argv = []
    for name, value in {**SMALL, **options}.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            argv.append(flag)
        elif value is not False:
            argv.append(f"{flag}={value}")
    out = StringIO()
    with nullcontext() if in_the_tests_partnership else as_on_the_command_line():
        call_command(Command(), *argv, stdout=out)
    return out.getvalue()


@contextmanager
def as_on_the_command_line():
    """No partnership in force and the scoping on, as when the script runs (a test otherwise
    works in the tests' partnership, reading every partnership's rows): a query of a
    partnership's rows that forgot to say which would fail here as it would there."""
    with everywhere(), scope():
        yield


def load_actions(prefix="load"):
    return Action.objects.filter(strand__priority__plan__slug__startswith=f"{prefix}-plan-")


def load_partnerships(prefix="load"):
    return Partnership.objects.filter(slug__regex=rf"^{prefix}-[0-9]{{3}}$").order_by("slug")


def snapshot(prefix="load"):
    """What the load data holds, without database ids, to compare two runs."""
    actions = load_actions(prefix).order_by(
        "strand__priority__plan__slug", "strand__priority__order", "strand__order", "order"
    )
    return {
        "partnerships": list(load_partnerships(prefix).values_list("slug", "name")),
        "memberships": list(
            Membership.objects.filter(partnership__in=load_partnerships(prefix))
            .order_by("user__username")
            .values_list("user__username", "user__first_name", "partnership__slug", "role")
        ),
        "plans": list(
            AnnualPlan.objects.filter(slug__startswith=f"{prefix}-plan-")
            .order_by("slug")
            .values_list("slug", "title", "financial_year", "status", "partnership__slug")
        ),
        "actions": list(
            actions.values_list(
                "strand__title",
                "reference",
                "text",
                "theme__slug",
                "lead_agency__slug",
                "lead_officer__username",
                "timeframe__wording",
                "completion_status__slug",
            )
        ),
        "updates": list(
            ProgressUpdate.objects.filter(action__in=actions)
            .order_by("action__strand__priority__plan__slug", "action__reference", "quarter")
            .values_list("action__reference", "quarter", "rag_rating", "narrative")
        ),
    }


def test_it_makes_the_numbers_asked_for():
    generate()

    plans = AnnualPlan.objects.filter(slug__startswith="load-plan-")
    assert plans.count() == 3
    assert load_actions().count() == 60
    assert ProgressUpdate.objects.filter(action__in=load_actions()).count() == 150
    sizes = Counter(load_actions().values_list("strand__priority__plan__slug", flat=True))
    assert sizes["load-plan-20-actions"] == 20
    assert sizes["load-plan-5-actions"] == 5
    assert sizes["load-plan-001"] == 35


def test_it_makes_one_partnership_by_default_holding_every_plan():
    generate()

    partnership = Partnership.objects.get(slug="load-001")
    assert list(load_partnerships()) == [partnership]
    assert partnership.name == "Safer Northbrook Partnership (load data)"
    plans = AnnualPlan.objects.filter(slug__startswith="load-plan-")
    assert set(plans.values_list("partnership__slug", flat=True)) == {"load-001"}
    assert set(plans.values_list("strategy__partnership__slug", flat=True)) == {"load-001"}
    assert not AnnualPlan.objects.filter(partnership__slug=TEST_PARTNERSHIP_SLUG).exists()


def test_it_says_what_it_made():
    output = generate()

    assert "Made 1 partnership, 3 plans" in output
    assert "60 actions and 150 progress updates" in output
    assert "The plans of given sizes are all in the first, load-001" in output
    assert "/p/load-001/plans/load-plan-20-actions/" in output
    assert "load-chair" in output


def test_each_plan_has_priorities_strands_and_the_four_themes():
    generate()

    for plan in AnnualPlan.objects.filter(slug__startswith="load-plan-"):
        assert 1 <= Priority.objects.filter(plan=plan).count() <= 3
        assert list(plan.themes.values_list("name", flat=True)) == [
            "Awareness raising",
            "Prevention",
            "Action / intervention / enforcement",
            "Analytical review",
        ]
        for priority in Priority.objects.filter(plan=plan):
            assert 1 <= priority.strands.count() <= 4


def test_references_are_unique_in_each_strand_and_slugs_unique():
    generate()

    references = Counter(load_actions().values_list("strand_id", "reference"))
    assert max(references.values()) == 1
    strand_slugs = Counter(Strand.objects.values_list("priority_id", "slug"))
    assert max(strand_slugs.values()) == 1


def test_an_actions_theme_and_timeframe_belong_to_its_own_plan():
    generate()

    for action in load_actions().select_related("strand__priority", "theme", "timeframe"):
        plan_id = action.strand.priority.plan_id
        assert action.theme.plan_id == plan_id
        if action.timeframe:
            assert action.timeframe.plan_id == plan_id


def test_timeframes_have_their_dates_read_for_their_plans_year():
    generate()

    timeframes = Timeframe.objects.filter(plan__slug__startswith="load-plan-").select_related(
        "plan"
    )
    assert timeframes.exists()
    for timeframe in timeframes:
        parsed = parse_timeframe(timeframe.wording, timeframe.plan.financial_year)
        assert (timeframe.start_date, timeframe.due_date) == (parsed.start_date, parsed.due_date)
        assert timeframe.cadence == parsed.cadence.value
        assert timeframe.understood == parsed.understood
    understood = [timeframe for timeframe in timeframes if timeframe.due_date]
    assert len(understood) > len(timeframes) // 2


def test_a_march_deadline_falls_at_the_end_of_the_plans_year():
    generate()

    for timeframe in Timeframe.objects.filter(
        plan__slug__startswith="load-plan-", wording__startswith="March "
    ).select_related("plan"):
        assert timeframe.due_date == timeframe.plan.end_date


def test_each_action_has_at_most_one_update_per_quarter_from_the_first():
    generate()

    quarters = defaultdict(list)
    for action_id, quarter in ProgressUpdate.objects.filter(action__in=load_actions()).values_list(
        "action_id", "quarter"
    ):
        quarters[action_id].append(quarter)
    for numbers in quarters.values():
        assert sorted(numbers) == list(range(1, len(numbers) + 1))


def test_an_actions_completion_is_that_of_its_latest_update():
    generate()

    latest = {}
    for update in ProgressUpdate.objects.filter(action__in=load_actions()).order_by("quarter"):
        latest[update.action_id] = update.completion_status_id
    for action in load_actions().filter(pk__in=latest):
        assert action.completion_status_id == latest[action.pk]


def test_blue_updates_are_complete_and_the_rest_are_not():
    generate()

    for update in ProgressUpdate.objects.filter(action__in=load_actions()).select_related(
        "completion_status"
    ):
        assert update.completion_status.counts_as_complete == (update.rag_rating == "blue")


def test_officers_are_officers_of_the_partnership_with_unusable_passwords():
    generate()

    partnership = Partnership.objects.get(slug="load-001")
    officers = get_user_model().objects.filter(username__startswith="load-officer-")
    assert officers.count() == 50
    for officer in officers:
        assert not officer.has_usable_password()
        assert list(officer.memberships.values_list("partnership", "role")) == [
            (partnership.pk, Role.OFFICER)
        ]
        # Roles are memberships now: a group would grant nothing.
        assert not officer.groups.exists()
        assert officer.profile.agency.slug.startswith("load-agency-")
    chair = get_user_model().objects.get(username="load-chair")
    assert list(chair.memberships.values_list("partnership", "role")) == [
        (partnership.pk, Role.CHAIR)
    ]
    assert not chair.has_usable_password()
    with acting_in(partnership):
        assert chair.has_perm("plans.view_annualplan")
        assert chair.has_perm("plans.sign_off_plan")
        officer = officers.first()
        assert officer.has_perm("plans.view_annualplan")
        assert not officer.has_perm("plans.sign_off_plan")
    assert (
        not get_user_model().objects.get(username="load-chair").has_perm("plans.view_annualplan")
    ), "a member of the load partnership only, not of the tests' one"


def test_some_actions_have_lead_officers_of_their_lead_agency():
    generate(actions=400, updates=0, big_plan_actions=200, also_sizes="")

    led = load_actions().filter(lead_officer__isnull=False).select_related("lead_officer__profile")
    assert 0 < led.count() < load_actions().count()
    for action in led:
        assert action.lead_officer.profile.agency_id == action.lead_agency_id


def test_the_same_seed_makes_the_same_data():
    generate(seed=7)
    first = snapshot()

    generate(seed=7, clear=True)

    assert snapshot() == first


def test_the_same_seed_makes_the_same_partnerships_and_plans():
    generate(seed=7, **PARTNERED)
    first = snapshot()

    generate(seed=7, clear=True, **PARTNERED)

    assert snapshot() == first
    assert len(first["partnerships"]) == 3


def test_another_seed_makes_other_data():
    generate(seed=7)
    first = snapshot()

    generate(seed=8, clear=True)

    assert snapshot()["actions"] != first["actions"]


def test_clear_removes_only_the_generated_data():
    real_action = ActionFactory()
    ProgressUpdateFactory(action=real_action)
    real_officer = in_role(ProfileFactory().user, roles.OFFICERS)
    generate(**PARTNERED)
    generate(prefix="other", plans=2, actions=10, updates=5, big_plan_actions=5, also_sizes="")

    output = StringIO()
    call_command(Command(), clear_only=True, stdout=output)

    assert "3 partnerships, 6 plans" in output.getvalue()
    assert not AnnualPlan.objects.filter(slug__startswith="load-").exists()
    assert not Agency.objects.filter(slug__startswith="load-").exists()
    assert not Agency.partnerships.through.objects.filter(agency__slug__startswith="load-").exists()
    assert not get_user_model().objects.filter(username__startswith="load-").exists()
    assert not Strategy.objects.filter(slug="load-strategy").exists()
    assert not load_partnerships().exists()
    assert not Membership.objects.filter(partnership__slug__startswith="load-").exists()
    assert Action.objects.filter(pk=real_action.pk).exists()
    assert ProgressUpdate.objects.filter(action=real_action).count() == 1
    assert Profile.objects.filter(user=real_officer).exists()
    assert Membership.objects.filter(user=real_officer, role=Role.OFFICER).exists()
    assert Partnership.objects.filter(slug=TEST_PARTNERSHIP_SLUG).exists()
    assert load_actions("other").count() == 10
    assert list(load_partnerships("other").values_list("slug", flat=True)) == ["other-001"]
    assert Membership.objects.filter(partnership__slug="other-001").count() == 51
    assert Strategy.objects.filter(slug="other-strategy").count() == 1
    assert Action.objects.count() == 11
    assert not ActionSubItem.objects.filter(
        action__strand__priority__plan__slug__startswith="load-"
    ).exists()


def test_clear_then_generate_replaces_the_data():
    generate()

    generate(clear=True)

    assert AnnualPlan.objects.filter(slug__startswith="load-plan-").count() == 3
    assert load_actions().count() == 60


def test_clear_then_generate_fewer_partnerships_removes_the_others():
    generate(**PARTNERED)

    output = generate(clear=True)

    assert "Deleted the previous “load” load data first." in output
    assert list(load_partnerships().values_list("slug", flat=True)) == ["load-001"]
    assert not get_user_model().objects.filter(username__startswith="load-002-").exists()
    assert AnnualPlan.objects.filter(slug__startswith="load-plan-").count() == 3


def test_it_refuses_to_add_to_existing_load_data_without_clear():
    generate()

    with pytest.raises(CommandError, match="already in the database"):
        generate()
    assert load_actions().count() == 60


def test_it_refuses_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        generate()
    assert not AnnualPlan.objects.exists()


def test_it_runs_with_debug_off_when_forced(settings):
    settings.DEBUG = False

    generate(force=True)

    assert load_actions().count() == 60


def test_it_refuses_more_updates_than_quarters():
    with pytest.raises(CommandError, match="at most 240"):
        generate(updates=241)
    assert not Action.objects.exists()


def test_it_refuses_sizes_that_do_not_add_up():
    with pytest.raises(CommandError, match="not enough"):
        generate(actions=24)


# Many partnerships -------------------------------------------------------------------------------


def test_it_deals_the_plans_out_to_the_partnerships():
    output = generate(**PARTNERED)

    partnerships = list(load_partnerships())
    assert [partnership.slug for partnership in partnerships] == [
        "load-001",
        "load-002",
        "load-003",
    ]
    assert all(partnership.name.endswith(" (load data)") for partnership in partnerships)
    plans = AnnualPlan.objects.filter(slug__startswith="load-plan-")
    assert plans.count() == 6
    assert Counter(plans.values_list("partnership__slug", flat=True)) == {
        "load-001": 3,
        "load-002": 2,
        "load-003": 1,
    }
    assert Strategy.objects.filter(slug="load-strategy").count() == 3
    for plan in plans.select_related("strategy"):
        assert plan.strategy.partnership_id == plan.partnership_id
    assert load_actions().count() == 80
    assert ProgressUpdate.objects.filter(action__in=load_actions()).count() == 200
    with acting_in(partnerships[1]):
        assert set(AnnualPlan.objects.values_list("slug", flat=True)) == set(
            plans.filter(partnership=partnerships[1]).values_list("slug", flat=True)
        )
    assert "Made 3 partnerships, 6 plans" in output
    assert "load-001 (Safer Northbrook Partnership (load data)) to load-003" in output
    assert "load-002-chair" in output


def test_the_plans_of_given_sizes_are_all_in_the_first_partnership():
    output = generate(**PARTNERED, also_sizes="5,7")

    sized = AnnualPlan.objects.filter(slug__regex=r"^load-plan-[0-9]+-actions$")
    assert sorted(sized.values_list("slug", flat=True)) == [
        "load-plan-20-actions",
        "load-plan-5-actions",
        "load-plan-7-actions",
    ]
    assert set(sized.values_list("partnership__slug", flat=True)) == {"load-001"}
    sizes = Counter(load_actions().values_list("strand__priority__plan__slug", flat=True))
    assert (sizes["load-plan-20-actions"], sizes["load-plan-7-actions"]) == (20, 7)
    # Every partnership still has a plan.
    assert set(
        AnnualPlan.objects.filter(slug__startswith="load-plan-").values_list(
            "partnership__slug", flat=True
        )
    ) == {"load-001", "load-002", "load-003"}
    assert "The plans of given sizes are all in the first, load-001" in output
    assert "/p/load-001/plans/load-plan-7-actions/" in output


def test_each_partnership_has_its_own_chair_and_officers_who_may_read_its_plans():
    generate(**PARTNERED)

    User = get_user_model()
    partnerships = list(load_partnerships())
    for number, partnership in enumerate(partnerships, start=1):
        named = "load" if number == 1 else partnership.slug
        chair = User.objects.get(username=f"{named}-chair")
        officers = User.objects.filter(username__startswith=f"{named}-officer-")
        assert officers.count() == 50
        assert list(chair.memberships.values_list("partnership", "role")) == [
            (partnership.pk, Role.CHAIR)
        ]
        assert set(
            Membership.objects.filter(partnership=partnership, role=Role.OFFICER).values_list(
                "user", flat=True
            )
        ) == set(officers.values_list("pk", flat=True))
        assert Membership.objects.filter(partnership=partnership).count() == 51
        officer = officers.order_by("pk").first()
        with acting_in(partnership):
            assert chair.has_perm("plans.view_annualplan")
            assert chair.has_perm("plans.sign_off_plan")
            assert officer.has_perm("plans.view_annualplan")
            assert officer.has_perm("actions.add_progressupdate")
        for other in partnerships:
            if other != partnership:
                with acting_in(other):
                    assert not User.objects.get(pk=chair.pk).has_perm("plans.view_annualplan")
                    assert not User.objects.get(pk=officer.pk).has_perm("plans.view_annualplan")


def test_lead_officers_and_authors_are_officers_of_the_plans_partnership():
    generate(
        **{**PARTNERED, "actions": 400, "updates": 800, "big_plan_actions": 100, "also_sizes": ""}
    )

    members = set(
        Membership.objects.filter(
            partnership__in=load_partnerships(), role=Role.OFFICER
        ).values_list("user_id", "partnership_id")
    )
    led = load_actions().filter(lead_officer__isnull=False)
    assert led.exists()
    for officer, partnership in led.values_list(
        "lead_officer_id", "strand__priority__plan__partnership_id"
    ):
        assert (officer, partnership) in members
    written = ProgressUpdate.objects.filter(action__in=load_actions(), author__isnull=False)
    assert written.exists()
    for author, partnership in written.values_list(
        "author_id", "action__strand__priority__plan__partnership_id"
    ):
        assert (author, partnership) in members


def test_the_agencies_are_partners_of_every_partnership():
    generate(**PARTNERED)

    agencies = Agency.objects.filter(slug__startswith="load-agency-")
    assert agencies.count() == 15
    partnership_ids = set(load_partnerships().values_list("pk", flat=True))
    for agency in agencies:
        assert set(agency.partnerships.values_list("pk", flat=True)) == partnership_ids
    with acting_in(load_partnerships().last()):
        assert Agency.objects.filter(slug__startswith="load-agency-").count() == 15


def test_it_makes_its_own_partnerships_when_run_in_another():
    """Called where a partnership is in force (the tests' own), it still puts everything in
    the partnerships it makes, not in that one."""
    generate(in_the_tests_partnership=True, **PARTNERED)

    assert set(
        AnnualPlan.objects.filter(slug__startswith="load-plan-").values_list(
            "partnership__slug", flat=True
        )
    ) == {"load-001", "load-002", "load-003"}
    assert not Strategy.objects.filter(partnership__slug=TEST_PARTNERSHIP_SLUG).exists()
    assert not Membership.objects.filter(partnership__slug=TEST_PARTNERSHIP_SLUG).exists()


def test_it_refuses_more_partnerships_than_plans():
    with pytest.raises(CommandError, match="3 partnerships need at least 4 plans"):
        generate(partnerships=3)
    assert not load_partnerships().exists()
    assert not AnnualPlan.objects.filter(slug__startswith="load-").exists()


def test_it_refuses_a_prefix_that_reads_as_another_prefixs_partnership():
    with pytest.raises(CommandError, match="may not end in a hyphen and a number"):
        generate(prefix="load-002")


def test_there_are_fictional_boroughs_for_every_partnership_of_england_and_wales():
    names = [borough_name(number) for number in range(1, 401)]

    assert len({name.lower() for name in names}) == 400
    assert names[0] == "Northbrook"


def test_it_runs_as_a_script():
    """`python -m benchmarks.generate_load_data`, as benchmarks/README.md and docs/performance.md
    say to run it: Django is set up by the script itself."""
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.generate_load_data", "--help"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "usage: python -m benchmarks.generate_load_data" in result.stdout
    assert "--clear-only" in result.stdout
