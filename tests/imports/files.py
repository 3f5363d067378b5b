"""Spreadsheets built in the tests, as the bytes an upload would hold."""

import csv
import io

from openpyxl import Workbook

HEADINGS = [
    "Reference",
    "Priority",
    "Strand",
    "Theme",
    "Action",
    "Sub-items",
    "Lead agency",
    "Lead officer",
    "Partners",
    "Timeframe",
    "Completed",
    "Completion note",
]


def xlsx(rows, headings=HEADINGS, *, sheet="Actions", before=(), formulas=(), formats=()) -> bytes:
    """A workbook whose sheet has ``before`` rows, the heading row, then ``rows`` (lists or
    dicts by heading). ``formulas`` are (row index in ``rows``, heading, formula) written as
    formula cells; ``formats`` (row index, heading, number format) format cells, as a date cell
    "mmm-yy"."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in before:
        worksheet.append(list(row))
    worksheet.append(list(headings))
    for row in rows:
        worksheet.append([row.get(h) for h in headings] if isinstance(row, dict) else list(row))
    first = len(before) + 2
    for index, heading, formula in formulas:
        cell = worksheet.cell(row=first + index, column=list(headings).index(heading) + 1)
        cell.value = formula  # openpyxl stores a string starting with "=" as a formula
    for index, heading, number_format in formats:
        worksheet.cell(
            row=first + index, column=list(headings).index(heading) + 1
        ).number_format = number_format
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_file(rows, headings=HEADINGS, *, encoding="utf-8-sig") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow([row.get(h, "") for h in headings] if isinstance(row, dict) else list(row))
    return out.getvalue().encode(encoding)


def row(**values) -> dict:
    """A data row by heading, with the required columns filled in."""
    defaults = {
        "Priority": "Violence",
        "Strand": "Violence against women and girls",
        "Action": "Open day with the community.",
    }
    names = {
        "reference": "Reference",
        "priority": "Priority",
        "strand": "Strand",
        "theme": "Theme",
        "action": "Action",
        "sub_items": "Sub-items",
        "lead_agency": "Lead agency",
        "lead_officer": "Lead officer",
        "partners": "Partners",
        "timeframe": "Timeframe",
        "completed": "Completed",
        "completion_note": "Completion note",
    }
    return defaults | {names[name]: value for name, value in values.items()}
