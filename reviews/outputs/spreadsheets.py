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

import xlsxwriter
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from govuk import svg
from indicators.models import Indicator
from plans.ratings import (
    INDICATOR_RATINGS,
    RAG_ORDER,
    RAG_RATINGS,
    IndicatorRating,
    indicator_rating,
)
from spreadsheets.writing import FORMULA_STARTS

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
#
# Written with XlsxWriter rather than openpyxl (which the imports read workbooks with): for the
# 2,000 actions of a large plan (42,000 cells), openpyxl took about 1.2 s of the processor
# giving cells their styles and writing them, about 0.5 s even in its write-only mode with
# shared styles; XlsxWriter writes the same cells, styled, in about 0.25 s. Each look a cell can
# take is one XlsxWriter format, made once per workbook (``_Looks``).

# GOV.UK colours, and the looks made of them.
HEADER_FILL = svg.LIGHT_GREY
HEADER_RULE = svg.BLACK
ROW_RULE = svg.MID_GREY
DATE_FORMAT = "d mmmm yyyy"
PERCENT_FORMAT = "0%"
# How far a breakdown's strands are indented under their priority (Excel's indent level).
INDENT = 2
# XlsxWriter's border styles: 1 is thin, 2 medium.
THIN, MEDIUM = 1, 2

_TOP = {"valign": "top"}
_WRAPPED = {"valign": "top", "text_wrap": True}
_RULED = {"bottom": THIN, "bottom_color": ROW_RULE}
LOOKS = {
    "heading": {
        **_WRAPPED,
        "bold": True,
        "pattern": 1,
        "fg_color": HEADER_FILL,
        "bottom": MEDIUM,
        "bottom_color": HEADER_RULE,
    },
    # A table's cells: top-aligned, wrapped or not, with a rule under each row.
    "cell": {**_TOP, **_RULED},
    "wrapped": {**_WRAPPED, **_RULED},
    "ruled": _RULED,
    "ruled percent": {**_RULED, "num_format": PERCENT_FORMAT},
    # The summary sheet's titles, and its breakdowns' labels by level.
    "plain": {},
    "title": {"bold": True, "font_size": 16},
    "subtitle": {"font_size": 12},
    "section": {"bold": True, "font_size": 13},
    "label 0": {**_WRAPPED, **_RULED},
    "bold label 0": {**_WRAPPED, **_RULED, "bold": True},
    "label 1": {**_WRAPPED, **_RULED, "indent": INDENT},
    "bold label 1": {**_WRAPPED, **_RULED, "indent": INDENT, "bold": True},
}


def _rated(rating, alignment) -> dict:
    """A rated cell's look (this quarter's RAG, an indicator's rating): its rating's colour,
    with bold text that keeps its contrast on it."""
    return {
        **alignment,
        **_RULED,
        "pattern": 1,
        "fg_color": rating.fill,
        "bold": True,
        "font_color": rating.text_colour,
    }


LOOKS |= {f"RAG {rag}": _rated(rating, _TOP) for rag, rating in RAG_RATINGS.items()}
LOOKS |= {
    f"rated {value}": _rated(INDICATOR_RATINGS[value], _WRAPPED) for value in IndicatorRating.values
}


class _Looks:
    """The workbook's formats, one for each look, for text, for text that starts like a formula
    (with Excel's quote prefix, so that editing the cell keeps it text) and for a date."""

    def __init__(self, workbook):
        self.text = {name: workbook.add_format(look) for name, look in LOOKS.items()}
        self.quoted = {
            name: workbook.add_format({**look, "quote_prefix": True})
            for name, look in LOOKS.items()
        }
        self.dated = {
            name: workbook.add_format({**look, "num_format": DATE_FORMAT})
            for name, look in LOOKS.items()
        }

    def write(self, sheet, row: int, column: int, value, look: str = "plain"):
        """``value`` in a cell (row and column from 0), text always as text: XlsxWriter's
        write_string never makes a formula, a link or a number of it."""
        if isinstance(value, str):
            text = _clean(value)
            formats = self.quoted if text.startswith(FORMULA_STARTS) else self.text
            if text:
                sheet.write_string(row, column, text, formats[look])
            else:
                sheet.write_blank(row, column, None, formats[look])
        elif isinstance(value, date):
            sheet.write_datetime(row, column, value, self.dated[look])
        elif value is None:
            sheet.write_blank(row, column, None, self.text[look])
        else:
            sheet.write_number(row, column, value, self.text[look])

    def row(self, sheet, row: int, values, looks):
        """A row of cells from column A, each value in its look."""
        write = self.write
        for column, (value, look) in enumerate(zip(values, looks, strict=True)):
            write(sheet, row, column, value, look)


def _print_landscape_a_page_wide(sheet):
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)


def _set_widths(sheet, widths):
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)


def _actions_sheet(sheet, review: QuarterlyReview, looks: _Looks):
    columns = _columns(review)
    headings = [heading for heading, *_ in columns]
    looks.row(sheet, 0, headings, ["heading"] * len(headings))
    row_looks = [
        "RAG" if heading == "RAG this quarter" else "wrapped" if wrapped else "cell"
        for heading, _value, _width, wrapped in columns
    ]
    rag_column = row_looks.index("RAG")
    values = [value for _heading, value, _width, _wrapped in columns]
    for row_number, row in enumerate(review.rows, start=1):
        row_looks[rag_column] = f"RAG {row.rag}"
        looks.row(sheet, row_number, [value(row) for value in values], row_looks)
    _set_widths(sheet, [width for _heading, _value, width, _wrapped in columns])
    sheet.autofilter(0, 0, len(review.rows), len(columns) - 1)
    sheet.freeze_panes(1, 0)
    # Printed: landscape, a page wide, the header row on every page.
    sheet.repeat_rows(0)
    _print_landscape_a_page_wide(sheet)


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


# A breakdown row's looks after its label: "% complete" as a percentage.
_FIGURE_LOOKS = ["ruled percent" if h == "% complete" else "ruled" for h in FIGURE_HEADINGS]


def _breakdown_table(sheet, looks: _Looks, row: int, title: str, first_heading: str, groups):
    """Writes a breakdown from ``row``; returns the next free row."""
    looks.write(sheet, row, 0, title, "section")
    row += 1
    headings = [first_heading, *FIGURE_HEADINGS]
    looks.row(sheet, row, headings, ["heading"] * len(headings))
    row += 1

    def add(breakdown: Breakdown, level: int):
        nonlocal row
        bold = "bold " if level == 0 and breakdown.children else ""
        looks.row(
            sheet,
            row,
            [breakdown.label, *_figure_values(breakdown.figures)],
            [f"{bold}label {level}", *_FIGURE_LOOKS],
        )
        row += 1
        for child in breakdown.children:
            add(child, level + 1)

    for group in groups:
        add(group, 0)
    return row + 1


def _summary_sheet(sheet, review: QuarterlyReview, partnership_name: str, looks: _Looks):
    write = looks.write
    write(sheet, 0, 0, review.plan_title, "title")
    write(
        sheet, 1, 0, f"Quarterly review: {review.quarter_label} ({review.months_label})", "subtitle"
    )
    if review.is_closed:
        closed = date_format(timezone.localtime(review.closed_at), "j F Y")
        status = f"As closed on {closed}" + (f" by {review.closed_by}" if review.closed_by else "")
    else:
        prepared = date_format(timezone.localtime(review.generated_at), "j F Y")
        status = f"Prepared {prepared}: the quarter is not yet closed, so figures may change"
    write(sheet, 2, 0, status)
    if partnership_name:
        write(sheet, 3, 0, partnership_name)

    row = 5
    write(sheet, row, 0, "Headline figures", "section")
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
        looks.row(
            sheet,
            row,
            [label, value],
            ["ruled", "ruled percent" if label == "% complete" else "ruled"],
        )
        row += 1
    row += 1
    row = _breakdown_table(
        sheet, looks, row, "By priority and strand", "Priority and strand", review.by_priority
    )
    row = _breakdown_table(sheet, looks, row, "By theme", "Theme", review.by_theme)
    _breakdown_table(sheet, looks, row, "By lead agency", "Lead agency", review.by_agency)

    _set_widths(sheet, [44, *[12 for _ in FIGURE_HEADINGS]])
    _print_landscape_a_page_wide(sheet)


# --- the indicators sheet ------------------------------------------------------------------------


def _number_or_none(value):
    """A Decimal as a number Excel can add up (float), None as an empty cell."""
    return float(value) if value is not None else None


def _indicators_sheet(sheet, review: QuarterlyReview, looks: _Looks):
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
    looks.row(sheet, 0, headings, ["heading"] * len(headings))
    rating_column = headings.index("Rating")
    for row_number, row in enumerate(review.indicators, start=1):
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
        row_looks = ["wrapped"] * len(values)
        if row.value is not None and row.rating in IndicatorRating.values:
            row_looks[rating_column] = f"rated {row.rating}"
        looks.row(sheet, row_number, values, row_looks)
    _set_widths(sheet, widths)
    sheet.freeze_panes(1, 1)
    _print_landscape_a_page_wide(sheet)


def build_xlsx(review: QuarterlyReview, partnership_name: str = "") -> bytes:
    """The action table as an Excel workbook: an "Actions" sheet (one row per action, a strand
    column, filters on every column, the header row frozen), a "Summary" sheet with the
    headline figures and the breakdowns, and an "Indicators" sheet with each performance
    indicator against its target."""
    out = BytesIO()
    workbook = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,  # no temporary files
            # Text stays text: never read as a formula, a number or a link.
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
        },
    )
    looks = _Looks(workbook)
    _actions_sheet(workbook.add_worksheet("Actions"), review, looks)
    _summary_sheet(workbook.add_worksheet("Summary"), review, partnership_name, looks)
    _indicators_sheet(workbook.add_worksheet("Indicators"), review, looks)
    workbook.set_properties(
        {
            "title": _clean(f"{review.plan_title}: actions at {review.quarter_label}"),
            **({"author": _clean(partnership_name)} if partnership_name else {}),
        }
    )
    workbook.close()
    return out.getvalue()
