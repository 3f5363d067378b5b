"""Councils' own spreadsheets, built as their officers lay them out: a title above the table, a
blank row, merged rows naming a priority and then a strand above their groups of actions, a
reference column with no heading, date cells formatted "mmm-yy", RAG cells with full stops, and
more than one sheet. Each is the bytes an upload would hold.

No .xls is built: nothing installed writes one (xlwt is not a dependency), so the older format
is tested only as far as refusing a damaged one (test_bad_input.py).
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook

TITLE = "Safer Bexley Partnership – Community Safety Action Plan 2024-25"
DATE_FORMAT = "mmm-yy"


@dataclass(frozen=True)
class Title:
    """A row with one cell of text above the table."""

    text: str


@dataclass(frozen=True)
class Band:
    """A row naming the priority or strand of the actions below it, merged across the table."""

    text: str


BLANK = ()


def sheet_rows(*rows) -> list:
    """Rows as written: Title, Band, BLANK, or a list of cells."""
    return list(rows)


def xlsx(*sheets: tuple[str, list], merged: bool = True) -> bytes:
    """A workbook of ``sheets`` (name, rows). A date cell is formatted "mmm-yy" (so it shows
    "Mar-25"); a band row is merged across the table's width unless ``merged`` is False."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets:
        worksheet = workbook.create_sheet(name)
        width = max([len(row) for row in rows if isinstance(row, list | tuple)] or [1])
        for number, row in enumerate(rows, start=1):
            if isinstance(row, Title | Band):
                worksheet.cell(row=number, column=1, value=row.text)
                if isinstance(row, Band) and merged and width > 1:
                    worksheet.merge_cells(
                        start_row=number, start_column=1, end_row=number, end_column=width
                    )
                continue
            for column, value in enumerate(row, start=1):
                if value is None or value == "":
                    continue
                cell = worksheet.cell(row=number, column=column, value=value)
                if isinstance(value, date | datetime):
                    cell.number_format = DATE_FORMAT
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_file(rows) -> bytes:
    """The same rows saved as CSV from Excel: a band is a row with only its first cell, and a
    date is the text the cell showed ("Mar-25")."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        if isinstance(row, Title | Band):
            writer.writerow([row.text])
        else:
            writer.writerow([shown(value) for value in row])
    return out.getvalue().encode("utf-8-sig")


def shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.strftime("%b-%y")
    return str(value)


# --- the Safer Bexley plan ---------------------------------------------------------------------

HEADINGS = ["", "Activity", "Lead Partner", "Target Date", "RAG", "Status", "Update"]


def bexley_rows(*, references: bool = True) -> list:
    """The Safer Bexley Partnership's action plan: two priorities, three strands, five
    actions, laid out as the partnership keeps it."""

    def ref(text):
        return text if references else None

    return sheet_rows(
        Title(TITLE),
        BLANK,
        HEADINGS,
        Band("Reducing violence"),
        Band("Violence against women and girls"),
        [
            ref("1.1"),
            "Deliver the White Ribbon campaign across the borough with schools and employers",
            "Bexley Council",
            date(2024, 11, 30),
            "Green.",
            "In progress.",
            "Campaign planned with twelve schools.",
        ],
        [
            ref("1.2"),
            "Commission a perpetrator programme for domestic abuse offenders",
            "Met",
            date(2025, 3, 31),
            "Amber.",
            "In progress",
            "Procurement slipped by a month.",
        ],
        BLANK,
        Band("Serious youth violence"),
        [
            ref("2.1"),
            "Run knife crime awareness sessions in every secondary school",
            "Met",
            date(2024, 9, 30),
            "Complete.",
            "Complete (and ongoing)",
            "All sixteen schools visited.",
        ],
        BLANK,
        Band("Anti-social behaviour"),
        Band("Town centres"),
        [
            ref("3.1"),
            "Joint patrols of Bexleyheath Broadway on Friday and Saturday evenings",
            "Met",
            date(2025, 3, 31),
            "Green",
            "In progress.",
            "Patrols running since July.",
        ],
        [
            ref("3.2"),
            "Review the public spaces protection order for the town centre",
            "Bexley Council",
            date(2024, 12, 31),
            "Red.",
            "Not started",
            "Waiting for legal advice.",
        ],
    )


# The actions those rows hold, as the import reads them: (priority, strand, reference, text,
# lead agency's short name, timeframe).
BEXLEY_ACTIONS = [
    (
        "Reducing violence",
        "Violence against women and girls",
        "1.1",
        "Deliver the White Ribbon campaign across the borough with schools and employers",
        "Bexley Council",
        "Nov-24",
    ),
    (
        "Reducing violence",
        "Violence against women and girls",
        "1.2",
        "Commission a perpetrator programme for domestic abuse offenders",
        "Met",
        "Mar-25",
    ),
    (
        "Reducing violence",
        "Serious youth violence",
        "2.1",
        "Run knife crime awareness sessions in every secondary school",
        "Met",
        "Sep-24",
    ),
    (
        "Anti-social behaviour",
        "Town centres",
        "3.1",
        "Joint patrols of Bexleyheath Broadway on Friday and Saturday evenings",
        "Met",
        "Mar-25",
    ),
    (
        "Anti-social behaviour",
        "Town centres",
        "3.2",
        "Review the public spaces protection order for the town centre",
        "Bexley Council",
        "Dec-24",
    ),
]


def bexley_workbook(*, references: bool = True, merged: bool = True) -> bytes:
    """The plan on its sheet "Action Plan 2024-25", between a cover sheet and a glossary."""
    cover = sheet_rows(Title(TITLE), BLANK, Title("Owner: Community Safety Team"))
    glossary = sheet_rows(
        ["Term", "Meaning"],
        ["RAG", "Red, amber or green: how the action is going"],
        ["LBB", "London Borough of Bexley"],
    )
    return xlsx(
        ("Cover", cover),
        ("Action Plan 2024-25", bexley_rows(references=references)),
        ("Glossary", glossary),
        merged=merged,
    )
