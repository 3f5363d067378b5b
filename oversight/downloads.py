"""The comparison as a spreadsheet and as CSV: one row per plan, the figures as the dashboard
shows them."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

HEADINGS = [
    "Partnership",
    "Plan",
    "Reporting quarter",
    "Actions",
    "Complete",
    "In progress",
    "Not started",
    "Not complete: green",
    "Not complete: amber",
    "Not complete: red",
    "Late",
    "Not updated",
    "Indicators on target",
    "Indicators within tolerance",
    "Indicators off target",
    "Last quarter ended",
    "Closed after its meeting",
]


def comparison_table(body, rows) -> list[list]:
    """The headings, then one row per plan."""
    table = [HEADINGS]
    for row in rows:
        figures, indicators = row.figures, row.indicators
        table.append(
            [
                row.partnership.name,
                row.plan.title,
                row.quarter.label,
                figures.total,
                figures.complete,
                figures.in_progress,
                figures.not_started,
                figures.open_green,
                figures.open_amber,
                figures.open_red,
                figures.late,
                figures.not_updated,
                indicators.green,
                indicators.amber,
                indicators.red,
                row.last_ended.label if row.last_ended else "None yet",
                "Yes" if row.last_ended_closed else "No" if row.last_ended else "",
            ]
        )
    return table


def _safe(value):
    """A cell a spreadsheet program will not run as a formula (names are people's text)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def xlsx_bytes(table) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Comparison"
    for row in table:
        sheet.append([_safe(value) for value in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "C2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in table:
        writer.writerow([_safe(value) for value in row])
    # With a byte order mark, so that Excel reads it as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")
