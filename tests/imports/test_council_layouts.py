"""Councils' own spreadsheets imported as they are laid out (issue "Bring any real plan in",
point 9): titles above the table, merged rows naming priorities and strands, unheaded columns,
date cells, RAG words with full stops, several sheets; the progress they bring into an active
plan; importing the same file again; and the layout remembered for next time."""

from datetime import date

import pytest
from django.urls import reverse

from actions.models import Action, ProgressUpdate
from imports import organisations
from imports.applying import import_file, preview_file
from imports.models import ImportLayout, PlanImport
from plans.models import AnnualPlan
from priorities.models import Priority, Strand
from tests.factories import ActionFactory, AgencyFactory, AnnualPlanFactory, UserFactory
from tests.imports import councils
from tests.imports.councils import BEXLEY_ACTIONS, BLANK, TITLE, Title
from tests.imports.test_admin import confirm, preview_url, upload


@pytest.fixture
def in_december_2024(monkeypatch):
    """Today is 20 December 2024: the 2024-25 plan reports on quarter 3."""
    from django.utils import timezone

    real_localdate = timezone.localdate

    def localdate(value=None, timezone=None):
        return date(2024, 12, 20) if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)


@pytest.fixture
def bexley(db):
    """The partnership's organisations, as its spreadsheets name them (but for "LBB")."""
    return {
        "council": AgencyFactory(
            name="London Borough of Bexley", short_name="Bexley Council", slug="bexley"
        ),
        "police": AgencyFactory(name="Metropolitan Police Service", short_name="Met", slug="met"),
        "probation": AgencyFactory(name="Probation Service", short_name="Probation"),
    }


@pytest.fixture
def active_plan(db, bexley, in_december_2024):
    """The signed-off 2024-25 plan, reporting on quarter 3, before anything is imported."""
    return AnnualPlanFactory(
        title="Safer Bexley 2024-25", financial_year=2024, status=AnnualPlan.Status.ACTIVE
    )


@pytest.fixture
def draft_plan(db, bexley, in_december_2024):
    return AnnualPlanFactory(
        title="Safer Bexley 2024-25 (draft)", financial_year=2024, status=AnnualPlan.Status.DRAFT
    )


@pytest.fixture
def importer(db):
    return UserFactory(username="importer", first_name="Ade", last_name="Bello")


def preview(plan, content, filename="bexley.xlsx", **reading):
    return preview_file(plan, filename, content, add_structure=True, **reading)


def imported(plan, content, filename="bexley.xlsx", *, user=None, **reading):
    outcome = import_file(plan, filename, content, add_structure=True, user=user, **reading)
    assert outcome.imported, [str(note) for note in outcome.preview.problems]
    return outcome


def problems(result) -> list[str]:
    return [str(note) for note in result.problems]


def warnings(result) -> list[str]:
    return [str(note) for note in result.warnings]


def read_actions(result) -> list[tuple]:
    """The actions a preview reads, as BEXLEY_ACTIONS lists them."""
    return [
        (
            action.priority_title,
            str(action.strand),
            action.reference,
            action.text,
            action.values["lead_agency"].short_name if action.values.get("lead_agency") else "",
            action.values.get("timeframe", ""),
        )
        for action in result.actions
    ]


def columns(result_or_sheet) -> list[tuple]:
    from imports.reading import read_file

    sheet = read_file(**result_or_sheet)
    return [(column.label, column.field, column.how) for column in sheet.columns]


# --- how the file is read -------------------------------------------------------------------------


def test_every_column_is_proposed_a_field_by_its_heading_or_its_content():
    read = columns({"filename": "bexley.xlsx", "content": councils.bexley_workbook()})

    assert read == [
        ("Column A (no heading)", "reference", "content"),
        ("Activity", "action", "heading"),
        ("Lead Partner", "lead_agency", "heading"),
        ("Target Date", "timeframe", "heading"),
        ("RAG", "rag", "heading"),
        ("Status", "completed", "heading"),
        ("Update", "progress", "heading"),
    ]


def test_columns_without_headings_are_proposed_from_what_they_hold():
    rows = [
        Title(TITLE),
        BLANK,
        ["No.", "", "", "", "Lead"],
        [
            "1",
            "Deliver the White Ribbon campaign across the borough, in every ward",
            "Nov-24",
            "Amber.",
            "Met",
        ],
        [
            "2",
            "Commission a perpetrator programme for domestic abuse offenders",
            "Mar-25",
            "Green",
            "Met",
        ],
        [
            "3",
            "Joint patrols of Bexleyheath Broadway on Friday and Saturday nights",
            "TBC",
            "Red.",
            "Met",
        ],
    ]

    read = columns({"filename": "bexley.csv", "content": councils.csv_file(rows)})

    assert read == [
        ("No.", "reference", "heading"),
        ("Column B (no heading)", "action", "content"),
        ("Column C (no heading)", "timeframe", "content"),
        ("Column D (no heading)", "rag", "content"),
        ("Lead", "lead_agency", "heading"),
    ]


@pytest.mark.parametrize(
    "headings",
    [
        ["Ref", "What will be done", "Owner", "End date", "RAG", "Comments"],
        ["No.", "Aims", "Lead Partner", "By when", "RAG status", "Update"],
    ],
)
def test_councils_other_headings_are_read_as_the_same_fields(headings):
    rows = [Title(TITLE), BLANK, headings, ["1", "Open day.", "Met", "Mar-25", "Green", "Done."]]

    read = columns({"filename": "plan.csv", "content": councils.csv_file(rows)})

    assert [field for _, field, _ in read] == [
        "reference",
        "action",
        "lead_agency",
        "timeframe",
        "rag",
        "progress",
    ]


def test_band_rows_name_each_actions_priority_and_strand(draft_plan):
    result = preview(draft_plan, councils.bexley_workbook())

    assert (result.options.priority_from, result.options.strand_from) == ("band1", "band2")
    assert result.sheet_name == "Action Plan 2024-25"
    assert read_actions(result) == BEXLEY_ACTIONS
    assert [p.title for p in result.new_priorities] == [
        "Reducing violence",
        "Anti-social behaviour",
    ]
    assert [(str(s.priority), s.title) for s in result.new_strands] == [
        ("Reducing violence", "Violence against women and girls"),
        ("Reducing violence", "Serious youth violence"),
        ("Anti-social behaviour", "Town centres"),
    ]


def test_band_rows_need_not_be_merged(draft_plan):
    merged = preview(draft_plan, councils.bexley_workbook())
    unmerged = preview(draft_plan, councils.bexley_workbook(merged=False))

    assert read_actions(unmerged) == read_actions(merged) == BEXLEY_ACTIONS


def test_the_csv_of_the_plan_reads_the_same_as_the_workbook(draft_plan):
    from_xlsx = imported(draft_plan, councils.bexley_workbook())
    due = dict(Action.objects.values_list("reference", "timeframe__due_date"))
    Action.objects.all().delete()

    from_csv = imported(draft_plan, councils.csv_file(councils.bexley_rows()), "bexley.csv")

    assert read_actions(from_csv.preview) == read_actions(from_xlsx.preview)
    # "Mar-25" typed in the CSV is due when the date cell shown as "Mar-25" is.
    assert dict(Action.objects.values_list("reference", "timeframe__due_date")) == due
    assert due["1.2"] == date(2025, 3, 31)


def test_the_sheet_most_like_a_plan_is_read_and_another_may_be_chosen(draft_plan):
    last_year = [
        Title("Community Safety Action Plan 2023-24"),
        ["Ref", "Activity", "Lead Partner"],
        ["9.1", "Last year's campaign.", "Met"],
    ]
    content = councils.xlsx(
        ("Cover", [Title(TITLE)]),
        ("Action Plan 2024-25", councils.bexley_rows()),
        ("2023-24", last_year),
    )

    proposed = preview(draft_plan, content)
    chosen = preview(draft_plan, content, sheet_name="2023-24")

    assert proposed.sheet_name == "Action Plan 2024-25"
    assert len(proposed.actions) == 5
    assert chosen.sheet_name == "2023-24"
    assert [(a.reference, a.text) for a in chosen.actions] == [("9.1", "Last year's campaign.")]


def test_without_bands_the_sheets_name_is_the_priority(draft_plan):
    rows = [
        Title(TITLE),
        ["Ref", "What will be done", "Owner", "By when"],
        ["1", "Joint patrols of the Broadway.", "Met", "Mar-25"],
    ]

    result = preview(draft_plan, councils.xlsx(("Anti-social behaviour", rows)))

    assert (result.options.priority_from, result.options.strand_from) == ("sheet", "same")
    assert read_actions(result) == [
        (
            "Anti-social behaviour",
            "Anti-social behaviour",
            "1",
            "Joint patrols of the Broadway.",
            "Met",
            "Mar-25",
        )
    ]


def test_without_bands_or_a_sheet_name_the_plans_one_priority_is_proposed(draft_plan):
    priority = Priority.objects.create(plan=draft_plan, title="Safer streets", slug="streets")
    Strand.objects.create(priority=priority, title="Safer streets", slug="streets")
    rows = [["Ref", "Activity"], ["1", "Joint patrols of the Broadway."]]

    result = preview(draft_plan, councils.xlsx(("Sheet1", rows)))

    assert (result.options.priority_from, result.options.priority_name) == (
        "name",
        "Safer streets",
    )
    assert problems(result) == []
    assert [(a.priority_title, str(a.strand)) for a in result.actions] == [
        ("Safer streets", "Safer streets")
    ]


def test_one_name_may_be_given_for_every_action(draft_plan):
    rows = [["Ref", "Activity"], ["1", "Joint patrols of the Broadway."]]
    options = {
        "priority_from": "name",
        "priority_name": "Safer streets",
        "strand_from": "name",
        "strand_name": "Town centres",
    }

    result = preview(draft_plan, councils.xlsx(("Sheet1", rows)), options=options)

    assert [(a.priority_title, str(a.strand)) for a in result.actions] == [
        ("Safer streets", "Town centres")
    ]


# --- progress -------------------------------------------------------------------------------------


def test_an_active_plans_progress_comes_in_for_the_quarter(active_plan, importer):
    outcome = imported(active_plan, councils.bexley_workbook(), user=importer)

    assert outcome.preview.options.quarter == 3
    assert outcome.summary["progress_recorded"] == 5
    updates = {
        update.action.reference: update
        for update in ProgressUpdate.objects.select_related("action", "completion_status")
    }
    assert {
        reference: (u.quarter, u.rag_rating, u.narrative, u.completion_status.slug)
        for reference, u in updates.items()
    } == {
        "1.1": (3, "green", "Campaign planned with twelve schools.", "in-progress"),
        "1.2": (3, "amber", "Procurement slipped by a month.", "in-progress"),
        "2.1": (3, "blue", "All sixteen schools visited.", "complete"),
        "3.1": (3, "green", "Patrols running since July.", "in-progress"),
        "3.2": (3, "red", "Waiting for legal advice.", "not-started"),
    }
    assert {update.author for update in updates.values()} == {importer}
    assert {u.history.first().history_change_reason for u in updates.values()} == {
        "Imported from bexley.xlsx"
    }
    assert Action.objects.get(reference="2.1").completion_status.slug == "complete"


def test_progress_comes_in_for_the_quarter_chosen(active_plan, importer):
    imported(active_plan, councils.bexley_workbook(), user=importer, options={"quarter": 2})

    assert set(ProgressUpdate.objects.values_list("quarter", flat=True)) == {2}


def test_amber_without_a_narrative_is_imported_without_its_progress(active_plan):
    rows = councils.bexley_rows()
    rows[6] = [*rows[6][:6], ""]  # 1.2, amber, loses its update

    outcome = imported(active_plan, councils.xlsx(("Plan", rows)))

    assert [w for w in warnings(outcome.preview) if w.startswith("Row")] == [
        "Row 7, RAG: is amber with no progress narrative, so its progress is not imported: the "
        "progress form asks why an action is amber. Add the narrative in the file to bring it in."
    ]
    assert Action.objects.filter(reference="1.2").exists()
    assert not ProgressUpdate.objects.filter(action__reference="1.2").exists()
    assert ProgressUpdate.objects.count() == 4


def test_an_unknown_rag_word_is_a_problem(active_plan):
    rows = councils.bexley_rows()
    rows[5] = [*rows[5][:4], "Purple.", *rows[5][5:]]

    result = preview(active_plan, councils.xlsx(("Plan", rows)))

    [problem] = problems(result)
    assert problem.startswith("Row 6, RAG: “Purple.” is not a RAG rating. Write Red, Amber")
    assert not result.can_import


def test_a_draft_plan_takes_the_actions_and_says_the_progress_is_not_imported(draft_plan):
    outcome = imported(draft_plan, councils.bexley_workbook())

    assert Action.objects.count() == 5
    assert ProgressUpdate.objects.count() == 0
    assert warnings(outcome.preview) == [
        "The columns “RAG” and “Update” are not imported. This plan is still a draft: progress "
        "can be recorded once it is signed off. Import the file again then: the actions already "
        "imported are matched, and only their progress comes in."
    ]


# --- importing again ------------------------------------------------------------------------------


def test_importing_the_same_file_again_changes_nothing(active_plan, importer):
    content = councils.bexley_workbook()
    imported(active_plan, content, user=importer)
    history = (Action.history.count(), ProgressUpdate.history.count())

    again = preview(active_plan, content)
    imported(active_plan, content, user=importer)

    assert problems(again) == []
    assert {
        name: again.counts()[name]
        for name in (
            "priorities_created",
            "strands_created",
            "actions_created",
            "actions_changed",
            "actions_unchanged",
            "progress_recorded",
            "progress_unchanged",
        )
    } == {
        "priorities_created": 0,
        "strands_created": 0,
        "actions_created": 0,
        "actions_changed": 0,
        "actions_unchanged": 5,
        "progress_recorded": 0,
        "progress_unchanged": 5,
    }
    assert (Action.history.count(), ProgressUpdate.history.count()) == history


def test_references_added_to_a_file_imported_without_them_are_set(draft_plan):
    imported(draft_plan, councils.bexley_workbook(references=False))
    assert set(Action.objects.values_list("reference", flat=True)) == {""}

    again = imported(draft_plan, councils.bexley_workbook())

    assert again.summary["actions_created"] == 0
    assert again.summary["actions_changed"] == 5
    assert {c.label for a in again.preview.changed for c in a.changes} == {"Reference"}
    assert sorted(Action.objects.values_list("reference", flat=True)) == [
        "1.1",
        "1.2",
        "2.1",
        "3.1",
        "3.2",
    ]


def test_an_action_not_in_the_file_is_listed_and_left_alone(draft_plan):
    imported(draft_plan, councils.bexley_workbook())
    strand = Strand.objects.get(title="Town centres")
    extra = ActionFactory(strand=strand, reference="3.3", text="CCTV upgrade.", order=9)

    again = imported(draft_plan, councils.bexley_workbook())

    assert again.preview.not_in_file == [extra]
    assert again.summary["actions_left_alone"] == 1
    extra.refresh_from_db()
    assert extra.text == "CCTV upgrade."


def test_a_problem_on_several_rows_keeps_those_rows_out_of_the_counts(draft_plan):
    rows = councils.bexley_rows()
    for index in (5, 6, 9):  # 1.1, 1.2 and 2.1
        rows[index] = [rows[index][0], rows[index][1], "Bexley Fire Brigade", *rows[index][3:]]

    result = preview(draft_plan, councils.xlsx(("Plan", rows)))

    assert [note.rows for note in result.problems] == [(6, 7, 10)]
    assert result.rows_with_problems == 3
    assert result.rows_read == 5
    assert [a.reference for a in result.created] == ["3.1", "3.2"]


# --- organisations --------------------------------------------------------------------------------


def test_a_joint_lead_makes_the_first_the_lead_and_the_rest_partners(draft_plan, bexley, importer):
    organisations.remember("LBB", bexley["council"], importer)
    rows = councils.bexley_rows()
    rows[5] = [rows[5][0], rows[5][1], "LBB / Met", *rows[5][3:]]

    outcome = imported(draft_plan, councils.xlsx(("Plan", rows)))

    action = Action.objects.get(reference="1.1")
    assert action.lead_agency == bexley["council"]
    assert list(action.partner_agencies.all()) == [bexley["police"]]
    assert (
        "Row 6, Lead Partner: names more than one organisation: “Bexley Council” is imported as "
        "the lead and “Met” as partners." in warnings(outcome.preview)
    )
    assert not any("initials" in warning for warning in warnings(outcome.preview))


def test_initials_not_yet_remembered_are_matched_with_a_warning(draft_plan, bexley):
    rows = councils.bexley_rows()
    rows[5] = [rows[5][0], rows[5][1], "LBB", *rows[5][3:]]

    result = preview(draft_plan, councils.xlsx(("Plan", rows)))

    assert result.actions[0].values["lead_agency"] == bexley["council"]
    assert list(result.guessed_organisations) == ["LBB"]
    assert any("by its initials" in warning for warning in warnings(result))


# --- timeframes -----------------------------------------------------------------------------------


def test_timeframes_are_kept_as_written_with_warnings_for_no_date_and_another_year(draft_plan):
    rows = councils.bexley_rows()
    wordings = {
        5: "November annually",
        6: "Within six months of commencement of the plan",
        9: "TBC",
        13: date(2026, 6, 30),
    }
    for index, wording in wordings.items():
        rows[index] = [*rows[index][:3], wording, *rows[index][4:]]

    outcome = imported(draft_plan, councils.xlsx(("Plan", rows)))

    by_reference = {a.reference: a.timeframe for a in Action.objects.select_related("timeframe")}
    assert by_reference["1.1"].wording == "November annually"
    assert by_reference["1.1"].due_date == date(2024, 11, 30)
    assert by_reference["1.2"].due_date == date(2024, 9, 30)
    assert by_reference["2.1"].wording == "TBC"
    assert not by_reference["2.1"].understood
    assert by_reference["3.1"].wording == "Jun-26"
    timeframe_warnings = [w for w in warnings(outcome.preview) if "Target Date" in w]
    assert timeframe_warnings[0].startswith("Row 10, Target Date: “TBC” gives no date")
    assert timeframe_warnings[1].startswith(
        "Row 14, Target Date: “Jun-26” is due on 30 June 2026, outside the plan's year"
    )
    assert len(timeframe_warnings) == 2


# --- the layout remembered ------------------------------------------------------------------------


@pytest.fixture
def admin(client, administrator):
    client.force_login(administrator)
    return client


def test_a_layout_confirmed_once_is_read_the_same_way_next_time(admin, draft_plan):
    content = councils.bexley_workbook()
    first = admin.get(upload(admin, draft_plan, content, "bexley.xlsx", True)["Location"])
    record = PlanImport.objects.get()
    # The administrator reads the unheaded column as not imported, and the update as the
    # completion note, and confirms.
    chosen = {
        "sheet": "Action Plan 2024-25",
        **{f"column_{c.index}": c.field for c in first.context["sheet"].columns},
        "column_0": "",
        "column_6": "completion_note",
        "priority_from": "band1",
        "strand_from": "band2",
    }
    read_again = admin.post(preview_url(record), {"step": "read-again", **chosen})
    assert read_again.status_code == 302, read_again.context["reading_form"].errors
    confirmed = confirm(admin, record, admin.get(preview_url(record)))
    assert confirmed.status_code == 302
    layout = ImportLayout.objects.get()

    upload(admin, draft_plan, content, "bexley-q4.xlsx", True)

    later = PlanImport.objects.get(filename="bexley-q4.xlsx")
    assert later.mapping_source == "remembered"
    assert later.mapping == layout.mapping
    assert later.mapping["0"] == "" and later.mapping["6"] == "completion_note"
    page = admin.get(preview_url(later))
    assert "read as this partnership's earlier import of the same layout" in page.content.decode()
    assert [c.field for c in page.context["sheet"].columns][0] == ""
    assert reverse("admin:imports_planimport_upload") in page.content.decode()


def _many_rows(count: int) -> bytes:
    rows = [
        Title("Safer Bexley – action plan 2024-25"),
        BLANK,
        ["", "Activity", "Lead Partner", "Target Date", "RAG", "Update"],
        councils.Band("Reducing violence"),
    ]
    for number in range(1, count + 1):
        rows.append(
            [str(number), f"Action number {number}", "Met / Probation", "Mar-25", "Amber.", "Slow."]
        )
    return councils.xlsx(("Plan", rows))


def test_the_previews_queries_do_not_grow_with_the_rows(active_plan, django_assert_max_num_queries):
    """A preview reads the plan, its organisations, people and statuses once, whatever the
    file's length: ten times the rows is not one more query."""
    import django.db
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(django.db.connection) as few:
        small = preview(active_plan, _many_rows(10))
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = preview(active_plan, _many_rows(100))

    assert len(small.created) == 10 and len(large.created) == 100
    assert len(large.progress) == 100


def test_three_levels_of_rows_heading_the_actions_are_priority_strand_and_theme(draft_plan):
    content = councils.xlsx(
        (
            "Plan",
            [
                Title("Safer Bexley – action plan 2024-25"),
                ["No.", "Activity", "Lead Partner"],
                councils.Band("Reducing violence"),
                councils.Band("Violence against women and girls"),
                councils.Band("Prevention"),
                ["1", "Healthy relationships lessons in schools", "Bexley Council"],
                # One row alone names the next group's theme, under the same strand.
                councils.Band("Support"),
                ["2", "An advocate in every hospital", "Met"],
            ],
        )
    )

    result = preview(draft_plan, content)

    assert problems(result) == []
    assert result.options.priority_from == "band1"
    assert result.options.strand_from == "band2"
    assert result.options.theme_from == "band3"
    assert [
        (str(a.strand.priority), str(a.strand), str(a.values["theme"])) for a in result.created
    ] == [
        ("Reducing violence", "Violence against women and girls", "Prevention"),
        ("Reducing violence", "Violence against women and girls", "Support"),
    ]
