"""`python -m benchmarks.generate_load_data`: synthetic plans, actions and updates for the
benchmarks, at small sizes here."""

import subprocess
import sys
from collections import Counter, defaultdict
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from actions.models import Action, ActionSubItem, ProgressUpdate, Timeframe
from actions.timeframes import parse_timeframe
from agencies import roles
from agencies.models import Agency, Profile
from benchmarks.generate_load_data import Command
from plans.models import AnnualPlan, Strategy
from priorities.models import Priority, Strand
from tests.factories import ActionFactory, ProfileFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

SMALL = {"plans": 3, "actions": 60, "updates": 150, "big_plan_actions": 20, "also_sizes": "5"}


@pytest.fixture(autouse=True)
def debug_on(settings):
    """DEBUG on, as on a developer's machine (the test runner turns it off)."""
    settings.DEBUG = True


def generate(**options):
    """Run the command with the small sizes (overridable), its options written as on the command
    line; returns its output."""
    argv = []
    for name, value in {**SMALL, **options}.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            argv.append(flag)
        elif value is not False:
            argv.append(f"{flag}={value}")
    out = StringIO()
    call_command(Command(), *argv, stdout=out)
    return out.getvalue()


def load_actions(prefix="load"):
    return Action.objects.filter(strand__priority__plan__slug__startswith=f"{prefix}-plan-")


def snapshot(prefix="load"):
    """What the load data holds, without database ids, to compare two runs."""
    actions = load_actions(prefix).order_by(
        "strand__priority__plan__slug", "strand__priority__order", "strand__order", "order"
    )
    return {
        "plans": list(
            AnnualPlan.objects.filter(slug__startswith=f"{prefix}-plan-")
            .order_by("slug")
            .values_list("slug", "title", "financial_year", "status")
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


def test_it_says_what_it_made():
    output = generate()

    assert "Made 3 plans" in output
    assert "60 actions and 150 progress updates" in output
    assert "/p/lewisham/plans/load-plan-20-actions/" in output


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


def test_officers_are_in_the_officers_group_with_unusable_passwords():
    generate()

    officers = get_user_model().objects.filter(username__startswith="load-officer-")
    assert officers.count() == 50
    for officer in officers:
        assert not officer.has_usable_password()
        assert list(officer.groups.values_list("name", flat=True)) == [roles.OFFICERS]
        assert officer.profile.agency.slug.startswith("load-agency-")
    chair = get_user_model().objects.get(username="load-chair")
    assert chair.has_perm("plans.view_annualplan")
    assert not chair.has_usable_password()


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


def test_another_seed_makes_other_data():
    generate(seed=7)
    first = snapshot()

    generate(seed=8, clear=True)

    assert snapshot()["actions"] != first["actions"]


def test_clear_removes_only_the_generated_data():
    real_action = ActionFactory()
    ProgressUpdateFactory(action=real_action)
    real_officer = ProfileFactory().user
    generate()
    generate(prefix="other", plans=2, actions=10, updates=5, big_plan_actions=5, also_sizes="")

    call_command(Command(), clear_only=True, stdout=StringIO())

    assert not AnnualPlan.objects.filter(slug__startswith="load-").exists()
    assert not Agency.objects.filter(slug__startswith="load-").exists()
    assert not get_user_model().objects.filter(username__startswith="load-").exists()
    assert not Strategy.objects.filter(slug="load-strategy").exists()
    assert Action.objects.filter(pk=real_action.pk).exists()
    assert ProgressUpdate.objects.filter(action=real_action).count() == 1
    assert Profile.objects.filter(user=real_officer).exists()
    assert load_actions("other").count() == 10
    assert Action.objects.count() == 11
    assert not ActionSubItem.objects.filter(
        action__strand__priority__plan__slug__startswith="load-"
    ).exists()


def test_clear_then_generate_replaces_the_data():
    generate()

    generate(clear=True)

    assert AnnualPlan.objects.filter(slug__startswith="load-plan-").count() == 3
    assert load_actions().count() == 60


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
