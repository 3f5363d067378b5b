"""Bad input: a file that is not a spreadsheet, too large, a zip bomb, a formula, a missing
required column, an unknown strand. Each gets a clear message and writes nothing."""

import io
import zipfile

import pytest

from actions.models import Action, ActionSubItem, Timeframe
from imports.applying import import_file
from imports.reading import UnreadableFile
from plans.models import Theme
from priorities.models import Priority, Strand
from tests.imports.files import csv_file, row, xlsx

HYPERLINK = '=HYPERLINK("http://evil.example/x","Click me")'


def counts():
    return [
        model.objects.count()
        for model in (Priority, Strand, Theme, Action, ActionSubItem, Timeframe)
    ]


def attempt(plan, filename, content, *, add_structure=True):
    """Import the file; returns the refusal's message (UnreadableFile or the problems)."""
    before = counts()
    try:
        outcome = import_file(plan, filename, content, add_structure=add_structure)
    except UnreadableFile as error:
        message = str(error)
    else:
        assert not outcome.imported
        message = " | ".join(str(problem) for problem in outcome.preview.problems)
    assert counts() == before, "a refused import wrote something"
    return message


def good_rows():
    return [row(action="Good action.", reference="1.1"), row(action="Another.", reference="1.2")]


@pytest.mark.parametrize(
    "filename, content, expected",
    [
        ("plan.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "it looks like a PDF"),
        ("plan.xlsx", bytes(range(256)) * 10, "This file is not an Excel workbook"),
        ("plan.csv", b"\x00\x01\x02PK" + bytes(range(256)), "This file is not a CSV file"),
        ("plan.csv", xlsx([row()]), "it looks like an Excel workbook or another zip file"),
        ("plan.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "This is an older Excel file (.xls)"),
        ("plan.pdf", b"%PDF-1.7", "is not a spreadsheet this service reads"),
        ("plan.docx", b"PK\x03\x04", "is not a spreadsheet this service reads"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(plan, filename, content, expected):
    message = attempt(plan, filename, content)

    assert expected in message
    assert "Upload an Excel workbook (.xlsx) or a CSV file (.csv)" in message or ".xlsx" in message


def test_a_zip_that_is_not_a_workbook_is_refused(plan):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")

    message = attempt(plan, "plan.xlsx", out.getvalue())

    assert "a zip archive but not an Excel workbook" in message


def test_a_zip_bomb_is_refused_before_it_is_unpacked(plan):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    assert len(out.getvalue()) < 200_000  # small to upload, huge to unpack

    message = attempt(plan, "plan.xlsx", out.getvalue())

    assert "This workbook unpacks to 60 MB, more than the 50 MB an import may hold" in message


def test_a_file_too_large_is_refused(plan, settings):
    settings.IMPORT_MAX_BYTES = 10_000
    content = csv_file([row(action="x" * 200, reference=str(n)) for n in range(100)])

    message = attempt(plan, "plan.csv", content)

    assert message.startswith("The file is 2")
    assert "the largest file that can be imported is 10 KB" in message


def test_too_many_rows_are_refused(plan, monkeypatch):
    monkeypatch.setattr("imports.reading.MAX_DATA_ROWS", 3)

    message = attempt(plan, "plan.csv", csv_file([row(reference=str(n)) for n in range(4)]))

    assert (
        message
        == "The file has 4 actions: at most 3 can be imported at once. Split it into smaller files."
    )


def test_a_hyperlink_formula_in_an_xlsx_is_refused_with_its_row_and_column(plan):
    content = xlsx(
        good_rows() + [row(action="placeholder", reference="1.3")],
        formulas=[(2, "Action", HYPERLINK)],
    )

    message = attempt(plan, "plan.xlsx", content)

    assert message == (
        'Row 4, Action: holds a formula, “=HYPERLINK("http://evil.example/x","Cli…”, which a '
        "spreadsheet would run. Remove the formula, or type the text without it."
    )


def test_a_hyperlink_typed_as_text_in_a_csv_is_refused_with_its_row_and_column(plan):
    content = csv_file(good_rows() + [row(reference="1.3", action="Fine.", lead_agency=HYPERLINK)])

    message = attempt(plan, "plan.csv", content)

    assert message == (
        "Row 4, Lead agency: starts with “=”, which a spreadsheet would run as a formula. Remove "
        "the formula, or type the text without it."
    )


def test_a_formula_in_a_column_not_imported_does_no_harm(plan):
    headings = ["Priority", "Strand", "Action", "Notes"]
    content = xlsx(
        [["Violence", "Violence against women and girls", "Fine.", "x"]],
        headings,
        formulas=[(0, "Notes", HYPERLINK)],
    )

    outcome = import_file(plan, "plan.xlsx", content, add_structure=False)

    assert outcome.imported


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_missing_required_column_is_refused(plan, kind):
    headings = ["Priority", "Action", "Lead agency"]
    rows = [["Violence", "Open day.", "Lewisham Council"]]
    content = xlsx(rows, headings) if kind == "xlsx" else csv_file(rows, headings)

    message = attempt(plan, f"plan.{kind}", content)

    where = "the sheet “Actions”" if kind == "xlsx" else "the file"
    assert message == (
        f"The heading row of {where} (row 1) has no column “Strand”: every import needs "
        "“Priority”, “Strand” and “Action”. Add the missing column and upload it again."
    )


def test_a_file_without_any_heading_row_is_refused(plan):
    message = attempt(plan, "plan.csv", b"just,some,text\r\nand,more,text\r\n")

    assert message.startswith("No row at the top of the file has the headings “Priority”, ")


def test_an_empty_file_is_refused(plan):
    assert (
        attempt(plan, "plan.csv", b"") == "There is nothing in the file: it has no rows to import."
    )


def test_an_unknown_strand_is_refused_and_nothing_of_the_file_is_written(plan):
    content = xlsx(good_rows() + [row(reference="1.3", strand="Modern slavery")])

    message = attempt(plan, "plan.xlsx", content, add_structure=False)

    assert message.startswith(
        "Row 4, Strand: the priority “Violence” has no strand “Modern slavery”."
    )


def test_a_failure_while_writing_writes_nothing(plan, monkeypatch):
    """One transaction: an error half-way through leaves the plan as it was."""
    from imports import applying

    original = applying._Writer.create
    calls = []

    def create_then_fail(self, planned):
        calls.append(planned.row)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return original(self, planned)

    monkeypatch.setattr(applying._Writer, "create", create_then_fail)
    before = counts()

    with pytest.raises(RuntimeError):
        import_file(plan, "plan.xlsx", xlsx(good_rows()), add_structure=True)

    assert counts() == before
