"""Reading a spreadsheet into rows (imports/reading.py): finding the heading row, matching the
headings, tidying messy cells, and refusing formulas."""

import re
from datetime import date, datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile

import pytest
from openpyxl import Workbook

from imports.reading import UnreadableFile, looks_like_formula, read_file
from spreadsheets import reading as spreadsheets_reading
from tests.imports.files import csv_file, row, xlsx


def test_it_reads_an_xlsx_by_its_headings():
    sheet = read_file("plan.xlsx", xlsx([row(reference="1.1", theme="Prevention")]))

    assert sheet.sheet_name == "Actions"
    assert [r.values for r in sheet.rows] == [
        {
            "reference": "1.1",
            "priority": "Violence",
            "strand": "Violence against women and girls",
            "theme": "Prevention",
            "action": "Open day with the community.",
        }
    ]
    assert sheet.rows[0].number == 2


def test_headings_match_ignoring_case_spaces_punctuation_and_by_their_other_names():
    headings = [
        "PRIORITY ",
        "strand",
        "Action text",
        "Sub items",
        "Lead",
        "Partner agencies",
        "Done",
        "ref.",
    ]
    content = xlsx(
        [["Violence", "VAWG", "Open day.", "a) One", "Council", "Police", "✓", "1"]], headings
    )

    sheet = read_file("plan.xlsx", content)

    assert set(sheet.headings) == {
        "priority",
        "strand",
        "action",
        "sub_items",
        "lead_agency",
        "partners",
        "completed",
        "reference",
    }
    assert sheet.ignored_headings == []


def test_the_heading_row_may_be_below_a_title():
    content = xlsx([row()], before=[["Safer Lewisham Plan 17-18"], [], ["Action plan"]])

    sheet = read_file("plan.xlsx", content)

    assert sheet.header_row == 4
    assert sheet.rows[0].number == 5


def test_the_actions_sheet_is_read_in_preference_to_the_first():
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(xlsx([row()])))
    workbook.create_sheet("Summary", 0)["A1"] = "Not the actions"
    out = BytesIO()
    workbook.save(out)

    sheet = read_file("plan.xlsx", out.getvalue())

    assert sheet.sheet_name == "Actions"
    assert len(sheet.rows) == 1


def test_without_an_actions_sheet_the_first_sheet_is_read():
    sheet = read_file("plan.xlsx", xlsx([row()], sheet="Plan 17-18"))

    assert sheet.sheet_name == "Plan 17-18"
    assert len(sheet.rows) == 1


def test_empty_rows_are_skipped_and_rows_keep_their_spreadsheet_numbers():
    content = xlsx([row(action="First."), [], [None, "", "  "], row(action="Second.")])

    sheet = read_file("plan.xlsx", content)

    assert [(r.number, r.get("action")) for r in sheet.rows] == [(2, "First."), (5, "Second.")]


def test_text_is_trimmed_of_spaces_and_non_breaking_spaces():
    content = xlsx([row(strand="  Violence against women and girls\u00a0 ", action="Open day. \n")])

    values = read_file("plan.xlsx", content).rows[0].values

    assert values["strand"] == "Violence against women and girls"
    assert values["action"] == "Open day."


def test_other_columns_are_listed_as_not_imported():
    headings = ["Priority", "Strand", "Action", "Budget", "Funding source"]

    sheet = read_file(
        "plan.xlsx",
        xlsx([["Violence", "VAWG", "Open day.", "£5,000", "Home Office"]], headings),
    )

    assert sheet.ignored_headings == ["Budget", "Funding source"]
    assert "Home Office" not in sheet.rows[0].values.values()


def test_our_own_exports_rag_and_latest_update_columns_are_read_as_rag_and_progress():
    headings = ["Priority", "Strand", "Action", "RAG this quarter", "Latest update"]

    sheet = read_file(
        "plan.xlsx", xlsx([["Violence", "VAWG", "Open day.", "Red", "Late."]], headings)
    )

    assert sheet.ignored_headings == []
    assert sheet.rows[0].values["rag"] == "Red"
    assert sheet.rows[0].values["progress"] == "Late."


def test_dates_and_numbers_are_read_as_the_text_the_spreadsheet_shows():
    content = xlsx(
        [
            row(reference=1.5, timeframe=datetime(2018, 3, 31), completed=True),
            row(reference=2, timeframe=datetime(2018, 3, 31)),
            row(reference=3, timeframe=date(2018, 3, 31)),
        ],
        formats=[(0, "Timeframe", "mmm-yy"), (1, "Timeframe", "dd/mm/yyyy")],
    )

    first, second, third = (r.values for r in read_file("plan.xlsx", content).rows)

    assert (first["reference"], first["timeframe"], first["completed"]) == ("1.5", "Mar-18", True)
    assert (second["reference"], second["timeframe"]) == ("2", "31/03/2018")
    # A date without a format of its own (openpyxl's "yyyy-mm-dd") shows as Excel shows it.
    assert third["timeframe"] == "2018-03-31"


def test_a_csv_is_read_as_utf8_with_or_without_a_byte_order_mark():
    rows = [row(action="Campaign – “The Violence STOPS here”", completed="✓")]

    for encoding in ("utf-8-sig", "utf-8"):
        sheet = read_file("plan.csv", csv_file(rows, encoding=encoding))
        assert sheet.rows[0].get("action") == "Campaign – “The Violence STOPS here”"
        assert sheet.rows[0].get("completed") == "✓"


def test_a_csv_saved_by_older_excel_in_windows_1252_is_read():
    sheet = read_file("plan.csv", csv_file([row(action="Campaign – café")], encoding="cp1252"))

    assert sheet.rows[0].get("action") == "Campaign – café"


def test_a_csv_separated_by_semicolons_is_read():
    content = "Priority;Strand;Action\r\nViolence;VAWG;Open day, with the community.\r\n"

    sheet = read_file("plan.csv", content.encode())

    assert sheet.rows[0].values == {
        "priority": "Violence",
        "strand": "VAWG",
        "action": "Open day, with the community.",
    }


@pytest.mark.parametrize(
    "text",
    [
        '=HYPERLINK("http://evil.example","x")',
        "=1+1",
        "+SUM(A1:A2)",
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(A1)",
        "+A1",
        "-Sheet1!B2",
    ],
)
def test_formula_like_text_is_recognised(text):
    assert looks_like_formula(text)


@pytest.mark.parametrize(
    "text",
    [
        "- a list item",
        "-5%",
        "+44 20 7946 0000",
        "@ the town hall",
        "Review (quarterly)",
        "'=already quoted",
    ],
)
def test_ordinary_text_is_not_taken_for_a_formula(text):
    assert not looks_like_formula(text)


def test_a_formula_cell_is_a_problem_with_its_row_and_column():
    content = xlsx(
        [row(), row()], formulas=[(1, "Action", '=HYPERLINK("http://evil.example","Click")')]
    )

    sheet = read_file("plan.xlsx", content)

    [problem] = sheet.problems.as_list()
    assert str(problem).startswith("Row 3, Action: holds a formula, “=HYPERLINK(")
    assert "Remove the formula, or type the text without it." in str(problem)
    assert "action" not in sheet.rows[1].values


def test_text_starting_with_an_equals_sign_is_a_problem_in_a_csv():
    content = csv_file([row(), row(action='=HYPERLINK("http://evil.example","Click")')])

    [problem] = read_file("plan.csv", content).problems.as_list()

    assert str(problem) == (
        'Row 3, Action: holds a formula, “=HYPERLINK("http://evil.example","Click…”, which a '
        "spreadsheet would run. Remove the formula, or type the text without it."
    )


def test_text_our_exports_neutralised_is_read_back_as_text():
    from io import BytesIO

    from openpyxl import load_workbook

    workbook = load_workbook(BytesIO(xlsx([row(action="placeholder")])))
    cell = workbook["Actions"]["E2"]
    cell.value, cell.data_type, cell.quotePrefix = "=Not a formula", "s", True
    out = BytesIO()
    workbook.save(out)

    xlsx_sheet = read_file("plan.xlsx", out.getvalue())
    csv_sheet = read_file("plan.csv", csv_file([row(action="'=Not a formula")]))

    for sheet in (xlsx_sheet, csv_sheet):
        assert not sheet.problems
        assert sheet.rows[0].get("action") == "=Not a formula"


def test_a_second_column_headed_for_the_same_field_is_proposed_not_imported():
    sheet = read_file(
        "plan.xlsx",
        xlsx([["Violence", "VAWG", "A", "B"]], ["Priority", "Strand", "Action", "Action text"]),
    )

    assert [(column.label, column.field) for column in sheet.columns] == [
        ("Priority", "priority"),
        ("Strand", "strand"),
        ("Action", "action"),
        ("Action text", ""),
    ]
    assert sheet.ignored_headings == ["Action text"]
    assert not sheet.problems
    assert sheet.rows[0].get("action") == "A"


def test_a_mapping_that_reads_two_columns_as_one_field_is_a_problem():
    sheet = read_file(
        "plan.xlsx",
        xlsx([["Violence", "VAWG", "A", "B"]], ["Priority", "Strand", "Action", "Action text"]),
        mapping={"0": "priority", "1": "strand", "2": "action", "3": "action"},
    )

    assert [str(problem) for problem in sheet.problems.as_list()] == [
        "Two columns, “Action” and “Action text”, are read as Action. Choose “Not imported” or "
        "another field for one of them."
    ]


def one_cell_rows(count: int) -> bytes:
    """A workbook of `count` rows, each with one cell, as a file of many empty-looking rows
    would be."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet("Actions")
    for number in range(count):
        worksheet.append([f"Row {number}"])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def with_declared_size(content: bytes, size: str) -> bytes:
    """The workbook with its sheet's declared size (<dimension ref="..."/>) rewritten, as some
    programs write it wrong."""
    out = BytesIO()
    with ZipFile(BytesIO(content)) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, replaced = re.subn(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{size}"'.encode(), data
                )
                assert replaced == 1
            target.writestr(item, data)
    return out.getvalue()


def test_a_sheet_of_too_many_rows_is_refused_having_read_no_more_than_the_limit(monkeypatch):
    """Reading stops at the limit, keeping a cell per cell of the file: a sheet of 60,000
    one-cell rows (300 KB) once cost 6 million cells, padded to 100 columns each."""
    monkeypatch.setattr(spreadsheets_reading, "MAX_SHEET_ROWS", 1000)
    cells = []
    made = spreadsheets_reading._xlsx_cell

    def counted(cell):
        cells.append(made(cell))
        return cells[-1]

    monkeypatch.setattr(spreadsheets_reading, "_xlsx_cell", counted)

    with pytest.raises(UnreadableFile) as refusal:
        read_file("plan.xlsx", one_cell_rows(1500))

    assert str(refusal.value).startswith("The sheet “Actions” has more than 1,000 rows.")
    assert len(cells) <= 1000


def test_rows_beyond_the_sheets_declared_size_are_read():
    content = xlsx([row(reference=str(number)) for number in range(1, 6)])

    sheet = read_file("plan.xlsx", with_declared_size(content, "A1:C3"))

    assert [r.get("reference") for r in sheet.rows] == ["1", "2", "3", "4", "5"]


def test_cells_beyond_the_hundredth_column_are_not_read():
    headings = ["Priority", "Strand", "Action", *[""] * 100, "Reference"]

    sheet = read_file(
        "plan.xlsx", xlsx([["Violence", "VAWG", "Open day.", *[""] * 100, "1.1"]], headings)
    )

    assert "reference" not in sheet.headings
    assert [r.values for r in sheet.rows] == [
        {"priority": "Violence", "strand": "VAWG", "action": "Open day."}
    ]
