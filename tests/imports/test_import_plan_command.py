"""`manage.py import_plan FILE --plan SLUG [--add-structure] [--dry-run]`."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from actions.models import Action
from imports.models import PlanImport
from priorities.models import Priority, Strand
from tests.factories import AnnualPlanFactory
from tests.imports.files import csv_file, row, xlsx


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_plan", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def spreadsheet(tmp_path):
    def write(content, name="plan.xlsx"):
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write


def test_it_imports_and_prints_what_it_did(plan, spreadsheet):
    path = spreadsheet(xlsx([row(reference="1.1"), row(reference="1.2", action="Drama.")]))

    out, err = run(path, "--plan", plan.slug)

    assert "actions created: 2" in out
    assert "Imported plan.xlsx into “Safer Example Plan 18-19”." in out
    assert err == ""
    assert Action.objects.count() == 2
    record = PlanImport.objects.get()
    assert record.status == PlanImport.Status.IMPORTED
    assert record.uploaded_by is None
    history = Action.objects.get(reference="1.1").history.first()
    assert history.history_user is None  # shown as "System"
    assert history.history_change_reason == "Imported from plan.xlsx"


def test_a_dry_run_prints_the_preview_and_writes_nothing(plan, spreadsheet):
    path = spreadsheet(csv_file([row(reference="1.1", lead_officer="Nobody")]), "plan.csv")

    out, _ = run(path, "--plan", plan.slug, "--dry-run")

    assert "actions created: 1" in out
    assert "Warning: Row 2, Lead officer: nobody called “Nobody”" in out
    assert "Dry run: nothing was written." in out
    assert Action.objects.count() == 0
    assert PlanImport.objects.count() == 0


def test_problems_are_printed_with_their_rows_and_nothing_is_written(plan, spreadsheet):
    path = spreadsheet(xlsx([row(reference="1.1"), row(reference="1.2", strand="Modern slavery")]))

    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        run(path, "--plan", plan.slug)

    assert Action.objects.count() == 0
    assert PlanImport.objects.count() == 0


def test_problems_go_to_stderr(plan, spreadsheet):
    path = spreadsheet(xlsx([row(strand="Modern slavery")]))
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_plan", path, "--plan", plan.slug, stdout=StringIO(), stderr=err)

    assert "Problem: Row 2, Strand: the priority “Violence” has no strand" in err.getvalue()


def test_add_structure_creates_missing_strands(plan, spreadsheet):
    path = spreadsheet(xlsx([row(strand="Modern slavery")]))

    run(path, "--plan", plan.slug, "--add-structure")

    assert Strand.objects.filter(title="Modern slavery").exists()


def test_a_plan_with_no_priorities_gets_its_structure_from_the_file(db, spreadsheet):
    empty = AnnualPlanFactory(slug="empty", status="draft")

    run(spreadsheet(xlsx([row()])), "--plan", "empty")

    assert list(Priority.objects.filter(plan=empty).values_list("title", flat=True)) == ["Violence"]


def test_an_unreadable_file_is_an_error(plan, spreadsheet):
    with pytest.raises(CommandError, match="plan.xlsx: This file is not an Excel workbook"):
        run(spreadsheet(b"not a workbook"), "--plan", plan.slug)


def test_an_unknown_plan_or_missing_file_is_an_error(plan, tmp_path):
    with pytest.raises(CommandError, match="There is no plan with the slug “nope”"):
        run(str(tmp_path / "x.xlsx"), "--plan", "nope")
    with pytest.raises(CommandError, match="cannot be read"):
        run(str(tmp_path / "missing.xlsx"), "--plan", plan.slug)


def test_a_closed_plan_refuses_the_import(plan, spreadsheet):
    type(plan).objects.filter(pk=plan.pk).update(status="closed")

    err = StringIO()

    with pytest.raises(CommandError, match="Nothing was imported: 1 problem"):
        call_command(
            "import_plan",
            spreadsheet(xlsx([row()])),
            "--plan",
            plan.slug,
            stdout=StringIO(),
            stderr=err,
        )

    assert "is closed: nothing can be imported into it" in err.getvalue()
    assert Action.objects.count() == 0


def test_an_active_plan_accepts_the_import(plan, spreadsheet):
    type(plan).objects.filter(pk=plan.pk).update(status="active")

    run(spreadsheet(xlsx([row()])), "--plan", plan.slug)

    assert Action.objects.count() == 1
