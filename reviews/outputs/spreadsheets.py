"""Spreadsheet exports of a quarterly review's action table: ``.xlsx`` and ``.csv``.

Both hold one row per action, in plan order, with the same columns (``COLUMNS``). They read
nothing from the database: everything comes from the ``QuarterlyReview``, so a closed quarter's
exports are frozen with its snapshot.

Text people typed is never allowed to become a formula when the file is opened ("formula
injection"): in the xlsx every text cell is stored as text, and one that starts with a character
Excel would read as a formula also gets Excel's "quote prefix" so that editing it keeps it text;
in the csv such a cell is written with a leading apostrophe, as OWASP advises.
"""

import csv
from collections.abc import Callable
from datetime import date, datetime
from io import BytesIO, StringIO

from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from govuk import svg
from indicators.models import Indicator
from plans.ratings import (
    INDICATOR_RATINGS,
    RAG_ORDER,
    RAG_RATINGS,
    IndicatorRating,
    indicator_rating,
)
from spreadsheets.writing import FORMULA_STARTS, put_text

from ..figures import ActionRow, Breakdown, Figures, QuarterlyReview

MOVEMENT_LABELS = {"improved": "Improved", "worsened": "Worsened", "same": "No change", None: ""}

# Characters that make Excel (or another spreadsheet) read a cell as a formula.


def _local_day(moment: datetime | None) -> date | None:
    if moment is None:
        return None
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


# (heading, value, column width in characters, wrapped). Values are text, dates or None.
COLUMNS: tuple[tuple[str, Callable[[ActionRow], object], int, bool], ...] = (
    ("Reference", lambda r: r.reference, 11, False),
    ("Action", lambda r: r.text, 60, True),
    ("Sub-items", lambda r: r.sub_items, 40, True),
    ("Priority", lambda r: r.priority, 18, True),
    ("Strand", lambda r: r.strand, 28, True),
    ("Theme", lambda r: r.theme, 22, True),
    ("Lead agency", lambda r: r.lead_agency, 24, True),
    ("Lead officer", lambda r: r.lead_officer, 20, True),
    ("Partners", lambda r: r.partners, 28, True),
    ("Timeframe", lambda r: r.timeframe, 18, True),
    ("Due date", lambda r: r.due_date, 17, False),
    ("RAG this quarter", lambda r: RAG_RATINGS[r.rag].label, 17, False),
    ("RAG last quarter", lambda r: RAG_RATINGS[r.previous_rag].label, 17, False),
    ("Movement", lambda r: MOVEMENT_LABELS[r.movement], 12, False),
    ("Completion", lambda r: r.completion, 16, True),
    ("Completion note", lambda r: r.completion_note, 20, True),
    ("Completed this quarter", lambda r: _yes_no(r.completed_this_quarter), 12, False),
    ("Late", lambda r: _yes_no(r.is_late), 8, False),
    ("Latest update", lambda r: r.narrative, 70, True),
    ("Updated by", lambda r: r.updated_by, 20, True),
    ("Updated on", lambda r: _local_day(r.updated_at), 17, False),
)


def _columns(review: QuarterlyReview):
    """COLUMNS, with "RAG last quarter" left out of a first quarter's export (there is no
    quarter before it in the plan's year)."""
    if review.quarter == 1:
        return tuple(column for column in COLUMNS if column[0] != "RAG last quarter")
    return COLUMNS


def _clean(text: str) -> str:
    """Text without the control characters a worksheet cannot hold (pasted from Word, say)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


# --- csv ----------------------------------------------------------------------------------------


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()  # Excel reads 2018-03-31 as a date in every locale
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def build_csv(review: QuarterlyReview) -> bytes:
    """The action table as CSV: UTF-8 with a byte order mark (without it Excel reads the file as
    the machine's legacy code page and mangles "–" or "é"), a header row, one row per action,
    CRLF line endings."""
    columns = _columns(review)
    out = StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([heading for heading, *_ in columns])
    for row in review.rows:
        writer.writerow([_csv_cell(value(row)) for _heading, value, *_ in columns])
    return out.getvalue().encode("utf-8-sig")


# --- xlsx ---------------------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)


def _colour(hex_colour: str) -> str:
    """A GOV.UK colour ("#f3f2f1") as openpyxl takes it: "F3F2F1"."""
    return hex_colour.lstrip("#").upper()


HEADER_FILL = PatternFill("solid", fgColor=_colour(svg.LIGHT_GREY))
HEADER_BORDER = Border(bottom=Side(style="medium", color=_colour(svg.BLACK)))
ROW_BORDER = Border(bottom=Side(style="thin", color=_colour(svg.MID_GREY)))
TOP = Alignment(vertical="top")
TOP_WRAPPED = Alignment(vertical="top", wrap_text=True)
TITLE_FONT = Font(bold=True, size=16)
SUBTITLE_FONT = Font(size=12)
SECTION_FONT = Font(bold=True, size=13)
DATE_FORMAT = "d mmmm yyyy"


def _rating_style(rating) -> tuple[PatternFill, Font]:
    """A rating's cell: its colour, with text that keeps its contrast on it."""
    return (
        PatternFill("solid", fgColor=_colour(rating.fill)),
        Font(bold=True, color=_colour(rating.text_colour)),
    )


def _set(cell, value):
    """Put a value in a cell, text always as text: a leading "=" must not make a formula, nor
    "#N/A" an error."""
    if isinstance(value, str):
        put_text(cell, _clean(value))
    else:
        cell.value = value
        if isinstance(value, date):
            cell.number_format = DATE_FORMAT
    return cell


def _header_row(sheet, row: int, headings, *, first_column: int = 1):
    for column, heading in enumerate(headings, start=first_column):
        cell = _set(sheet.cell(row=row, column=column), heading)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = TOP_WRAPPED


def _actions_sheet(sheet, review: QuarterlyReview):
    columns = _columns(review)
    _header_row(sheet, 1, [heading for heading, *_ in columns])
    rag_column = [heading for heading, *_ in columns].index("RAG this quarter") + 1
    rag_fills = {rag: _rating_style(rating) for rag, rating in RAG_RATINGS.items()}
    for row_number, row in enumerate(review.rows, start=2):
        for column_number, (_heading, value, _width, wrapped) in enumerate(columns, start=1):
            cell = _set(sheet.cell(row=row_number, column=column_number), value(row))
            cell.alignment = TOP_WRAPPED if wrapped else TOP
            cell.border = ROW_BORDER
        rag_cell = sheet.cell(row=row_number, column=rag_column)
        rag_cell.fill, rag_cell.font = rag_fills[row.rag]
    for column_number, (_heading, _value, width, _wrapped) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(column_number)].width = width
    last = f"{get_column_letter(len(columns))}{len(review.rows) + 1}"
    sheet.auto_filter.ref = f"A1:{last}"
    sheet.freeze_panes = "A2"
    # Printed: landscape, a page wide, the header row on every page.
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


FIGURE_HEADINGS = (
    "Actions",
    "Complete",
    "% complete",
    *(RAG_RATINGS[rag].label for rag in RAG_ORDER),
    "Not updated",
    "Late",
)


def _figure_values(figures: Figures) -> list:
    return [
        figures.total,
        figures.complete,
        figures.percent_complete / 100,  # shown as a percentage, rounded as on the page
        *(getattr(figures, RAG_RATINGS[rag].figure) for rag in RAG_ORDER),
        figures.not_updated,
        figures.late,
    ]


def _breakdown_table(sheet, row: int, title: str, first_heading: str, groups) -> int:
    """Writes a breakdown from ``row``; returns the next free row."""
    _set(sheet.cell(row=row, column=1), title).font = SECTION_FONT
    row += 1
    _header_row(sheet, row, [first_heading, *FIGURE_HEADINGS])
    row += 1

    def add(breakdown: Breakdown, level: int):
        nonlocal row
        label = _set(sheet.cell(row=row, column=1), breakdown.label)
        label.alignment = Alignment(vertical="top", wrap_text=True, indent=2 * level)
        if level == 0 and breakdown.children:
            label.font = HEADER_FONT
        for column, value in enumerate(_figure_values(breakdown.figures), start=2):
            cell = _set(sheet.cell(row=row, column=column), value)
            if column == 4:
                cell.number_format = "0%"
        for column in range(1, len(FIGURE_HEADINGS) + 2):
            sheet.cell(row=row, column=column).border = ROW_BORDER
        row += 1
        for child in breakdown.children:
            add(child, level + 1)

    for group in groups:
        add(group, 0)
    return row + 1


def _summary_sheet(sheet, review: QuarterlyReview, partnership_name: str):
    _set(sheet["A1"], review.plan_title).font = TITLE_FONT
    _set(
        sheet["A2"], f"Quarterly review: {review.quarter_label} ({review.months_label})"
    ).font = SUBTITLE_FONT
    if review.is_closed:
        closed = date_format(timezone.localtime(review.closed_at), "j F Y")
        status = f"As closed on {closed}" + (f" by {review.closed_by}" if review.closed_by else "")
    else:
        prepared = date_format(timezone.localtime(review.generated_at), "j F Y")
        status = f"Prepared {prepared}: the quarter is not yet closed, so figures may change"
    _set(sheet["A3"], status)
    if partnership_name:
        _set(sheet["A4"], partnership_name)

    row = 6
    _set(sheet.cell(row=row, column=1), "Headline figures").font = SECTION_FONT
    row += 1
    figures = review.figures
    headline = [
        ("Actions in the plan", figures.total),
        ("Complete", figures.complete),
        ("% complete", figures.percent_complete / 100),
        ("On track (green)", figures.on_track),
        ("At risk (amber)", figures.at_risk),
        ("Off track (red)", figures.off_track),
        ("Complete (blue)", figures.rated_complete),
        ("Late (past due and not complete)", figures.late),
        ("Not updated this quarter", figures.not_updated),
        ("Completed this quarter", len(review.completed_this_quarter)),
    ]
    if review.quarter > 1:
        headline += [
            (f"Improved since Q{review.quarter - 1}", len(review.improved)),
            (f"Worsened since Q{review.quarter - 1}", len(review.worsened)),
        ]
    for label, value in headline:
        _set(sheet.cell(row=row, column=1), label).border = ROW_BORDER
        cell = _set(sheet.cell(row=row, column=2), value)
        cell.border = ROW_BORDER
        if label == "% complete":
            cell.number_format = "0%"
        row += 1
    row += 1
    row = _breakdown_table(
        sheet, row, "By priority and strand", "Priority and strand", review.by_priority
    )
    row = _breakdown_table(sheet, row, "By theme", "Theme", review.by_theme)
    _breakdown_table(sheet, row, "By lead agency", "Lead agency", review.by_agency)

    sheet.column_dimensions["A"].width = 44
    for column in range(2, len(FIGURE_HEADINGS) + 2):
        sheet.column_dimensions[get_column_letter(column)].width = 12
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


# --- the indicators sheet ------------------------------------------------------------------------


def _number_or_none(value):
    """A Decimal as a number Excel can add up (float), None as an empty cell."""
    return float(value) if value is not None else None


def _indicators_sheet(sheet, review: QuarterlyReview):
    """One row per indicator: what it measures, its baseline, this quarter's target, value and
    rating (and whether the rating was overridden), then its value in each quarter so far."""
    units = dict(Indicator.Unit.choices)
    directions = dict(Indicator.Direction.choices)
    frequencies = dict(Indicator.Frequency.choices)
    quarters = list(range(1, review.quarter + 1))
    headings = [
        "Indicator",
        "Unit",
        "Better is",
        "Reported",
        "Source agency",
        "Baseline",
        "Baseline period",
        f"Q{review.quarter} target",
        f"Q{review.quarter} value",
        "Rating",
        "Computed rating",
        "Override reason",
        "Note",
        *[f"Q{number} value" for number in quarters],
    ]
    widths = [44, 14, 18, 20, 20, 11, 18, 11, 11, 30, 30, 30, 50, *[10 for _ in quarters]]
    _header_row(sheet, 1, headings)
    fills = {value: _rating_style(INDICATOR_RATINGS[value]) for value in IndicatorRating.values}
    rating_column = headings.index("Rating") + 1
    for row_number, row in enumerate(review.indicators, start=2):
        if row.value is None:
            rating = "Not reported" if row.due else "Not due this quarter"
        else:
            rating = indicator_rating(row.rating).label
        by_quarter = {point.quarter: point for point in row.trend}
        values = [
            row.name,
            units.get(row.unit, row.unit),
            directions.get(row.direction, row.direction),
            frequencies.get(row.frequency, row.frequency),
            row.source_agency,
            _number_or_none(row.baseline_value),
            row.baseline_period,
            _number_or_none(row.target),
            _number_or_none(row.value),
            rating,
            indicator_rating(row.computed_rating).label if row.value is not None else "",
            row.override_reason if row.overridden else "",
            row.note,
            *[
                _number_or_none(by_quarter[number].value) if number in by_quarter else None
                for number in quarters
            ],
        ]
        for column_number, value in enumerate(values, start=1):
            cell = _set(sheet.cell(row=row_number, column=column_number), value)
            cell.alignment = TOP_WRAPPED
            cell.border = ROW_BORDER
        if row.value is not None and row.rating in fills:
            cell = sheet.cell(row=row_number, column=rating_column)
            cell.fill, cell.font = fills[row.rating]
    for column_number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column_number)].width = width
    sheet.freeze_panes = "B2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def build_xlsx(review: QuarterlyReview, partnership_name: str = "") -> bytes:
    """The action table as an Excel workbook: an "Actions" sheet (one row per action, a strand
    column, filters on every column, the header row frozen), a "Summary" sheet with the
    headline figures and the breakdowns, and an "Indicators" sheet with each performance
    indicator against its target."""
    workbook = Workbook()
    actions = workbook.active
    actions.title = "Actions"
    _actions_sheet(actions, review)
    _summary_sheet(workbook.create_sheet("Summary"), review, partnership_name)
    _indicators_sheet(workbook.create_sheet("Indicators"), review)
    workbook.properties.title = _clean(f"{review.plan_title}: actions at {review.quarter_label}")
    workbook.properties.creator = _clean(partnership_name) or None
    workbook.properties.language = "en-GB"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
