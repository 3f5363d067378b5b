"""Issue 5's import in real Chromium: the demo administrator exports the 17-18 plan, imports the
spreadsheet into a new, empty draft plan from the plan's admin page, reads the preview (its
counts and a warning), confirms, and finds the actions created."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from actions.models import Action
from plans.models import AnnualPlan
from reviews.building import review_for
from reviews.outputs.spreadsheets import build_xlsx
from tests.factories import AnnualPlanFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def exported_17_18(tmp_path):
    """The demo 17-18 plan's Q3 spreadsheet, with one lead agency misspelt as people do."""
    workbook = load_workbook(
        io.BytesIO(
            build_xlsx(review_for(AnnualPlan.objects.get(slug="safer-lewisham-plan-17-18"), 3))
        )
    )
    sheet = workbook["Actions"]
    lead_agency = [cell.value for cell in sheet[1]].index("Lead agency") + 1
    sheet.cell(row=2, column=lead_agency).value = "Lewisham Councill"
    path = tmp_path / "safer-lewisham-plan-17-18-Q3-actions.xlsx"
    workbook.save(path)
    return path


def test_an_administrator_imports_an_exported_plan_into_an_empty_plan(
    page, live_server, demo_data, sign_in, tmp_path
):
    spreadsheet = exported_17_18(tmp_path)
    empty = AnnualPlanFactory(
        title="Safer Lewisham Plan 17-18 (imported)",
        slug="imported-17-18",
        financial_year=2017,
        status=AnnualPlan.Status.DRAFT,
    )
    sign_in(page, "admin")

    page.goto(live_server.url + reverse("admin:plans_annualplan_change", args=[empty.pk]))
    page.get_by_role("link", name="Import actions from a spreadsheet").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import actions from a spreadsheet")
    expect(page.get_by_label("Plan")).to_have_value(str(empty.pk))
    # An empty plan takes its priorities, strands and themes from the file.
    expect(page.get_by_label("Add priorities, strands and themes")).to_be_checked()
    page.get_by_label("Spreadsheet").set_input_files(spreadsheet)
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Preview: importing")
    summary = page.locator("#summary")
    expect(summary.get_by_role("row", name="Actions created")).to_contain_text("37")
    expect(summary.get_by_role("row", name="Strands created")).to_contain_text("3")
    expect(summary.get_by_role("row", name="Themes created")).to_contain_text("4")
    expect(page.get_by_role("heading", name="37 new actions")).to_be_visible()
    warnings = page.locator("#warnings tbody tr")
    expect(warnings).to_have_count(2)
    # The export's RAG and latest update columns wait for the plan to be signed off.
    expect(warnings.first).to_contain_text("are not imported. This plan is still a draft")
    expect(warnings.last).to_contain_text("Row 2, Lead agency")
    expect(warnings.last).to_contain_text("matched “Lewisham Councill” to “Lewisham Council”")
    assert Action.objects.filter(strand__priority__plan=empty).count() == 0

    page.get_by_role("button", name="Confirm import").click()

    expect(page.locator(".messagelist .success")).to_contain_text(
        "Imported “safer-lewisham-plan-17-18-Q3-actions.xlsx” into “Safer Lewisham Plan 17-18 "
        "(imported)”: 1 priority created; 3 strands created; 4 themes created; 37 actions created"
    )
    assert Action.objects.filter(strand__priority__plan=empty).count() == 37
    page.goto(live_server.url + reverse("plans:detail", args=["imported-17-18"]))
    expect(page.get_by_text("Conversation with leaders of all faiths").first).to_be_visible()
