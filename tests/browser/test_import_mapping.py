"""A council's own spreadsheet, imported in real Chromium: the demo administrator uploads a
workbook laid out as the council keeps it (a title, an unheaded reference column, a row naming
the strand above its actions, headings the service does not know), reads the proposed mapping,
chooses a field for the column it left out, reads the file again, confirms, and finds the
actions; uploading the same file again changes nothing and is read as before."""

from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook
from playwright.sync_api import expect

from actions.models import Action
from plans.models import AnnualPlan
from tests.factories import AnnualPlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILENAME = "lewisham-vawg-action-plan.xlsx"


def council_workbook(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "VAWG action plan"
    sheet.append(["Safer Lewisham: VAWG action plan 2018-19"])
    sheet.append([])
    sheet.append([None, "Activity", "Lead", "How we'll know", "Target Date", "RAG", "Update"])
    sheet.append(["Violence against women and girls"])
    rows = [
        ["1.1", "Open day with the community.", "Lewisham Council / Met Police", "500 people"],
        ["1.2", "Drama in schools about relationships.", "Athena", "Ten schools"],
    ]
    for (reference, text, lead, measure), due in zip(
        rows, [date(2018, 9, 1), date(2019, 3, 1)], strict=True
    ):
        sheet.append([reference, text, lead, measure, due, "Green", "Going to plan."])
        sheet.cell(row=sheet.max_row, column=5).number_format = "mmm-yy"
    path = tmp_path / FILENAME
    workbook.save(path)
    return path


def upload(page, live_server, plan, spreadsheet):
    page.goto(live_server.url + reverse("admin:plans_annualplan_change", args=[plan.pk]))
    page.get_by_role("link", name="Import actions from a spreadsheet").click()
    expect(page.get_by_label("Plan")).to_have_value(str(plan.pk))
    page.get_by_label("Spreadsheet").set_input_files(spreadsheet)
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Preview: importing")


def test_an_administrator_maps_a_councils_spreadsheet_and_imports_it(
    page, live_server, demo_data, sign_in, tmp_path
):
    spreadsheet = council_workbook(tmp_path)
    plan = AnnualPlanFactory(
        title="Safer Lewisham VAWG Plan 18-19",
        slug="vawg-18-19",
        financial_year=2018,
        status=AnnualPlan.Status.DRAFT,
    )
    sign_in(page, "admin")

    upload(page, live_server, plan, spreadsheet)

    # The proposal: column A read as the reference from what it holds, the known headings by
    # their names, and the column it cannot place left out.
    expect(page.get_by_label("A: Column A (no heading)")).to_have_value("reference")
    expect(page.get_by_label("B: Activity")).to_have_value("action")
    expect(page.get_by_label("C: Lead")).to_have_value("lead_agency")
    measure = page.get_by_label("D: How we'll know")
    expect(measure).to_have_value("")
    expect(page.get_by_label("E: Target Date")).to_have_value("timeframe")
    summary = page.locator("#summary")
    expect(summary).to_contain_text("Columns not imported: How we'll know.")
    expect(summary.get_by_role("row", name="Actions created")).to_contain_text("2")

    measure.select_option(label="Outcome or measure")
    page.get_by_role("button", name="Read the file again").click()

    expect(page.locator(".messagelist")).to_contain_text(
        "The file has been read again as you chose."
    )
    expect(page.get_by_label("D: How we'll know")).to_have_value("outcome")
    expect(page.locator("#reading")).to_contain_text("The columns are read as you chose.")
    expect(summary).not_to_contain_text("Columns not imported")
    assert Action.objects.filter(strand__priority__plan=plan).count() == 0

    page.get_by_role("button", name="Confirm import").click()

    expect(page.locator(".messagelist .success")).to_contain_text(
        f"Imported “{FILENAME}” into “Safer Lewisham VAWG Plan 18-19”"
    )
    actions = Action.objects.filter(strand__priority__plan=plan).order_by("order")
    assert [(a.reference, a.outcome, a.lead_agency.short_name) for a in actions] == [
        ("1.1", "500 people", "Lewisham Council"),
        ("1.2", "Ten schools", "Athena"),
    ]
    page.goto(live_server.url + reverse("plans:detail", args=["vawg-18-19"]))
    expect(page.get_by_text("Drama in schools about relationships.").first).to_be_visible()

    # Next time the same layout is read as it was chosen, and the plan already matches it.
    upload(page, live_server, plan, spreadsheet)

    expect(page.locator("#reading")).to_contain_text(
        "The columns are read as this partnership's earlier import of the same layout read them."
    )
    expect(page.get_by_label("D: How we'll know")).to_have_value("outcome")
    summary = page.locator("#summary")
    expect(summary.get_by_role("row", name="Actions created")).to_contain_text("0")
    expect(summary.get_by_role("row", name="Actions changed")).to_contain_text("0")
    expect(summary.get_by_role("row", name="Actions unchanged")).to_contain_text("2")
