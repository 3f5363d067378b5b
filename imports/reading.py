"""Reading an uploaded spreadsheet (``.xlsx`` or ``.csv``) into rows of cell values.

Reading knows nothing of the plan: it finds the heading row, maps the headings to the import's
columns (columns.py), trims the text, and refuses what it must not pass on: a file that is not a
spreadsheet, one too large, and any cell a spreadsheet would run as a formula ("formula
injection"). Cells our own exports neutralised (reviews/spreadsheets.py: an xlsx text cell with
Excel's quote prefix, a csv cell with a leading apostrophe) are read back as the text they hold.

Whether a value makes sense (a known strand, a real agency) is planning.py's question.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import PurePath

from django.conf import settings

from .columns import COLUMNS_BY_KEY, REQUIRED, column_for

SHEET_NAME = "Actions"  # read in preference to the first sheet
HEADER_SEARCH_ROWS = 10
MAX_DATA_ROWS = 5_000
# Rows read at most, empty ones included: a sheet padded with a million empty rows is refused
# rather than walked through.
MAX_SHEET_ROWS = 50_000
MAX_COLUMNS = 100
# The most an .xlsx may unpack to. A real plan of 5,000 actions is a few megabytes; a "zip bomb"
# is a small file that unpacks to gigabytes.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

FORMULA_STARTS = ("=", "+", "-", "@")
# After "+", "-" or "@", what makes the text a formula rather than, say, "- a list item" or
# "-5%": a function call, a cell reference, a pipe (DDE: "cmd|' /C calc'!A0") or a reference
# to another sheet ("Sheet1!A1").
_FORMULA_AFTER_SIGN = re.compile(
    r"^\s*[A-Za-z_][\w.]*\s*\("  # SUM(, HYPERLINK (
    r"|[A-Za-z_][\w.]*\("  # a call anywhere
    r"|^\s*\$?[A-Za-z]{1,3}\$?\d+\b"  # A1, $B$2
    r"|\|"
    r"|![$A-Za-z]"
    r"|^[=+\-@]"
)
# Nothing a spreadsheet holds as text needs these; pasted from Word they are just noise.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

ACCEPTED = "an Excel workbook (.xlsx) or a CSV file (.csv)"


class UnreadableFile(Exception):
    """The file cannot be imported at all; the message says why and what to do."""


@dataclass(frozen=True)
class Note:
    """A problem (nothing is imported until it is fixed) or a warning (imported as it says)
    about one or more rows of the file, and the column it is in."""

    rows: tuple[int, ...]  # spreadsheet row numbers; empty for the file as a whole
    column: str  # the column's heading as the file has it; "" for the row or file as a whole
    message: str

    @property
    def where(self) -> str:
        if not self.rows:
            return self.column
        if len(self.rows) == 1:
            rows = f"Row {self.rows[0]}"
        elif len(self.rows) <= 10:
            rows = "Rows " + ", ".join(map(str, self.rows[:-1])) + f" and {self.rows[-1]}"
        else:
            rows = (
                "Rows " + ", ".join(map(str, self.rows[:10])) + f" and {len(self.rows) - 10} more"
            )
        return f"{rows}, {self.column}" if self.column else rows

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class Notes:
    """Problems or warnings, one per distinct message: a misspelt strand on forty rows is one
    problem listing the forty rows."""

    def __init__(self):
        self._rows: dict[tuple[str, str], list[int]] = {}

    def add(self, row: int | None, column: str, message: str):
        rows = self._rows.setdefault((column, message), [])
        if row is not None and row not in rows:
            rows.append(row)

    def __bool__(self):
        return bool(self._rows)

    def __len__(self):
        return len(self._rows)

    def as_list(self) -> list[Note]:
        notes = [
            Note(tuple(rows), column, message) for (column, message), rows in self._rows.items()
        ]
        return sorted(notes, key=lambda note: (note.rows[:1] or (0,), note.column))


@dataclass
class Row:
    """One data row: the spreadsheet's row number and its cells by column key (text trimmed;
    numbers, dates and booleans as the workbook typed them). Columns the file lacks are absent."""

    number: int
    values: dict[str, object]
    # Columns whose cell was refused (a formula): a problem already says so.
    refused: set[str] = field(default_factory=set)

    def get(self, key: str, default=None):
        return self.values.get(key, default)


@dataclass
class Sheet:
    """What was read: the rows, which of the import's columns the file has (key -> heading as
    written), the headings it does not import, and the problems found while reading."""

    filename: str
    sheet_name: str
    header_row: int
    headings: dict[str, str]
    ignored_headings: list[str]
    rows: list[Row]
    problems: Notes = field(default_factory=Notes)

    def has(self, key: str) -> bool:
        return key in self.headings

    def heading(self, key: str) -> str:
        return self.headings.get(key) or COLUMNS_BY_KEY[key].heading


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def size_label(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes >= 1 else f"{size / 1024:.0f} KB"


def read_file(filename: str, content: bytes) -> Sheet:
    """Read an uploaded file. Raises UnreadableFile for a file that cannot be imported at all:
    not a spreadsheet, too large, too many rows, or without the required columns."""
    if len(content) > max_bytes():
        raise UnreadableFile(
            f"The file is {size_label(len(content))}: the largest file that can be imported is "
            f"{size_label(max_bytes())}. Remove other sheets, pictures or unused rows, or split "
            "the plan into two files."
        )
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xlsx":
        grid, sheet_name = _xlsx_grid(content)
    elif suffix == ".csv":
        grid, sheet_name = _csv_grid(content), ""
    elif suffix == ".xls":
        raise UnreadableFile(
            "This is an older Excel file (.xls). Open it in Excel and save it as an Excel "
            "Workbook (.xlsx), or as CSV, and upload that."
        )
    else:
        raise UnreadableFile(
            f"“{filename}” is not a spreadsheet this service reads: upload {ACCEPTED}."
        )
    return _sheet(filename, sheet_name, grid)


# --- xlsx ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cell:
    value: object
    formula: bool = False  # a formula cell, or text that would run as one
    text_prefixed: bool = False  # text neutralised by our export: take it as written


# Every empty cell of a workbook: one object, however many there are.
_EMPTY = _Cell(None)


def _xlsx_grid(content: bytes):
    from openpyxl import load_workbook

    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise _misnamed(content, "an Excel workbook", ".xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UnreadableFile(
            f"This file is damaged and cannot be opened. Upload {ACCEPTED}."
        ) from None
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile(
            f"This workbook unpacks to {size_label(unpacked)}, more than the "
            f"{size_label(MAX_UNCOMPRESSED_BYTES)} an import may hold. Copy the actions into a "
            "new workbook (or the import template) and upload that."
        )
    if "xl/workbook.xml" not in names:
        raise UnreadableFile(
            "This file is a zip archive but not an Excel workbook (a Word document, say). "
            f"Upload {ACCEPTED}."
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise UnreadableFile(
            "This workbook could not be read: it may be damaged, protected by a password or "
            "not really an Excel workbook. Open it in Excel, save it again and upload it, or "
            "upload it as CSV."
        ) from None
    try:
        sheet = (
            workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        )
        # Read-only mode trusts the size the sheet declares (<dimension ref="A1:C3"/>), which
        # the program that wrote it may have got wrong: rows beyond it would be lost unread.
        sheet.reset_dimensions()
        # Each row as long as the file has it, cut by _grid: iter_rows(max_col=...) would pad
        # every row to that many cells, 6 million for a sheet of 60,000 one-cell rows.
        return _grid(sheet.iter_rows(), _xlsx_cell), sheet.title
    except UnreadableFile:
        raise
    except Exception:
        raise UnreadableFile(
            "This workbook could not be read: it may be damaged. Open it in Excel, save it again "
            "and upload it, or upload it as CSV."
        ) from None
    finally:
        workbook.close()


def _xlsx_cell(cell) -> _Cell:
    value = getattr(cell, "value", None)
    if value is None and getattr(cell, "data_type", None) != "f":
        return _EMPTY
    if getattr(cell, "data_type", None) == "f":
        return _Cell(str(getattr(value, "text", value)), formula=True)
    if isinstance(value, str):
        style = getattr(cell, "style_array", None)
        return _Cell(value, text_prefixed=bool(style is not None and style.quotePrefix))
    return _Cell(value)


# --- csv ----------------------------------------------------------------------------------------


def _csv_grid(content: bytes):
    if b"\x00" in content[:65536]:
        raise _misnamed(content, "a CSV file", ".csv", unknown=": it holds binary data")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise UnreadableFile(
                "This CSV file's text could not be read. Save it from Excel as “CSV UTF-8 "
                "(Comma delimited)” and upload it again."
            ) from None
    # Excel writes ";" where the decimal separator is a comma, and some people save tab-separated
    # text as .csv: the first lines (the heading row among them) say which.
    top = "\n".join(text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS])
    delimiter = max([",", ";", "\t"], key=top.count)
    try:
        return _grid(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), _csv_cell)
    except csv.Error as error:
        raise UnreadableFile(
            f"This CSV file could not be read ({error}). Upload {ACCEPTED}."
        ) from None


def _csv_cell(value: str) -> _Cell:
    # Our csv export writes "'=..." for text that starts like a formula (OWASP's advice).
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return _Cell(value[1:], text_prefixed=True)
    return _Cell(value)


# --- either kind -------------------------------------------------------------------------------


def _grid(rows, read_cell) -> list[list[_Cell]]:
    """Each row's cells read with ``read_cell``, no more than MAX_COLUMNS of them; refused as
    soon as there are more than MAX_SHEET_ROWS rows, so that a sheet padded with empty rows costs
    no more than the limit to refuse."""
    grid = []
    for row in rows:
        if len(grid) >= MAX_SHEET_ROWS:
            raise UnreadableFile(
                f"The sheet has more than {MAX_SHEET_ROWS:,} rows. Remove the empty rows below the "
                "actions, or copy the actions into the import template, and upload it again."
            )
        grid.append([read_cell(value) for value in row[:MAX_COLUMNS]])
    return grid


def _misnamed(content: bytes, what: str, suffix: str, unknown: str = "") -> UnreadableFile:
    """The refusal of a file whose content is not what its name says (``what``): saying what it
    looks like instead when that can be told, ``unknown`` otherwise."""
    kind = _looks_like(content)
    return UnreadableFile(
        f"This file is not {what}"
        + (f" (it looks like {kind})" if kind else unknown)
        + f" although its name ends in {suffix}. Upload {ACCEPTED}."
    )


def _looks_like(content: bytes) -> str:
    starts = {
        b"%PDF": "a PDF",
        b"\xd0\xcf\x11\xe0": "an older Office file (.xls or .doc)",
        b"PK\x03\x04": "an Excel workbook or another zip file",
        b"\x89PNG": "a PNG picture",
        b"\xff\xd8\xff": "a JPEG picture",
        b"GIF8": "a GIF picture",
        b"{\\rtf": "a Rich Text document",
    }
    for start, kind in starts.items():
        if content.startswith(start):
            return kind
    return ""


# --- from cells to rows ---------------------------------------------------------------------------


def clean_text(text: str) -> str:
    """Text as stored: non-breaking spaces as spaces, Windows line ends as "\\n", control
    characters removed, each line's trailing spaces and the whole trimmed."""
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\r\n", "\n")
    text = _CONTROL.sub("", text.replace("\r", "\n"))
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet would run this text as a formula when the cell is typed in or the
    file opened."""
    if not text or text[0] not in FORMULA_STARTS:
        return False
    return text[0] == "=" or bool(_FORMULA_AFTER_SIGN.search(text[1:]))


def _sheet(filename: str, sheet_name: str, grid: list[list[_Cell]]) -> Sheet:
    header_index, columns = _find_header(grid, sheet_name)
    headings: dict[str, str] = {}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for position, cell in enumerate(grid[header_index]):
        written = clean_text(str(cell.value)) if cell.value is not None else ""
        if not written:
            continue
        column = column_for(written)
        if column is None:
            ignored.append(written)
            continue
        if column.key in headings:
            raise UnreadableFile(
                f"Two columns are headed “{headings[column.key]}” and “{written}”: both mean "
                f"{column.heading}. Keep one of them and upload the file again."
            )
        headings[column.key] = written
        positions[column.key] = position
    sheet = Sheet(filename, sheet_name, header_index + 1, headings, ignored, [])
    for index in range(header_index + 1, len(grid)):
        number = index + 1
        row = Row(number, {})
        for key, position in positions.items():
            cell = grid[index][position] if position < len(grid[index]) else _Cell(None)
            value = _value(cell, number, headings[key], sheet.problems)
            if value is None and cell.value not in (None, ""):
                row.refused.add(key)
            elif value is not None and value != "":
                row.values[key] = value
        if row.values:
            sheet.rows.append(row)
    if len(sheet.rows) > MAX_DATA_ROWS:
        raise UnreadableFile(
            f"The file has {len(sheet.rows):,} actions: at most {MAX_DATA_ROWS:,} can be "
            "imported at once. Split it into smaller files."
        )
    return sheet


def _value(cell: _Cell, row: int, heading: str, problems: Notes):
    value = cell.value
    if cell.formula:
        shown = value if len(value) <= 40 else value[:39] + "…"
        problems.add(
            row,
            heading,
            f"holds a formula, “{shown}”, which a spreadsheet would run. Remove the formula, or "
            "type the text without it.",
        )
        return None
    if isinstance(value, str):
        text = clean_text(value)
        if not cell.text_prefixed and looks_like_formula(text):
            problems.add(
                row,
                heading,
                f"starts with “{text[0]}”, which a spreadsheet would run as a formula. Remove the "
                "formula, or type the text without it.",
            )
            return None
        return text
    if isinstance(value, datetime) and value.time() == time(0, 0):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _find_header(grid: list[list[_Cell]], sheet_name: str) -> tuple[int, dict]:
    """The index of the first row (of the first ten) that has every required heading."""
    best = None
    for index, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        found = {
            column.key
            for cell in row
            if isinstance(cell.value, str) and (column := column_for(cell.value)) is not None
        }
        missing = [column.heading for column in REQUIRED if column.key not in found]
        if not missing:
            return index, found
        if found and (best is None or len(missing) < len(best[1])):
            best = (index, missing)
    where = f"the sheet “{sheet_name}”" if sheet_name else "the file"
    needed = _and([f"“{column.heading}”" for column in REQUIRED])
    if not grid or not any(cell.value not in (None, "") for row in grid for cell in row):
        raise UnreadableFile(f"There is nothing in {where}: it has no rows to import.")
    if best is None:
        raise UnreadableFile(
            f"No row at the top of {where} has the headings {needed} (the first "
            f"{HEADER_SEARCH_ROWS} rows were searched). Add a heading row like the import "
            "template's and upload it again."
        )
    index, missing = best
    raise UnreadableFile(
        f"The heading row of {where} (row {index + 1}) has no column "
        + _and([f"“{heading}”" for heading in missing], "or")
        + f": every import needs {needed}. Add the missing column and upload it again."
    )


def _and(items: list[str], word: str = "and") -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" {word} {items[-1]}"
