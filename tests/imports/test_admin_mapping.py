"""A council's own spreadsheet in the admin import: the preview proposes how each column is read,
the administrator changes it ("Read the file again"), says what the organisations it names are,
and confirms; the layout is remembered for the next file, and the RAG and progress columns
become the quarter's progress updates."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook

from actions.models import Action, ProgressUpdate
from actions.progress import ProgressConflict
from agencies import roles
from agencies.models import Agency, AgencyAlias
from imports.models import ImportLayout, PlanImport
from plans.models import AnnualPlan
from tests.conftest import PREFIX, TEST_PARTNERSHIP_ID, in_role
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AnnualPlanFactory,
    PartnershipFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    StrandFactory,
    UserFactory,
)
from tests.imports.test_admin import preview_url, upload
from tests.pages import text_of

HEADINGS = [None, "Activity", "Lead", "Target Date", "RAG", "Update"]
# The field the preview proposes for each column, from its heading or (column A) what it holds.
PROPOSED = ["reference", "action", "lead_agency", "timeframe", "rag", "progress"]
FIRST_ROWS = [
    ["1.1", "Open day with the community.", "Lewisham Council / Met Police", date(2018, 9, 1)],
    ["1.2", "Drama in schools about healthy relationships.", "LBB", date(2019, 3, 1)],
]
PROGRESS = [("Green", "Held in September."), ("Amber", "Two schools so far.")]


def council_workbook(
    rows=FIRST_ROWS,
    progress=PROGRESS,
    *,
    band="Violence against women and girls",
    sheets=("Action plan",),
) -> bytes:
    """The workbook as a council keeps it: a title, a blank row, the headings (column A has
    none), a row naming the strand above its actions, and dates shown as "Sep-18". Every sheet
    of ``sheets`` has the same table; the second's actions say so."""
    workbook = Workbook()
    for number, name in enumerate(sheets):
        worksheet = workbook.active if number == 0 else workbook.create_sheet()
        worksheet.title = name
        worksheet.append(["Safer Example Partnership: action plan 2018-19"])
        worksheet.append([])
        worksheet.append(HEADINGS)
        worksheet.append([band])
        for values, (rag, update) in zip(rows, progress, strict=True):
            reference, text, lead, due = values
            if number:
                text = f"{text} ({name})"
            worksheet.append([reference, text, lead, due, rag, update])
            worksheet.cell(row=worksheet.max_row, column=4).number_format = "mmm-yy"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def admin(client, administrator):
    client.force_login(administrator)
    return client


def selected(response, name) -> str | None:
    """The value of the option selected in the select called ``name``, as the page has it."""
    html = response.content.decode()
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"No select called {name}"
    option = re.search(r'<option value="([^"]*)"[^>]*\bselected\b', select.group(1))
    return option.group(1) if option else None


def form_data(form) -> dict:
    """What posting the reading form as the page shows it sends."""
    data = {"step": "read-again"}
    for bound in form:
        value = bound.value()
        data[bound.name] = "" if value is None else value
    return data


def read_again(client, record, response, **changes):
    """Post the reading form as ``response`` shows it, with ``changes``."""
    return client.post(preview_url(record), form_data(response.context["reading_form"]) | changes)


def uploaded(client, plan, content, filename="council-plan.xlsx"):
    """Upload the file; the record and its preview page."""
    response = upload(client, plan, content, filename)
    assert response.status_code == 302, text_of(response)
    record = PlanImport.objects.get(pk=response["Location"].rstrip("/").split("/")[-2])
    return record, client.get(response["Location"])


# The priority the plan has and the strand the band row names: chosen once for the file.
STRUCTURE = {
    "priority_from": "name",
    "priority_name": "Violence",
    "strand_from": "band1",
    "strand_name": "",
}


def ready(client, plan, content, filename="council-plan.xlsx", **changes):
    """Upload the file and read it with the plan's priority and the band row's strand."""
    record, preview = uploaded(client, plan, content, filename)
    response = read_again(client, record, preview, **STRUCTURE, **changes)
    assert response.status_code == 302, text_of(response)
    return record, client.get(preview_url(record))


def columns_not_imported(response) -> str:
    found = re.search(r"Columns not imported: (.*?)\. Choose", text_of(response))
    return found.group(1) if found else ""


# The proposal -----------------------------------------------------------------------------------


def test_the_preview_proposes_a_field_for_each_column(admin, plan, agencies):
    record, preview = uploaded(admin, plan, council_workbook())

    assert preview.status_code == 200
    assert [selected(preview, f"column_{i}") for i in range(6)] == PROPOSED
    page = text_of(preview)
    assert "A: Column A (no heading)" in page
    assert "with the headings on row 3" in page
    assert "Each column's field is proposed from its heading or from what it holds." in page
    assert "Columns not imported" not in page
    assert record.mapping == {} and record.mapping_source == ""


def test_with_its_priority_and_strand_chosen_the_rows_read_as_actions(admin, plan, agencies):
    AgencyAlias.objects.create(alias="LBB", agency=agencies["council"])

    record, preview = ready(admin, plan, council_workbook())

    planned = preview.context["preview"]
    assert planned.problems == []
    assert [(a.reference, a.text, str(a.strand)) for a in planned.created] == [
        ("1.1", "Open day with the community.", "Violence against women and girls"),
        (
            "1.2",
            "Drama in schools about healthy relationships.",
            "Violence against women and girls",
        ),
    ]
    assert [a.values["timeframe"] for a in planned.created] == ["Sep-18", "Mar-19"]
    page = text_of(preview)
    assert "names more than one organisation: “Lewisham Council” is imported as the lead" in page
    assert "Confirm import" in page


# Reading the file again -------------------------------------------------------------------------


def test_a_column_chosen_not_imported_is_left_out_and_stays_so(admin, plan, agencies):
    record, preview = uploaded(admin, plan, council_workbook())

    response = read_again(admin, record, preview, column_5="")

    assert response.status_code == 302
    assert response["Location"] == preview_url(record)
    record.refresh_from_db()
    assert record.mapping == {str(i): field for i, field in enumerate(PROPOSED[:5] + [""])}
    assert record.mapping_source == "chosen"
    again = admin.get(preview_url(record))
    assert columns_not_imported(again) == "Update"
    assert selected(again, "column_5") == ""
    assert selected(again, "column_1") == "action"
    page = text_of(again)
    assert "The file has been read again as you chose." in page
    assert "The columns are read as you chose." in page


def test_the_options_chosen_are_kept(admin, plan, agencies):
    record, preview = ready(admin, plan, council_workbook())

    assert selected(preview, "priority_from") == "name"
    assert 'value="Violence"' in preview.content.decode()
    assert selected(preview, "strand_from") == "band1"
    record.refresh_from_db()
    assert record.options["priority_name"] == "Violence"


def test_a_choice_that_is_not_offered_is_refused_with_a_message(admin, plan, agencies):
    record, preview = uploaded(admin, plan, council_workbook())

    response = read_again(admin, record, preview, column_1="cheese")

    assert response.status_code == 400
    assert "Choose one of the fields listed for column B" in text_of(response)
    record.refresh_from_db()
    assert record.mapping == {} and record.mapping_source == ""


def test_one_name_for_every_priority_needs_the_name(admin, plan, agencies):
    record, preview = uploaded(admin, plan, council_workbook())

    response = read_again(admin, record, preview, priority_from="name", priority_name=" ")

    assert response.status_code == 400
    assert response.context["reading_form"].errors["priority_name"] == ["Enter the priority's name"]
    assert "Enter the priority's name" in text_of(response)
    record.refresh_from_db()
    assert record.options == {}


def test_choosing_another_sheet_reads_that_sheet(admin, plan, agencies):
    record, preview = uploaded(admin, plan, council_workbook(sheets=("Q1", "Q2")))
    assert selected(preview, "sheet") == "Q1"  # of two alike, the first

    response = read_again(admin, record, preview, sheet="Q2")

    assert response.status_code == 302
    record.refresh_from_db()
    assert record.sheet_name == "Q2"
    page = admin.get(preview_url(record))
    assert selected(page, "sheet") == "Q2"
    assert "Read from the sheet “Q2”" in text_of(page)
    assert "For example: Open day with the community. (Q2)" in text_of(page)


# The organisations ------------------------------------------------------------------------------


def test_an_unknown_organisation_chosen_is_remembered_and_its_problem_goes(
    admin, plan, agencies, administrator
):
    record, preview = ready(admin, plan, council_workbook())
    assert "“LBB”" in text_of(preview)
    assert not preview.context["preview"].can_import

    response = admin.post(
        preview_url(record), {"step": "organisations", "unknown_0": agencies["council"].pk}
    )

    assert response.status_code == 302
    alias = AgencyAlias.objects.get()
    assert (alias.alias, alias.agency, alias.confirmed_by) == (
        "LBB",
        agencies["council"],
        administrator,
    )
    again = admin.get(preview_url(record))
    assert "Remembered for this partnership: “LBB” is Lewisham Council." in text_of(again)
    assert again.context["preview"].problems == []
    assert "Confirm import" in text_of(again)


def test_an_unknown_organisation_can_be_added_as_a_new_one(admin, plan, agencies):
    record, preview = ready(admin, plan, council_workbook())

    response = admin.post(preview_url(record), {"step": "organisations", "unknown_0": "new"})

    assert response.status_code == 302
    added = Agency.objects.get(name="LBB")
    assert list(added.partnerships.values_list("pk", flat=True)) == [TEST_PARTNERSHIP_ID]
    again = admin.get(preview_url(record))
    assert "Remembered for this partnership: added “LBB”." in text_of(again)
    assert again.context["preview"].can_import


def test_a_guess_by_initials_confirmed_is_remembered(admin, plan, agencies):
    bexley = AgencyFactory(name="London Borough of Bexley", slug="bexley")
    record, preview = ready(admin, plan, council_workbook())
    assert "“LBB” is London Borough of Bexley: remember this" in text_of(preview)

    admin.post(preview_url(record), {"step": "organisations", "guessed_0": "on"})

    assert AgencyAlias.objects.get().agency == bexley
    again = admin.get(preview_url(record))
    assert again.context["preview"].guessed_organisations == {}
    assert "remember this" not in text_of(again)


# Confirming, and the layout remembered ----------------------------------------------------------


def test_the_layout_confirmed_is_remembered_for_the_next_file(admin, plan, agencies):
    AgencyAlias.objects.create(alias="LBB", agency=agencies["council"])
    record, preview = ready(admin, plan, council_workbook(), column_5="")

    confirmed = admin.post(
        preview_url(record), {"step": "confirm", "digest": preview.context["preview"].digest}
    )

    assert confirmed.status_code == 302, text_of(confirmed)
    assert Action.objects.filter(strand__priority__plan=plan).count() == 2
    layout = ImportLayout.objects.get()
    assert layout.mapping["5"] == ""
    assert layout.options["strand_from"] == "band1"

    second, again = uploaded(admin, plan, council_workbook(), "council-plan-q2.xlsx")

    assert second.mapping_source == "remembered"
    assert selected(again, "column_5") == ""
    assert selected(again, "strand_from") == "band1"
    page = text_of(again)
    assert "The columns are read as this partnership's earlier import of the same layout" in page
    assert again.context["preview"].counts()["actions_created"] == 0
    assert again.context["preview"].counts()["actions_changed"] == 0

    done = admin.post(
        preview_url(second), {"step": "confirm", "digest": again.context["preview"].digest}
    )

    assert done.status_code == 302
    assert "into “Safer Example Plan 18-19”: 2 actions unchanged." in text_of(
        admin.get(done["Location"])
    )
    second.refresh_from_db()
    assert second.status == PlanImport.Status.IMPORTED
    assert second.summary["actions_created"] == 0
    assert second.summary["actions_changed"] == 0
    assert Action.objects.filter(strand__priority__plan=plan).count() == 2


# Progress ---------------------------------------------------------------------------------------


@pytest.fixture
def active_plan(db):
    """An active 2017-18 plan: its year is over, so its reporting quarter is the fourth and
    every quarter is open for progress (no clock needs stopping)."""
    plan = AnnualPlanFactory(
        title="Safer Example Plan 17-18",
        slug="example-17-18",
        financial_year=2017,
        status=AnnualPlan.Status.ACTIVE,
    )
    priority = PriorityFactory(plan=plan, title="Violence", slug="violence", order=1)
    StrandFactory(priority=priority, title="Violence against women and girls", slug="vawg", order=1)
    return plan


def test_the_rag_and_update_columns_become_the_quarters_progress(
    admin, active_plan, agencies, administrator
):
    AgencyAlias.objects.create(alias="LBB", agency=agencies["council"])
    record, preview = ready(admin, active_plan, council_workbook(), quarter="3")
    assert selected(preview, "quarter") == "3"
    assert "2 progress updates for quarter 3" in text_of(preview)

    confirmed = admin.post(
        preview_url(record), {"step": "confirm", "digest": preview.context["preview"].digest}
    )

    assert confirmed.status_code == 302, text_of(confirmed)
    updates = ProgressUpdate.objects.filter(action__strand__priority__plan=active_plan)
    assert sorted(
        updates.values_list("action__reference", "quarter", "rag_rating", "narrative")
    ) == [
        ("1.1", 3, "green", "Held in September."),
        ("1.2", 3, "amber", "Two schools so far."),
    ]
    history = updates.get(action__reference="1.1").history.first()
    assert history.history_change_reason == "Imported from council-plan.xlsx"
    assert history.history_user == administrator
    assert updates.get(action__reference="1.1").author == administrator


def existing_actions(plan):
    strand = plan.priorities.get().strands.get()
    return [
        ActionFactory(strand=strand, reference=reference, text=text, order=order)
        for order, (reference, text, _, _) in enumerate(FIRST_ROWS, start=1)
    ]


def test_progress_recorded_after_the_preview_stops_the_import(admin, active_plan, agencies):
    AgencyAlias.objects.create(alias="LBB", agency=agencies["council"])
    first, _ = existing_actions(active_plan)
    record, preview = ready(admin, active_plan, council_workbook(), quarter="3")
    # Meanwhile an officer records the quarter's progress on 1.1 with the progress form.
    ProgressUpdateFactory(action=first, quarter=3, rag_rating="red", narrative="Cancelled.")

    response = admin.post(
        preview_url(record), {"step": "confirm", "digest": preview.context["preview"].digest}
    )

    assert response.status_code == 200
    assert "Nothing was imported" in text_of(response)
    updates = ProgressUpdate.objects.filter(action__strand__priority__plan=active_plan)
    assert list(updates.values_list("action__reference", "narrative")) == [("1.1", "Cancelled.")]
    record.refresh_from_db()
    assert record.status == PlanImport.Status.PREVIEWED


def test_a_progress_conflict_while_writing_rolls_the_import_back(
    admin, active_plan, agencies, monkeypatch
):
    """Progress recorded between planning the import and writing it: the progress form's own
    version check refuses it, and the whole import is undone."""
    AgencyAlias.objects.create(alias="LBB", agency=agencies["council"])
    record, preview = ready(admin, active_plan, council_workbook(), quarter="3")

    def conflict(action, *args, **kwargs):
        raise ProgressConflict(action, None)

    monkeypatch.setattr("imports.applying.record_progress", conflict)
    response = admin.post(
        preview_url(record), {"step": "confirm", "digest": preview.context["preview"].digest}
    )

    assert response.status_code == 200
    assert "Nothing was imported: progress was recorded on one of the file's actions" in text_of(
        response
    )
    assert Action.objects.filter(strand__priority__plan=active_plan).count() == 0
    record.refresh_from_db()
    assert record.status == PlanImport.Status.PREVIEWED


# Who may ---------------------------------------------------------------------------------------


def test_another_partnerships_administrator_does_not_find_the_import(admin, client, plan, agencies):
    record, _ = uploaded(admin, plan, council_workbook())
    theirs = PartnershipFactory()
    someone = in_role(UserFactory(is_staff=True), roles.ADMINISTRATORS, partnership=theirs)
    client.force_login(someone)
    in_theirs = preview_url(record).replace(PREFIX, f"/p/{theirs.slug}", 1)

    assert client.get(in_theirs).status_code == 404
    assert client.post(in_theirs, {"step": "read-again", "column_5": ""}).status_code == 404
    assert client.get(preview_url(record)).status_code == 404  # not theirs to open
    record.refresh_from_db()
    assert record.mapping == {}


def test_an_officer_is_refused(admin, client, plan, agencies):
    record, _ = uploaded(admin, plan, council_workbook())
    client.force_login(in_role(UserFactory(), roles.OFFICERS))

    for response in (
        client.get(preview_url(record)),
        client.post(preview_url(record), {"step": "read-again", "column_5": ""}),
        client.post(preview_url(record), {"step": "organisations", "unknown_0": "new"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    record.refresh_from_db()
    assert record.mapping == {}
    assert not Agency.objects.filter(name="LBB").exists()
