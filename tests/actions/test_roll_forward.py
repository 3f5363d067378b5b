"""Rolling a plan forward into next year's plan: the structure copied, the chosen actions
carried with a link back, dated timeframes flagged, and nothing in the old plan changed."""

import re

import pytest
from django.urls import reverse

from actions.models import Action, ActionSubItem, Timeframe
from actions.rollforward import (
    RollForwardError,
    is_dated,
    next_plan_defaults,
    next_year_label,
    roll_forward,
)
from plans.models import AnnualPlan, Driver, KeyQuestion, Principle, Theme
from priorities.models import Priority, Strand
from tests.factories import (
    ActionFactory,
    ActionSubItemFactory,
    AgencyFactory,
    AnnualPlanFactory,
    DriverFactory,
    KeyQuestionFactory,
    PrincipleFactory,
    PriorityFactory,
    StrandFactory,
    ThemeFactory,
    TimeframeFactory,
    UserFactory,
    completion_status,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    """A 2017-18 plan: one priority with two strands, two themes, two principles, a key
    question and a driver."""
    plan = AnnualPlanFactory(
        title="Safer Lewisham Plan 17-18", slug="safer-lewisham-plan-17-18", financial_year=2017
    )
    priority = PriorityFactory(
        plan=plan, title="Violence", slug="violence", description="The one priority.", order=1
    )
    StrandFactory(
        priority=priority, title="VAWG", slug="vawg", scope="All strands of VAWG.", order=1
    )
    StrandFactory(priority=priority, title="Peer on peer abuse", slug="peer", order=2)
    ThemeFactory(plan=plan, name="Awareness raising", slug="awareness-raising", order=1)
    ThemeFactory(plan=plan, name="Prevention", slug="prevention", order=2)
    PrincipleFactory(plan=plan, name="Victim-centred approach", description="Victims", order=1)
    PrincipleFactory(plan=plan, name="Trust and confidence", order=2)
    KeyQuestionFactory(plan=plan, text="How do we become a less violent society?")
    DriverFactory(plan=plan, text="The Mayor's Police and Crime Plan")
    return plan


def strand_of(plan, slug):
    return Strand.objects.get(priority__plan=plan, slug=slug)


def theme_of(plan, slug):
    return Theme.objects.get(plan=plan, slug=slug)


def action_in(plan, strand="vawg", theme="awareness-raising", wording="Review quarterly", **kw):
    strand = strand_of(plan, strand)
    return ActionFactory(
        strand=strand,
        theme=theme_of(plan, theme) if theme else None,
        timeframe=TimeframeFactory(plan=plan, wording=wording) if wording else None,
        **kw,
    )


def into_new_plan(source, carry=(), user=None, **kw):
    kw = {"title": "Safer Lewisham Plan 18-19", "slug": "plan-18-19", "financial_year": 2018} | kw
    return roll_forward(source, carry=[a.pk for a in carry], user=user or UserFactory(), **kw)


# The structure ----------------------------------------------------------------------------------


def test_it_creates_a_new_draft_plan_of_the_same_strategy(source):
    result = into_new_plan(source)

    plan = result.target
    assert result.created_plan
    assert (plan.title, plan.slug, plan.financial_year) == (
        "Safer Lewisham Plan 18-19",
        "plan-18-19",
        2018,
    )
    assert plan.status == AnnualPlan.Status.DRAFT
    assert plan.strategy == source.strategy
    assert not plan.is_published


def test_it_copies_priorities_strands_themes_and_principles(source):
    plan = into_new_plan(source).target

    assert list(Priority.objects.filter(plan=plan).values_list("title", "slug", "description")) == [
        ("Violence", "violence", "The one priority.")
    ]
    assert list(
        Strand.objects.filter(priority__plan=plan).values_list("title", "slug", "scope", "order")
    ) == [
        ("VAWG", "vawg", "All strands of VAWG.", 1),
        ("Peer on peer abuse", "peer", "What this strand covers.", 2),
    ]
    assert list(plan.themes.values_list("name", "slug", "order")) == [
        ("Awareness raising", "awareness-raising", 1),
        ("Prevention", "prevention", 2),
    ]
    assert list(plan.principles.values_list("name", "description")) == [
        ("Victim-centred approach", "Victims"),
        ("Trust and confidence", ""),
    ]


def test_it_leaves_key_questions_and_drivers_to_their_year(source):
    plan = into_new_plan(source).target

    assert not KeyQuestion.objects.filter(plan=plan).exists()
    assert not Driver.objects.filter(plan=plan).exists()


def test_it_labels_what_it_creates_in_the_history(source):
    user = UserFactory(username="rolling-admin")
    action = action_in(source)

    plan = into_new_plan(source, carry=[action], user=user).target

    carried = Action.objects.get(strand__priority__plan=plan)
    for history in (
        plan.history.get(),
        carried.history.earliest(),
        Priority.objects.get(plan=plan).history.get(),
        theme_of(plan, "prevention").history.get(),
    ):
        assert history.history_change_reason == "Carried forward from Safer Lewisham Plan 17-18"
        assert history.history_user == user


def test_it_copies_only_what_an_existing_draft_lacks(source):
    draft = AnnualPlanFactory(title="Plan 18-19", financial_year=2018, status="draft")
    ThemeFactory(plan=draft, name="Awareness raising", slug="awareness-raising")
    ThemeFactory(plan=draft, name="Analytical review", slug="analytical-review")
    PrincipleFactory(plan=draft, name="Victim-centred approach", description="Kept as it is")
    KeyQuestionFactory(plan=draft, text="A question of 18-19")

    result = roll_forward(source, carry=[], user=UserFactory(), target=draft)

    assert not result.created_plan
    assert (result.themes, result.principles, result.priorities, result.strands) == (1, 1, 1, 2)
    assert sorted(draft.themes.values_list("slug", flat=True)) == [
        "analytical-review",
        "awareness-raising",
        "prevention",
    ]
    assert sorted(draft.principles.values_list("name", "description")) == [
        ("Trust and confidence", ""),
        ("Victim-centred approach", "Kept as it is"),
    ]
    assert list(draft.key_questions.values_list("text", flat=True)) == ["A question of 18-19"]


def test_rolling_forward_twice_into_a_draft_copies_the_structure_once(source):
    draft = AnnualPlanFactory(financial_year=2018, status="draft")

    roll_forward(source, carry=[], user=UserFactory(), target=draft)
    again = roll_forward(source, carry=[], user=UserFactory(), target=draft)

    assert (again.themes, again.principles, again.priorities, again.strands) == (0, 0, 0, 0)
    assert Strand.objects.filter(priority__plan=draft).count() == 2


# The actions ------------------------------------------------------------------------------------


def test_a_carried_action_keeps_what_it_said_and_links_to_where_it_came_from(source):
    officer = UserFactory(first_name="Daniel", last_name="Osei")
    partners = [AgencyFactory(name="Athena"), AgencyFactory(name="Victim Support")]
    action = action_in(
        source,
        theme="prevention",
        reference="1.2",
        text="Open Day with the community",
        lead_officer=officer,
        completion_status=completion_status("in-progress"),
        completion_note="Venue to find",
    )
    action.partner_agencies.set(partners)
    ActionSubItemFactory(action=action, label="a", text="Clare's Law", order=1)
    ActionSubItemFactory(action=action, label="b", text="DVPOs", order=2)

    result = into_new_plan(source, carry=[action])

    carried = Action.objects.get(strand__priority__plan=result.target)
    assert result.actions == 1
    assert carried.carried_from == action
    assert list(action.carried_into.all()) == [carried]
    assert carried.strand == strand_of(result.target, "vawg")
    assert carried.theme == theme_of(result.target, "prevention")
    assert (carried.reference, carried.text, carried.order) == (
        "1.2",
        "Open Day with the community",
        action.order,
    )
    assert (carried.lead_agency, carried.lead_officer) == (action.lead_agency, officer)
    assert set(carried.partner_agencies.all()) == set(partners)
    assert list(carried.sub_items.values_list("label", "text")) == [
        ("a", "Clare's Law"),
        ("b", "DVPOs"),
    ]
    assert carried.completion_status == completion_status("in-progress")
    assert carried.completion_note == "Venue to find"


def test_it_carries_only_the_chosen_actions(source):
    chosen = action_in(source, text="Carried")
    action_in(source, text="Left behind")

    result = into_new_plan(source, carry=[chosen])

    assert list(
        Action.objects.filter(strand__priority__plan=result.target).values_list("text", flat=True)
    ) == ["Carried"]


def test_a_finished_action_carried_again_starts_at_the_default_completion(source):
    finished = action_in(
        source, completion_status=completion_status("complete"), completion_note="within YOS"
    )

    result = into_new_plan(source, carry=[finished])

    carried = Action.objects.get(strand__priority__plan=result.target)
    assert carried.completion_status.is_default
    assert carried.completion_note == ""


def test_a_reference_the_target_strand_already_uses_is_left_blank_and_reported(source):
    draft = AnnualPlanFactory(financial_year=2018, status="draft")
    roll_forward(source, carry=[], user=UserFactory(), target=draft)
    ActionFactory(strand=strand_of(draft, "vawg"), theme=None, reference="1.1")
    action = action_in(source, reference="1.1", text="Borough wide campaign")

    result = roll_forward(source, carry=[action.pk], user=UserFactory(), target=draft)

    carried = Action.objects.get(carried_from=action)
    assert carried.reference == ""
    assert result.references_cleared == ["1.1 (VAWG)"]


def test_it_refuses_an_action_of_another_plan_and_writes_nothing(source):
    other = ActionFactory()
    plans_before = AnnualPlan.objects.count()

    with pytest.raises(RollForwardError, match="Only actions of Safer Lewisham Plan 17-18"):
        into_new_plan(source, carry=[other])

    assert AnnualPlan.objects.count() == plans_before
    assert not Action.objects.filter(carried_from__isnull=False).exists()


@pytest.mark.parametrize(
    ("status", "year", "message"),
    [
        ("consultation", 2018, "no longer a draft"),
        ("draft", 2017, "not for a later year"),
        ("draft", 2016, "not for a later year"),
    ],
)
def test_it_refuses_a_target_that_is_not_a_later_draft(source, status, year, message):
    target = AnnualPlanFactory(financial_year=year, status=status)

    with pytest.raises(RollForwardError, match=message):
        roll_forward(source, carry=[], user=UserFactory(), target=target)

    assert not Priority.objects.filter(plan=target).exists()


def test_it_refuses_a_new_plan_that_is_not_for_a_later_year(source):
    with pytest.raises(RollForwardError, match="later year"):
        into_new_plan(source, financial_year=2017)


# Timeframes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "wording",
    [
        "Review quarterly",
        "Immediate – review quarterly",
        "Review 6 monthly",
        "As required",
        "Ongoing throughout the life of the Plan",
    ],
)
def test_a_relative_timeframe_carries_as_it_is(source, wording):
    action = action_in(source, wording=wording)

    result = into_new_plan(source, carry=[action])

    timeframe = Action.objects.get(carried_from=action).timeframe
    assert timeframe.plan == result.target
    assert timeframe.wording == wording
    assert timeframe.review_reason == ""
    assert not timeframe.needs_review
    assert result.flagged_timeframes == 0


@pytest.mark.parametrize(
    ("wording", "was"),
    [
        ("March 18", "where it was due 31 March 2018"),
        ("Sept 17 March 18", "where it was due 31 March 2018"),
        ("Begin July 17", "where it was due 31 March 2018"),
        ("June 17 – ongoing", "where it was due 31 March 2018"),
        ("Sept 17", "where it was due 30 September 2017"),
    ],
)
def test_a_dated_timeframe_is_flagged_for_review(source, wording, was):
    action = action_in(source, wording=wording)

    result = into_new_plan(source, carry=[action])

    timeframe = Action.objects.get(carried_from=action).timeframe
    assert timeframe.wording == wording
    assert timeframe.review_reason == (
        f"Carried forward from Safer Lewisham Plan 17-18, {was}: check the dates for 2018-19."
    )
    assert timeframe.needs_review
    assert result.flagged_timeframes == 1


def test_a_dated_wording_shared_by_several_actions_is_flagged_once(source):
    actions = [action_in(source, wording="March 18") for _ in range(3)]
    actions.append(action_in(source, wording="Review quarterly"))

    result = into_new_plan(source, carry=actions)

    assert result.flagged_timeframes == 1
    assert Timeframe.objects.filter(plan=result.target).count() == 2


def test_dates_set_by_hand_count_as_dated(source):
    timeframe = TimeframeFactory(plan=source, wording="When the board meets")
    Timeframe.objects.filter(pk=timeframe.pk).update(set_by_hand=True, due_date="2017-11-30")
    timeframe.refresh_from_db()

    assert is_dated(timeframe, 2018)
    assert not is_dated(TimeframeFactory(plan=source, wording="Review quarterly"), 2018)


# Nothing in the old plan changes ----------------------------------------------------------------


def everything_of(plan):
    """Every row of the plan as the database holds it, with its history record counts."""
    actions = Action.objects.filter(strand__priority__plan=plan)
    rows = {
        "plan": list(AnnualPlan.objects.filter(pk=plan.pk).values()),
        "priorities": list(Priority.objects.filter(plan=plan).values()),
        "strands": list(Strand.objects.filter(priority__plan=plan).values()),
        "themes": list(Theme.objects.filter(plan=plan).values()),
        "principles": list(Principle.objects.filter(plan=plan).values()),
        "timeframes": list(Timeframe.objects.filter(plan=plan).values()),
        "actions": list(actions.order_by("pk").values()),
        "partners": list(
            Action.partner_agencies.through.objects.filter(action__in=actions).values()
        ),
        "sub_items": list(ActionSubItem.objects.filter(action__in=actions).values()),
    }
    history = {
        "plan": AnnualPlan.history.filter(id=plan.pk).count(),
        "actions": Action.history.filter(strand__priority__plan=plan).count(),
        "timeframes": Timeframe.history.filter(plan=plan).count(),
        "themes": Theme.history.filter(plan=plan).count(),
        "priorities": Priority.history.filter(plan=plan).count(),
        "sub_items": ActionSubItem.history.filter(action__in=actions).count(),
    }
    return rows, history


def test_nothing_in_the_old_plan_changes(source):
    carried = [
        action_in(source, wording="March 18", reference="1.1"),
        action_in(source, wording="Review quarterly", reference="1.2"),
        action_in(source, completion_status=completion_status("complete"), reference="1.3"),
    ]
    carried[0].partner_agencies.set([AgencyFactory()])
    ActionSubItemFactory(action=carried[0])
    action_in(source, strand="peer", reference="2.1")
    before = everything_of(source)

    into_new_plan(source, carry=carried)

    assert everything_of(source) == before


# Next year's name -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("Safer Lewisham Plan 17-18", 2017, "Safer Lewisham Plan 18-19"),
        ("safer-lewisham-plan-17-18", 2017, "safer-lewisham-plan-18-19"),
        ("Safer Lewisham Plan 2017-18", 2017, "Safer Lewisham Plan 2018-19"),
        ("Plan 2017/2018", 2017, "Plan 2018/2019"),
        ("Plan 99-00", 2099 - 100, "Plan 00-01"),
        ("Safer Plan", 2017, None),
        ("Plan 16-17", 2017, None),
    ],
)
def test_next_year_label_moves_the_year_on(text, year, expected):
    assert next_year_label(text, year) == expected


def test_a_title_without_its_year_gets_next_years_label(source):
    source.title, source.slug = "Community safety plan", "community-safety-plan"

    assert next_plan_defaults(source) == {
        "title": "Community safety plan 2018-19",
        "slug": "community-safety-plan-2018-19",
        "financial_year": 2018,
    }


# The form ---------------------------------------------------------------------------------------


def form_url(plan):
    return reverse("plans:roll_forward", args=[plan.slug])


def checked_actions(response):
    html = response.content.decode()
    boxes = re.findall(r'<input class="govuk-checkboxes__input"[^>]*>', html)
    return {int(re.search(r'value="(\d+)"', box).group(1)) for box in boxes if " checked" in box}


def input_value(response, name):
    match = re.search(rf'name="{name}" type="text" value="([^"]*)"', response.content.decode())
    return match.group(1)


def checked_radio(response):
    match = re.search(r'name="into" type="radio" value="(\w+)" checked', response.content.decode())
    return match and match.group(1)


def test_the_form_ticks_the_unfinished_actions(admin_client, source):
    unfinished = action_in(source, completion_status=completion_status("in-progress"))
    not_started = action_in(source, strand="peer")
    finished = action_in(source, completion_status=completion_status("complete"))

    response = admin_client.get(form_url(source))

    assert response.status_code == 200
    assert checked_actions(response) == {unfinished.pk, not_started.pk}
    assert f'id="action-{finished.pk}"' in response.content.decode()


def test_the_form_groups_the_actions_by_priority_and_strand(admin_client, source):
    action_in(source, strand="peer", reference="2.1", text="Peer mentoring")
    action_in(source, strand="vawg", reference="1.1", text="Campaign")

    text = text_of(admin_client.get(form_url(source)))

    assert re.search(r"Violence VAWG 1\.1 Campaign .* Peer on peer abuse 2\.1 Peer mentoring", text)


def test_the_form_proposes_next_years_plan(admin_client, source):
    response = admin_client.get(form_url(source))

    assert checked_radio(response) == "new"
    assert input_value(response, "title") == "Safer Lewisham Plan 18-19"
    assert input_value(response, "slug") == "safer-lewisham-plan-18-19"
    assert input_value(response, "financial_year") == "2018"
    assert "Into an existing draft plan" not in response.content.decode()


def test_the_form_proposes_next_years_draft_when_it_exists(admin_client, source):
    draft = AnnualPlanFactory(
        title="Safer Lewisham Plan 18-19",
        slug="safer-lewisham-plan-18-19",
        financial_year=2018,
        status="draft",
    )
    AnnualPlanFactory(title="A later draft", financial_year=2019, status="draft")
    AnnualPlanFactory(title="An earlier draft", financial_year=2016, status="draft")

    response = admin_client.get(form_url(source))

    html = response.content.decode()
    assert checked_radio(response) == "existing"
    assert f'<option value="{draft.pk}" selected>' in html
    assert "A later draft (2019-20)" in html
    assert "An earlier draft" not in html


def test_rolling_forward_into_a_new_plan_goes_to_it_with_a_banner(admin_client, source):
    carried = [action_in(source, wording="March 18"), action_in(source, wording="Review quarterly")]
    action_in(source, text="Not carried")

    response = admin_client.post(
        form_url(source),
        {
            "into": "new",
            "title": "Safer Lewisham Plan 18-19",
            "slug": "safer-lewisham-plan-18-19",
            "financial_year": "2018",
            "actions": [a.pk for a in carried],
        },
        follow=True,
    )

    plan = AnnualPlan.objects.get(slug="safer-lewisham-plan-18-19")
    assert response.redirect_chain == [(plan.get_absolute_url(), 302)]
    assert plan.status == "draft"
    assert Action.objects.filter(strand__priority__plan=plan).count() == 2
    text = text_of(response)
    assert (
        "Rolled forward from Safer Lewisham Plan 17-18: 2 actions carried; 1 timeframe needs its "
        "dates checked" in text
    )
    admin_link = (
        f"{reverse('admin:actions_timeframe_changelist')}?needs_review=yes&amp;"
        f"plan__id__exact={plan.pk}"
    )
    assert f'href="{admin_link}"' in response.content.decode()


def test_the_admin_link_lists_the_flagged_timeframes(admin_client, source):
    action = action_in(source, wording="March 18")
    action_in(source, wording="Review quarterly")
    plan = into_new_plan(source, carry=Action.objects.filter(strand__priority__plan=source)).target
    assert action.carried_into.exists()

    response = admin_client.get(
        reverse("admin:actions_timeframe_changelist"),
        {"needs_review": "yes", "plan__id__exact": plan.pk},
    )

    assert response.status_code == 200
    assert [t.wording for t in response.context["cl"].result_list] == ["March 18"]


def test_rolling_forward_into_an_existing_draft(admin_client, source):
    draft = AnnualPlanFactory(financial_year=2018, status="draft")
    ThemeFactory(plan=draft, name="Prevention", slug="prevention")
    action = action_in(source)

    response = admin_client.post(
        form_url(source), {"into": "existing", "target": draft.pk, "actions": [action.pk]}
    )

    assert response.status_code == 302
    assert response["Location"] == draft.get_absolute_url()
    assert Action.objects.get(carried_from=action).strand.priority.plan == draft
    assert draft.themes.filter(slug="prevention").count() == 1


def test_carrying_no_action_copies_the_structure_only(admin_client, source):
    action_in(source)

    response = admin_client.post(
        form_url(source),
        {"into": "new", "title": "Plan 18-19", "slug": "plan-18-19", "financial_year": "2018"},
        follow=True,
    )

    plan = AnnualPlan.objects.get(slug="plan-18-19")
    assert Strand.objects.filter(priority__plan=plan).count() == 2
    assert not Action.objects.filter(strand__priority__plan=plan).exists()
    assert "0 actions carried" in text_of(response)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"slug": "safer-lewisham-plan-17-18"}, "A plan already has this web address"),
        ({"slug": "not a slug!"}, "Web address must only use letters"),
        ({"title": " "}, "Enter a title for the new plan"),
        ({"financial_year": "2017"}, "Financial year must be after 2017"),
        ({"financial_year": "20188"}, "Financial year must be between 2000 and 2099"),
        ({"financial_year": "next"}, "Financial year must be a year"),
        ({"into": ""}, "Select whether to roll forward"),
        ({"into": "existing"}, "Select the draft plan to roll forward into"),
    ],
)
def test_a_form_with_a_mistake_is_shown_again_with_every_choice_kept(
    admin_client, source, changes, error
):
    AnnualPlanFactory(financial_year=2019, status="draft")  # so that "existing" is offered
    first, second, third = (action_in(source) for _ in range(3))
    data = {
        "into": "new",
        "title": "My new plan",
        "slug": "my-new-plan",
        "financial_year": "2018",
        "actions": [first.pk, third.pk],
    } | changes
    plans_before = AnnualPlan.objects.count()

    response = admin_client.post(form_url(source), data)

    assert response.status_code == 400
    text = text_of(response)
    assert text.startswith("Error: Roll forward")
    assert f"There is a problem {error}" in text
    assert checked_actions(response) == {first.pk, third.pk}
    assert input_value(response, "title") == data["title"]
    assert input_value(response, "slug") == data["slug"]
    assert checked_radio(response) == (data["into"] or None)
    assert AnnualPlan.objects.count() == plans_before
    assert not Action.objects.filter(carried_from__isnull=False).exists()


def test_the_form_refuses_an_action_of_another_plan(admin_client, source):
    other = ActionFactory()

    response = admin_client.post(
        form_url(source),
        {"into": "new", "title": "T", "slug": "t", "financial_year": "2018", "actions": [other.pk]},
    )

    assert response.status_code == 400
    assert "Select only actions of this plan" in text_of(response)
    assert not AnnualPlan.objects.filter(slug="t").exists()


def test_the_form_refuses_a_plan_that_is_no_longer_a_draft(admin_client, source):
    signed_off = AnnualPlanFactory(financial_year=2018, status="signed_off")

    response = admin_client.post(form_url(source), {"into": "existing", "target": signed_off.pk})

    assert response.status_code == 400
    assert "Select a draft plan of a later year" in text_of(response)


# Who may ----------------------------------------------------------------------------------------


def test_an_administrator_may_roll_a_plan_forward(client, administrator, source):
    client.force_login(administrator)

    assert client.get(form_url(source)).status_code == 200
    response = client.post(
        form_url(source),
        {"into": "new", "title": "Plan 18-19", "slug": "plan-18-19", "financial_year": "2018"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["member", "officer"])
def test_others_may_not_roll_a_plan_forward(client, request, who, source):
    client.force_login(request.getfixturevalue(who))

    assert client.get(form_url(source)).status_code == 403
    response = client.post(
        form_url(source),
        {"into": "new", "title": "Plan 18-19", "slug": "plan-18-19", "financial_year": "2018"},
    )
    assert response.status_code == 403
    assert not AnnualPlan.objects.filter(slug="plan-18-19").exists()


@pytest.mark.parametrize(("who", "shown"), [("administrator", True), ("member", False)])
def test_the_plan_page_links_to_the_roll_forward_for_administrators(
    client, request, who, shown, source
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(source.get_absolute_url())

    assert ("Roll forward into next year’s plan" in text_of(response)) is shown
    assert (f'href="{form_url(source)}"' in response.content.decode()) is shown


# The demo: 17-18 into the 18-19 draft -----------------------------------------------------------


def test_the_demo_17_18_plan_rolls_forward_into_the_18_19_draft(admin_client, demo_data):
    source = AnnualPlan.objects.get(slug="safer-lewisham-plan-17-18")
    draft = AnnualPlan.objects.get(slug="safer-lewisham-plan-18-19")
    unfinished = set(
        Action.objects.filter(strand__priority__plan=source)
        .not_complete()
        .values_list("pk", flat=True)
    )
    form = admin_client.get(form_url(source))
    assert checked_radio(form) == "existing"
    assert checked_actions(form) == unfinished
    before = everything_of(source)

    response = admin_client.post(
        form_url(source),
        {"into": "existing", "target": draft.pk, "actions": sorted(unfinished)},
        follow=True,
    )

    assert response.redirect_chain == [(draft.get_absolute_url(), 302)]
    assert f"{len(unfinished)} actions carried" in text_of(response)
    assert draft.themes.count() == 4
    assert draft.principles.count() == 3
    assert Strand.objects.filter(priority__plan=draft).count() == 3
    carried = Action.objects.filter(strand__priority__plan=draft)
    assert set(carried.values_list("carried_from", flat=True)) == unfinished
    flagged = Timeframe.objects.filter(plan=draft).exclude(review_reason="")
    assert flagged.filter(wording="March 18").exists()
    assert not flagged.filter(wording="Review quarterly").exists()
    assert everything_of(source) == before
