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
        (
            "plan.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"garbage" * 100,
            "This older Excel file (.xls) could not be read: it may be damaged",
        ),
        ("plan.xls", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "it looks like a PDF"),
        ("plan.pdf", b"%PDF-1.7", "is not a spreadsheet this service reads"),
        ("plan.docx", b"PK\x03\x04", "is not a spreadsheet this service reads"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(plan, filename, content, expected):
    message = attempt(plan, filename, content)

    assert expected in message
    assert ".xlsx" in message


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

    assert "This workbook unpacks to 60 MB, more than the 50 MB an upload may hold" in message


def test_a_file_too_large_is_refused(plan, settings):
    settings.IMPORT_MAX_BYTES = 10_000
    content = csv_file([row(action="x" * 200, reference=str(n)) for n in range(100)])

    message = attempt(plan, "plan.csv", content)

    assert message.startswith("The file is 2")
    assert "the largest file that can be uploaded is 10 KB" in message


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
        'Row 4, Lead agency: holds a formula, “=HYPERLINK("http://evil.example/x","Cli…”, which '
        "a spreadsheet would run. Remove the formula, or type the text without it."
    )


def test_a_formula_in_a_column_not_imported_does_no_harm(plan):
    headings = ["Priority", "Strand", "Action", "Budget"]
    content = xlsx(
        [["Violence", "Violence against women and girls", "Fine.", "x"]],
        headings,
        formulas=[(0, "Budget", HYPERLINK)],
    )

    outcome = import_file(plan, "plan.xlsx", content, add_structure=False)

    assert outcome.imported


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_file_without_an_action_column_is_a_problem(plan, kind):
    headings = ["Priority", "Strand", "Lead agency"]
    rows = [["Violence", "Violence against women and girls", "Lewisham Council"]]
    content = xlsx(rows, headings) if kind == "xlsx" else csv_file(rows, headings)

    message = attempt(plan, f"plan.{kind}", content)

    assert message == (
        "No column is read as the action's text. Choose “Action” for the column that says what "
        "will be done."
    )


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_without_priority_and_strand_columns_the_preview_proposes_where_they_come_from(plan, kind):
    headings = ["Reference", "Action"]
    rows = [["1", "Open day."]]
    content = xlsx(rows, headings) if kind == "xlsx" else csv_file(rows, headings)

    outcome = import_file(plan, f"plan.{kind}", content, add_structure=False)

    # The plan's one priority names them, and its strand takes the priority's name: the
    # plan has no such strand, so that is the problem to fix (or a source to choose).
    options = outcome.preview.options
    assert (options.priority_from, options.priority_name) == ("name", "Violence")
    assert options.strand_from == "same"
    assert [str(problem) for problem in outcome.preview.problems] == [
        "Row 2, Strand: the priority “Violence” has no strand “Violence”. Correct the spelling, or "
        "import with “add priorities, strands and themes” to create it."
    ]


def test_a_file_without_any_heading_row_is_read_by_its_content(plan):
    message = attempt(plan, "plan.csv", b"just,some,text\r\nand,more,text\r\n")

    assert message == (
        "No column is read as the action's text. Choose “Action” for the column that says what "
        "will be done."
    )


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
