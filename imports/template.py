"""The import template: an Excel workbook with the heading row to fill in (sheet "Actions") and a
sheet "How to fill it in" describing every column."""

from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .columns import COLUMNS
from .reading import MAX_DATA_ROWS, SHEET_NAME, max_bytes, size_label

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F3F2F1")
WRAPPED = Alignment(vertical="top", wrap_text=True)
WIDTHS = {"Action": 60, "Sub-items": 40, "Partners": 28}


def build_template() -> bytes:
    workbook = Workbook()
    actions = workbook.active
    actions.title = SHEET_NAME
    for number, column in enumerate(COLUMNS, start=1):
        cell = actions.cell(row=1, column=number, value=column.heading)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAPPED
        actions.column_dimensions[get_column_letter(number)].width = WIDTHS.get(column.heading, 20)
        # Typed text stays text: a reference such as 1.10 is not turned into the number 1.1.
        if column.key != "timeframe":
            for row in range(2, 202):
                actions.cell(row=row, column=number).number_format = "@"
    actions.freeze_panes = "A2"

    guide = workbook.create_sheet("How to fill it in")
    guide.append(["How to fill in the import template"])
    guide["A1"].font = Font(bold=True, size=14)
    for line in (
        "Write one action per row on the “Actions” sheet, under its heading row. Empty rows are "
        "skipped. Only the Action column is needed: the preview proposes a priority and strand "
        "for a file without them, and lets you choose what every column is read as, so the "
        "partnership's own spreadsheet, or one exported from a quarterly review, can be imported "
        "as it is.",
        "The import first shows a preview of what it will create and change, and every problem "
        "with its row number. Nothing is written until you confirm it, and then it is all "
        "written or none of it.",
        f"At most {MAX_DATA_ROWS:,} actions and {size_label(max_bytes())} per file. Do not type "
        "formulas (a cell starting with “=”): they are refused.",
    ):
        guide.append([line])
    guide.append([])
    guide.append(["Column", "Required", "What to write"])
    heading_row = guide.max_row
    for cell in guide[heading_row]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for column in COLUMNS:
        also = f" Also read under: {', '.join(column.aliases)}." if column.aliases else ""
        guide.append([column.heading, "Yes" if column.required else "No", column.help + also])
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = WRAPPED
    guide.column_dimensions["A"].width = 20
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 90
    for row in range(2, heading_row):
        guide.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)

    workbook.properties.title = "Action plan import template"
    workbook.properties.language = "en-GB"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
