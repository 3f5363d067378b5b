"""`manage.py seed_demo`: the Safer Lewisham demo data, loaded from its YAML file.

The expected figures are counted by hand from the reference, Appendix A of
/work/shared/reference/safer-lewisham-plan-18-19-committee-report.txt ("Safer Lewisham Plan
17-18- Action Plan"), not read back from the data file. The tests that only read what it loads
share one load of the demo (the `demo_data` fixture, tests/conftest.py).
"""

from collections import Counter
from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.models import Action, ActionSubItem, CompletionStatus, ProgressUpdate, Timeframe
from agencies.models import Agency, Profile
from demo.loading import DEMO_PASSWORD
from indicators.models import Indicator
from partnerships.models import Membership, OversightBody, Partnership, Role
from plans.models import AnnualPlan, Strategy
from priorities.models import Strand
from tests.factories import PartnershipFactory

PLAN_17_18 = "safer-lewisham-plan-17-18"
PLAN_18_19 = "safer-lewisham-plan-18-19"
THEMES = [
    "Awareness raising",
    "Prevention",
    "Action / intervention / enforcement",
    "Analytical review",
]
VAWG = "Violence against women and girls"
PEER = "Peer on peer abuse / serious violence"
OTHER = "All other forms of violence"
DEMO_USERNAMES = {"admin", "chair", "officer", "police"}


def seed(**options):
    """Run the command; returns (stdout, stderr)."""
    out, err = StringIO(), StringIO()
    call_command("seed_demo", stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def debug_on(settings):
    """DEBUG on, as `make run` has it (the test runner turns it off), with a fast hasher."""
    settings.DEBUG = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def signs_in(client, username, password):
    """Signs in through the sign-in page as a person does (client.login bypasses the request that
    the login throttling of django-axes needs); True when the session is then signed in."""
    client.post(reverse("login"), {"username": username, "password": password})
    return "_auth_user_id" in client.session


def actions_of(strand_title):
    return Action.objects.filter(
        strand__priority__plan__slug=PLAN_17_18, strand__title=strand_title
    )


def action(text):
    return Action.objects.get(strand__priority__plan__slug=PLAN_17_18, text=text)


@pytest.mark.django_db
def test_it_loads_the_17_18_plan_structure_as_the_reference_has_it(demo_data):
    plan = AnnualPlan.objects.get(slug=PLAN_17_18)
    assert [p.title for p in plan.priorities.all()] == ["Violence"]
    assert list(Strand.objects.filter(priority__plan=plan).values_list("title", flat=True)) == [
        VAWG,
        PEER,
        OTHER,
    ]
    assert [theme.name for theme in plan.themes.all()] == THEMES


@pytest.mark.django_db
def test_it_loads_every_action_of_each_strand_under_its_theme(demo_data):
    per_strand = {title: actions_of(title).count() for title in (VAWG, PEER, OTHER)}
    assert per_strand == {VAWG: 15, PEER: 11, OTHER: 11}
    assert Action.objects.filter(strand__priority__plan__slug=PLAN_17_18).count() == 37
    for title, expected in [(VAWG, [7, 2, 5, 1]), (PEER, [2, 2, 4, 3]), (OTHER, [3, 3, 1, 4])]:
        per_theme = Counter(actions_of(title).values_list("theme__name", flat=True))
        assert [per_theme[theme] for theme in THEMES] == expected, title


@pytest.mark.django_db
def test_it_marks_the_ticked_actions_complete_one_with_a_caveat(demo_data):
    complete = {title: actions_of(title).complete().count() for title in (VAWG, PEER, OTHER)}
    assert complete == {VAWG: 8, PEER: 10, OTHER: 10}
    caveated = Action.objects.filter(completion_status__slug="complete-with-caveats")
    assert caveated.count() == 1
    assert caveated.get().completion_note == "within YOS and CER"
    assert caveated.get().is_complete


@pytest.mark.django_db
def test_it_loads_the_sub_items_of_the_coordinate_action_in_order(demo_data):
    coordinate = action("We will coordinate, monitor, review and aim to increase the use of:")
    sub_items = list(coordinate.sub_items.all())
    assert [item.label for item in sub_items] == list("abcdef")
    assert sub_items[0].text == "Domestic Violence Protection Orders"
    assert sub_items[-1].text == "Modern Slavery Orders"
    assert ActionSubItem.objects.count() == 6


@pytest.mark.django_db
def test_it_splits_the_rows_that_hold_two_actions(demo_data):
    vawg_pair = [
        action("Launch of the VAWG Plan 2017-2021"),
        Action.objects.get(text__startswith="Establishing third party reporting sites"),
    ]
    peer_pair = [
        action(
            "A whole borough active stance on a zero tolerance approach to drug dealing in the "
            "community."
        ),
        actions_of(PEER).get(text__startswith="Borough wide campaign"),
    ]
    for pair in (vawg_pair, peer_pair):
        assert [a.timeframe.wording for a in pair] == ["July 17", "July 17"]
        assert all(a.is_complete for a in pair)
        assert pair[0].strand == pair[1].strand


@pytest.mark.django_db
def test_it_keeps_the_timeframe_wording_as_written(demo_data):
    assert action("Creation of a comprehensive VAWG Services directory").timeframe.wording == (
        "Sept 17 March 18"
    )
    assert action(
        "Targeted action on prolific offenders in these categories (Integrated Offender Management)"
    ).timeframe.wording == ("Review IOM – set up Board – weekly operational tasking")
    assert actions_of(VAWG).get(
        text__startswith="Work with Lewisham’s Safeguarding Children’s Board"
    ).timeframe.wording == ("Ongoing throughout the life of the Plan")
    assert action(
        "Focused deterrence approach which ensures swift action by all in respect of peer on peer "
        "abuse."
    ).timeframe.wording == ("Immediate – review quarterly")


@pytest.mark.django_db
def test_every_timeframe_wording_is_understood_by_the_reader(demo_data):
    used = Timeframe.objects.filter(actions__isnull=False).distinct()
    assert used.exists()
    assert [t.wording for t in used if t.needs_review] == []
    assert Action.objects.filter(timeframe__isnull=True).count() == 0


@pytest.mark.django_db
def test_it_reads_the_dates_from_a_timeframe_with_a_start_and_an_end(demo_data):
    timeframe = Timeframe.objects.get(plan__slug=PLAN_17_18, wording="Sept 17 March 18")
    assert (timeframe.start_date, timeframe.due_date) == (date(2017, 9, 1), date(2018, 3, 31))


@pytest.mark.django_db
def test_the_18_19_plan_is_a_draft_with_its_questions_and_drivers(demo_data):
    plan = AnnualPlan.objects.get(slug=PLAN_18_19)
    assert plan.status == AnnualPlan.Status.DRAFT
    assert plan.key_questions.count() == 5
    assert plan.key_questions.first().text == "How do we become a less violent society?"
    assert plan.drivers.count() == 6
    for each in AnnualPlan.objects.all():
        assert each.principles.count() == 3, each.slug


@pytest.mark.django_db
def test_every_action_has_updates_for_the_first_three_quarters_only(demo_data):
    for each in Action.objects.all():
        assert sorted(each.progress_updates.values_list("quarter", flat=True)) == [1, 2, 3], each


@pytest.mark.django_db
def test_updates_are_dated_late_in_their_quarter_in_london_time(demo_data):
    update = ProgressUpdate.objects.filter(quarter=2).first()
    london = ZoneInfo("Europe/London")
    assert update.created_at == datetime(2017, 9, 20, 10, 0, tzinfo=london)


@pytest.mark.django_db
def test_a_ticked_action_due_by_september_is_blue_from_the_second_quarter(demo_data):
    done_early = Action.objects.complete().filter(timeframe__due_date__lte=date(2017, 9, 30))
    assert done_early.count() >= 5
    for each in done_early:
        ratings = dict(each.progress_updates.values_list("quarter", "rag_rating"))
        assert (ratings[2], ratings[3]) == ("blue", "blue"), each


@pytest.mark.django_db
def test_every_update_has_an_author_when_the_demo_users_exist(demo_data):
    assert ProgressUpdate.objects.count() == 111
    assert not ProgressUpdate.objects.filter(author__isnull=True).exists()
    authors = set(ProgressUpdate.objects.values_list("author__username", flat=True))
    assert authors <= DEMO_USERNAMES


def snapshot():
    """Everything a second run could change: row counts of every model, and the values."""
    counts = {model._meta.label: model.objects.count() for model in apps.get_models()}
    counts.pop("sessions.Session", None)
    actions = list(
        Action.objects.order_by("strand__slug", "order").values_list(
            "reference", "text", "timeframe__wording", "completion_status__slug", "lead_officer"
        )
    )
    updates = list(
        ProgressUpdate.objects.order_by(
            "action__strand__slug", "action__order", "quarter"
        ).values_list("action__reference", "quarter", "rag_rating", "narrative", "created_at")
    )
    return counts, actions, updates


@pytest.mark.django_db
def test_running_it_twice_changes_nothing(debug_on):
    seed()
    first = snapshot()

    seed()

    assert snapshot() == first


@pytest.mark.django_db
def test_with_debug_off_it_loads_the_plans_without_demo_users(settings):
    settings.DEBUG = False

    out, err = seed()

    assert not get_user_model().objects.exists()
    assert "Demo users are only created when DEBUG is on" in err
    assert DEMO_PASSWORD not in out
    # Lewisham's 37 and invented Eastmere's 6.
    assert Action.objects.filter(strand__priority__plan__partnership__slug="lewisham").count() == 37
    assert Action.objects.count() == 37 + 6
    assert not Action.objects.filter(lead_officer__isnull=False).exists()
    assert not ProgressUpdate.objects.filter(author__isnull=False).exists()


@pytest.mark.django_db
def test_with_debug_on_it_creates_the_demo_users_and_prints_their_logins(debug_on, client):
    out, err = seed()

    users = get_user_model().objects.filter(username__in=DEMO_USERNAMES)
    assert set(users.values_list("username", flat=True)) == DEMO_USERNAMES
    # The demo's administrator is the partnership's, not the site's.
    assert not users.get(username="admin").is_superuser
    assert users.get(username="admin").is_staff
    assert get_user_model().objects.get(username="siteadmin").is_superuser
    assert not users.get(username="chair").is_staff
    for username in DEMO_USERNAMES | {"eastmere-admin", "inspector", "oversight", "siteadmin"}:
        assert username in out
    assert DEMO_PASSWORD in out
    assert "http://127.0.0.1:8000/" in out
    assert err == ""
    assert signs_in(client, "officer", DEMO_PASSWORD)


@pytest.mark.django_db
def test_demo_users_get_their_agency_and_role_group(debug_on):
    seed()

    police = Profile.objects.get(user__username="police")
    assert police.agency == Agency.objects.get(slug="metropolitan-police")
    assert police.job_title
    roles = {
        (username, slug): role
        for username, slug, role in Membership.objects.values_list(
            "user__username", "partnership__slug", "role"
        )
    }
    assert roles == {
        ("admin", "lewisham"): Role.ADMINISTRATOR,
        ("chair", "lewisham"): Role.CHAIR,
        ("officer", "lewisham"): Role.OFFICER,
        ("police", "lewisham"): Role.OFFICER,
        ("inspector", "lewisham"): Role.OFFICER,
        ("inspector", "eastmere"): Role.OFFICER,
        ("eastmere-admin", "eastmere"): Role.ADMINISTRATOR,
        ("eastmere-chair", "eastmere"): Role.CHAIR,
        ("eastmere-officer", "eastmere"): Role.OFFICER,
    }
    # Nobody's role is a group: groups say only what each role may do.
    assert not Group.objects.filter(user__isnull=False).exists()


@pytest.mark.django_db
def test_the_oversight_body_covers_both_partnerships(debug_on):
    seed()

    body = OversightBody.objects.get(slug="demo-pcc")
    assert set(body.covers.values_list("slug", flat=True)) == {"lewisham", "eastmere"}
    assert list(body.members.values_list("username", flat=True)) == ["oversight"]
    met = Agency.objects.get(slug="metropolitan-police")
    assert set(met.partnerships.values_list("slug", flat=True)) == {"lewisham", "eastmere"}


@pytest.mark.django_db
def test_knife_crime_follows_the_shared_definition_in_both(debug_on):
    seed()

    indicators = Indicator.objects.filter(definition__slug="knife-crime-with-injury")
    assert set(indicators.values_list("plan__partnership__slug", flat=True)) == {
        "lewisham",
        "eastmere",
    }


@pytest.mark.django_db
def test_a_second_run_puts_back_the_demo_password(debug_on, client):
    seed()
    officer = get_user_model().objects.get(username="officer")
    officer.set_password("changed-by-someone-else")
    officer.save()

    seed()

    assert signs_in(client, "officer", DEMO_PASSWORD)


SMALL_FILE = """
partnership: {slug: example, name: Example Community Safety Partnership}
agencies:
  - {slug: council, name: Example Council, short_name: Council, kind: council}
strategies:
  - {slug: strategy, title: Example Strategy, start_year: 2017, end_year: 2020}
users: []
plans:
  - slug: example-plan
    title: Example Plan 17-18
    strategy: strategy
    financial_year: 2017
    status: active
    themes: [{slug: prevention, name: Prevention}]
    priorities:
      - slug: violence
        title: Violence
        strands:
          - slug: strand
            title: Strand
            actions:
              - reference: "1.1"
                theme: THEME
                text: Do something.
                timeframe: March 18
                completion: not_started
                lead_agency: council
                partners: []
                updates:
                  - {quarter: 1, rag: green, completion: in_progress, narrative: Fine.}
"""


@pytest.mark.django_db
def test_it_loads_another_file_of_the_same_schema(tmp_path):
    data_file = tmp_path / "other.yaml"
    data_file.write_text(SMALL_FILE.replace("THEME", "prevention"), encoding="utf-8")

    out, _ = seed(file=str(data_file))

    assert list(AnnualPlan.objects.values_list("slug", flat=True)) == ["example-plan"]
    assert Action.objects.get().theme.name == "Prevention"
    assert "1 plan, 1 strand, 1 action and 1 progress update" in out


@pytest.mark.django_db
def test_an_unknown_theme_is_refused_naming_it_and_nothing_is_written(tmp_path):
    data_file = tmp_path / "edited.yaml"
    data_file.write_text(SMALL_FILE.replace("THEME", "no-such-theme"), encoding="utf-8")

    with pytest.raises(CommandError) as raised:
        seed(file=str(data_file))

    assert "no-such-theme" in str(raised.value)
    assert "1.1" in str(raised.value)
    assert not Partnership.objects.filter(slug="example").exists()
    for model in (Agency, Strategy, AnnualPlan, Strand, Action):
        assert not model.objects.exists(), model


@pytest.mark.django_db
def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        seed(file=str(tmp_path / "missing.yaml"))


@pytest.mark.django_db
def test_it_puts_back_the_completion_statuses_of_a_flushed_database():
    CompletionStatus.objects.all().delete()

    seed()

    assert CompletionStatus.objects.get(slug="complete-with-caveats").counts_as_complete
    assert (
        Action.objects.filter(strand__priority__plan__partnership__slug="lewisham")
        .complete()
        .count()
        == 28
    )


@pytest.mark.django_db
def test_it_refuses_a_database_with_real_partnerships_and_loads_nothing():
    PartnershipFactory(name="Safer Northbrook Partnership", slug="northbrook")

    with pytest.raises(CommandError, match="Safer Northbrook Partnership"):
        seed()

    assert not AnnualPlan.objects.exists()


@pytest.mark.django_db
def test_told_to_it_loads_the_demo_beside_real_partnerships():
    PartnershipFactory(name="Safer Northbrook Partnership", slug="northbrook")

    seed(beside_other_partnerships=True)

    assert AnnualPlan.objects.filter(slug=PLAN_18_19).exists()
