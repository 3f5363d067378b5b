"""Planning an import against a plan (imports/planning.py) and applying it (applying.py): what
is created, changed and left alone, how messy values are understood, and what is a problem."""

from datetime import date, datetime

import pytest

from actions.models import Action, ActionSubItem
from imports.applying import import_file, preview_file
from plans.models import AnnualPlan
from priorities.models import Priority, Strand
from tests.factories import ActionFactory, ActionSubItemFactory, completion_status
from tests.imports.files import HEADINGS, csv_file, row, xlsx


def preview(plan, rows, *, add_structure=False, headings=HEADINGS, kind="xlsx"):
    content = xlsx(rows, headings) if kind == "xlsx" else csv_file(rows, headings)
    return preview_file(plan, f"plan.{kind}", content, add_structure=add_structure)


def imported(plan, rows, *, add_structure=False, headings=HEADINGS, formats=()):
    content = xlsx(rows, headings, formats=formats)
    outcome = import_file(plan, "plan.xlsx", content, add_structure=add_structure)
    assert outcome.imported, [str(p) for p in outcome.preview.problems]
    return outcome


def problems(result) -> list[str]:
    return [str(note) for note in result.problems]


def warnings(result) -> list[str]:
    return [str(note) for note in result.warnings]


# --- completion ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tick", ["✓", "√", "✔", "☑", "✅", "Yes", "Y", "yes ", "Done", "Complete", "completed", True]
)
def test_ticks_and_yes_mean_complete(plan, tick):
    imported(plan, [row(completed=tick)])

    assert Action.objects.get().completion_status.slug == "complete"


@pytest.mark.parametrize("mark", ["", None, "No", "N", "✗", "✘", False])
def test_blank_and_no_mean_the_default_completion(plan, mark):
    imported(plan, [row(completed=mark)])

    assert Action.objects.get().completion_status.slug == "not-started"


@pytest.mark.parametrize("name", ["In progress", "in  PROGRESS", "Complete with caveats"])
def test_a_completion_status_may_be_written_by_name(plan, name):
    imported(plan, [row(completed=name)])

    assert Action.objects.get().completion_status.name.casefold() == " ".join(
        name.casefold().split()
    )


def test_an_unknown_completion_is_a_problem_listing_what_is_accepted(plan):
    result = preview(plan, [row(completed="Maybe")])

    [problem] = problems(result)
    assert problem.startswith("Row 2, Completed: “Maybe” is not a completion this service knows.")
    assert "“In progress”, “Complete”, “Complete with caveats”" in problem


# --- agencies and people ----------------------------------------------------------------------


def test_agencies_are_found_by_name_short_name_or_slug_ignoring_case_and_punctuation(
    plan, agencies
):
    imported(
        plan,
        [
            row(action="One.", lead_agency="lewisham council ", partners="Met Police; NPS"),
            row(
                action="Two.",
                lead_agency="The Metropolitan Police Service",
                partners="national-probation-service\nAthena",
            ),
            row(
                action="Three.",
                lead_agency="METROPOLITAN POLICE SERVICE (LEWISHAM)",
                partners="Athena, NPS",
            ),
        ],
    )

    one, two, three = Action.objects.order_by("order")
    assert one.lead_agency == agencies["council"]
    assert set(one.partner_agencies.all()) == {agencies["police"], agencies["nps"]}
    assert two.lead_agency == agencies["police"]
    assert set(two.partner_agencies.all()) == {agencies["nps"], agencies["athena"]}
    assert three.lead_agency == agencies["police"]
    assert set(three.partner_agencies.all()) == {agencies["athena"], agencies["nps"]}


def test_an_agency_spelled_slightly_differently_is_matched_with_a_warning(plan, agencies):
    result = imported(
        plan, [row(lead_agency="Lewisham Councill", partners="Natonal Probation Service")]
    )

    action = Action.objects.get()
    assert action.lead_agency == agencies["council"]
    assert list(action.partner_agencies.all()) == [agencies["nps"]]
    assert warnings(result.preview) == [
        "Row 2, Lead agency: matched “Lewisham Councill” to “Lewisham Council”: check that this "
        "is right.",
        "Row 2, Partners: matched “Natonal Probation Service” to “National Probation Service”: "
        "check that this is right.",
    ]


def test_an_unknown_agency_is_a_problem(plan, agencies):
    result = preview(plan, [row(lead_agency="Lewisham Fire Station")])

    assert problems(result) == [
        "Row 2, Lead agency: “Lewisham Fire Station” is not an organisation of this partnership. "
        "Choose it below, or add it."
    ]
    assert list(result.unknown_organisations) == ["Lewisham Fire Station"]


def test_a_lead_officer_is_found_by_full_name_username_or_email(plan, daniel):
    imported(
        plan,
        [
            row(action="One.", lead_officer="daniel  osei"),
            row(action="Two.", lead_officer="officer"),
            row(action="Three.", lead_officer="Daniel@Example.org"),
        ],
    )

    assert {action.lead_officer for action in Action.objects.all()} == {daniel}


def test_an_unknown_lead_officer_is_imported_without_one_and_a_warning(plan):
    result = imported(plan, [row(lead_officer="Nobody Known")])

    assert Action.objects.get().lead_officer is None
    assert warnings(result.preview) == [
        "Row 2, Lead officer: nobody called “Nobody Known” can sign in to the service: imported "
        "without a lead officer. Add them in admin under Users, or write their username or "
        "e-mail address."
    ]


# --- timeframes, sub-items, references ----------------------------------------------------------


def test_an_excel_date_in_the_timeframe_column_is_imported_as_the_text_it_shows(plan):
    result = imported(
        plan,
        [
            row(action="One.", timeframe=datetime(2018, 3, 31)),
            row(action="Two.", timeframe=datetime(2018, 3, 31)),
            row(action="Three.", timeframe="Sept 17 March 18 "),
            row(action="Four.", timeframe=1.5),
        ],
        formats=[(0, "Timeframe", "mmm-yy"), (1, "Timeframe", "dd/mm/yyyy")],
    )

    one, two, three, four = Action.objects.order_by("order")
    assert one.timeframe.wording == "Mar-18"
    assert one.timeframe.due_date == date(2018, 3, 31)
    assert two.timeframe.wording == "31/03/2018"
    assert two.timeframe.due_date == date(2018, 3, 31)
    assert one.timeframe.understood and two.timeframe.understood
    assert three.timeframe.wording == "Sept 17 March 18"
    assert four.timeframe.wording == "1.5"  # a number cell, as the text it shows
    assert not any("holds a date" in warning for warning in warnings(result.preview))


@pytest.mark.parametrize(
    "cell, expected",
    [
        (
            "a) Domestic Violence Protection Orders\nb) Clare’s Law",
            [("a", "Domestic Violence Protection Orders"), ("b", "Clare’s Law")],
        ),
        ("(a) First\n(b) Second", [("a", "First"), ("b", "Second")]),
        ("a. First\nb. Second", [("a", "First"), ("b", "Second")]),
        ("1) First\n2) Second", [("1", "First"), ("2", "Second")]),
        (
            "a) First item\nwhich goes on\nb) Second",
            [("a", "First item\nwhich goes on"), ("b", "Second")],
        ),
        ("First\nSecond\n\nThird", [("a", "First"), ("b", "Second"), ("c", "Third")]),
    ],
)
def test_sub_items_are_read_one_per_line(plan, cell, expected):
    imported(plan, [row(sub_items=cell)])

    assert [(i.label, i.text) for i in ActionSubItem.objects.order_by("order")] == expected


def test_a_numeric_reference_is_read_as_text(plan):
    imported(plan, [row(action="One.", reference=1.5), row(action="Two.", reference=3)])

    assert sorted(Action.objects.values_list("reference", flat=True)) == ["1.5", "3"]


def test_a_reference_repeated_in_a_strand_is_a_problem(plan):
    result = preview(
        plan, [row(action="One.", reference="1.1"), row(action="Two.", reference="1.1")]
    )

    assert problems(result) == [
        "Row 3, Reference: “1.1” is also the reference on row 2, in the same strand. Each action "
        "of a strand needs its own reference."
    ]


# --- against the plan ---------------------------------------------------------------------------


def test_new_actions_are_created_in_the_files_order_after_the_strands_actions(plan):
    strand = Strand.objects.get()
    ActionFactory(strand=strand, reference="1.1", text="Already there.", order=4)

    result = imported(
        plan, [row(reference="1.2", action="Second."), row(reference="1.3", action="Third.")]
    )

    assert list(strand.actions.values_list("reference", "order")) == [
        ("1.1", 4),
        ("1.2", 5),
        ("1.3", 6),
    ]
    assert result.summary["actions_created"] == 2
    assert result.summary["actions_left_alone"] == 1


def test_an_existing_action_is_matched_by_reference_and_its_changes_listed(plan, agencies):
    strand = Strand.objects.get()
    action = ActionFactory(
        strand=strand,
        reference="1.1",
        text="Open day.",
        theme=None,
        lead_agency=agencies["council"],
    )
    ActionSubItemFactory(action=action, label="a", text="Old item")

    result = preview(
        plan,
        [
            row(
                reference="1.1",
                action="Open day and evening.",
                lead_agency="Met Police",
                sub_items="a) New item",
                theme="Prevention",
                timeframe="March 18",
                completed="In progress",
            )
        ],
    )

    assert problems(result) == []
    [changed] = result.changed
    assert changed.existing == action
    assert {(c.label, c.old, c.new) for c in changed.changes} == {
        ("Action", "Open day.", "Open day and evening."),
        ("Lead agency", "Lewisham Council", "Met Police"),
        ("Sub-items", "a) Old item", "a) New item"),
        ("Theme", "(none)", "Prevention"),
        ("Completed", "Not started", "In progress"),
    }

    import_file(
        plan,
        "plan.xlsx",
        xlsx(
            [
                row(
                    reference="1.1",
                    action="Open day and evening.",
                    lead_agency="Met Police",
                    sub_items="a) New item",
                    theme="Prevention",
                    timeframe="March 18",
                    completed="In progress",
                )
            ]
        ),
        add_structure=False,
    )
    action.refresh_from_db()
    assert action.text == "Open day and evening."
    assert action.lead_agency == agencies["police"]
    assert action.theme.name == "Prevention"
    assert action.completion_status.name == "In progress"
    assert [(i.label, i.text) for i in action.sub_items.all()] == [("a", "New item")]
    assert action.history.first().history_change_reason == "Imported from plan.xlsx"


def test_an_action_without_a_reference_is_matched_by_its_text(plan):
    strand = Strand.objects.get()
    action = ActionFactory(
        strand=strand,
        reference="",
        text="Open day with the community.",
        theme=None,
        lead_agency=None,
        timeframe=None,
    )
    headings = ["Priority", "Strand", "Action"]

    same = preview(plan, [row(action="Open day with the community.")], headings=headings)
    spaced = preview(plan, [row(action="open  day with the community.")], headings=headings)

    assert [(a.kind, a.existing) for a in same.actions] == [("unchanged", action)]
    # Matched ignoring case and spaces; the text as written is then the change.
    assert [(a.kind, a.existing) for a in spaced.actions] == [("changed", action)]
    assert [c.label for c in spaced.actions[0].changes] == ["Action"]


def test_a_column_the_file_lacks_leaves_that_field_alone(plan, agencies):
    strand = Strand.objects.get()
    action = ActionFactory(
        strand=strand,
        reference="1.1",
        text="Open day.",
        lead_agency=agencies["council"],
        completion_status=completion_status("in-progress"),
    )

    result = imported(
        plan,
        [["Violence", "Violence against women and girls", "1.1", "Open day."]],
        headings=["Priority", "Strand", "Reference", "Action"],
    )

    action.refresh_from_db()
    assert action.lead_agency == agencies["council"]
    assert action.completion_status.slug == "in-progress"
    assert result.summary["actions_unchanged"] == 1


def test_importing_the_same_file_twice_changes_nothing_the_second_time(plan, agencies, daniel):
    rows = [
        row(
            reference="1.1",
            theme="Prevention",
            lead_agency="Met Police",
            partners="NPS",
            lead_officer="Daniel Osei",
            sub_items="a) One\nb) Two",
            timeframe="March 18",
            completed="✓",
            completion_note="within YOS",
        )
    ]
    imported(plan, rows)
    history = Action.history.count()

    second = imported(plan, rows)

    assert second.summary["actions_unchanged"] == 1
    assert second.summary["actions_created"] == 0
    assert Action.history.count() == history


def test_an_unknown_strand_is_a_problem_suggesting_the_nearest(plan):
    result = preview(plan, [row(strand="Violence against women and girl")])

    assert problems(result) == [
        "Row 2, Strand: the priority “Violence” has no strand “Violence against women and girl”. "
        "Did you mean “Violence against women and girls”? Correct the spelling, or import with "
        "“add priorities, strands and themes” to create it."
    ]


def test_one_unknown_name_on_many_rows_is_one_problem_listing_the_rows(plan):
    result = preview(plan, [row(action=f"Action {n}.", priority="Crime") for n in range(3)])

    assert [note.rows for note in result.problems] == [(2, 3, 4)]
    assert problems(result)[0].startswith("Rows 2, 3 and 4, Priority: the plan has no priority")


def test_with_add_structure_missing_priorities_strands_and_themes_are_created(plan):
    result = imported(
        plan,
        [
            row(
                priority="Violence",
                strand="Peer on peer abuse",
                theme="Awareness raising",
                action="One.",
            ),
            row(priority="Hate crime", strand="Online hate", theme="Prevention", action="Two."),
            row(priority="Hate crime", strand="Online hate", action="Three."),
        ],
        add_structure=True,
    )

    assert list(Priority.objects.filter(plan=plan).values_list("title", "order")) == [
        ("Violence", 1),
        ("Hate crime", 2),
    ]
    assert list(Strand.objects.filter(priority__plan=plan).values_list("title", "order")) == [
        ("Violence against women and girls", 1),
        ("Peer on peer abuse", 2),
        ("Online hate", 1),
    ]
    assert list(plan.themes.values_list("name", flat=True)) == ["Prevention", "Awareness raising"]
    assert result.summary == {
        "rows_read": 3,
        "priorities_created": 1,
        "strands_created": 2,
        "themes_created": 1,
        "actions_created": 3,
        "actions_changed": 0,
        "actions_unchanged": 0,
        "actions_left_alone": 0,
        "progress_recorded": 0,
        "progress_unchanged": 0,
    }
    strand = Strand.objects.get(title="Online hate")
    assert strand.history.first().history_change_reason == "Imported from plan.xlsx"


def test_a_missing_row_value_is_a_problem(plan):
    result = preview(plan, [row(action=""), row(strand=None, action="Two.")])

    assert problems(result) == [
        "Row 2, Action: is empty. Every row needs the action's text.",
        "Row 3, Strand: is empty. Every row needs its strand.",
    ]


def test_a_closed_plan_refuses_imports(plan):
    AnnualPlan.objects.filter(pk=plan.pk).update(status="closed")
    plan.refresh_from_db()

    result = preview(plan, [row()])

    assert problems(result) == [
        "“Safer Example Plan 18-19” is closed: nothing can be imported into it. Import into "
        "this year's plan, or reopen this one in admin."
    ]
    assert not result.can_import


@pytest.mark.parametrize("status", ["signed_off", "active"])
def test_a_signed_off_or_active_plan_accepts_imports(plan, status):
    """A partnership may move to the service mid-year with its plan already signed off."""
    AnnualPlan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()

    imported(plan, [row()])

    assert Action.objects.count() == 1


@pytest.mark.parametrize("status", ["draft", "consultation"])
def test_a_draft_or_consultation_plan_accepts_imports(plan, status):
    AnnualPlan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()

    imported(plan, [row()])

    assert Action.objects.count() == 1


def test_a_csv_gives_the_same_preview_as_an_xlsx(plan, agencies):
    rows = [row(reference="1.1", lead_agency="Met Police", completed="Yes")]

    assert preview(plan, rows).counts() == preview(plan, rows, kind="csv").counts()
