"""Reading an uploaded spreadsheet (``.xlsx``, older ``.xls`` or ``.csv``) into sheets of cells.

Reading knows nothing of plans or people: it refuses what no import may pass on (a file that is
not a spreadsheet, one too large, a "zip bomb", a sheet of a million rows) and reads every sheet
into rows of cells, each with its value and the text the spreadsheet shows for it ("Apr-25" for a
date cell formatted ``mmm-yy``). A cell a spreadsheet would run as a formula ("formula injection")
is marked, never passed on as text. Cells our own exports neutralised (an xlsx text cell with
Excel's quote prefix, a csv cell with a leading apostrophe) are read back as the text they hold.

What the cells mean is the caller's question: imports/ (a plan's actions), bulkupdates/ (a
quarter's progress), invitations/ (people to invite).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath

from django.conf import settings

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Rows read at most per sheet, empty ones included: a sheet padded with a million empty rows is
# refused rather than walked through.
MAX_SHEET_ROWS = 50_000
MAX_COLUMNS = 100
MAX_SHEETS = 50
# The most an .xlsx may unpack to. A real plan of 5,000 actions is a few megabytes; a "zip bomb"
# is a small file that unpacks to gigabytes.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024

ACCEPTED = "an Excel workbook (.xlsx), an older Excel file (.xls) or a CSV file (.csv)"
SUFFIXES = (".xlsx", ".xls", ".csv")

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


class UnreadableFile(Exception):
    """The file cannot be read at all; the message says why and what to do."""


@dataclass(frozen=True)
class Cell:
    """One cell: its ``value`` (text cleaned and trimmed; a number, date, date and time or
    boolean as the workbook typed it; None when empty) and ``shown``, the text the spreadsheet
    displays. A ``formula`` cell (or text that would run as one) has no value: ``shown`` holds
    the formula, for the message that refuses it."""

    value: object = None
    shown: str = ""
    formula: bool = False

    @property
    def empty(self) -> bool:
        return not self.formula and (self.value is None or self.value == "")


EMPTY = Cell()


@dataclass
class Sheet:
    """A sheet's rows, empty ones included: row number ``n`` is ``rows[n - 1]``. Each row is as
    long as its last filled cell."""

    name: str
    rows: list[list[Cell]] = field(default_factory=list)
    hidden: bool = False


@dataclass
class Workbook:
    filename: str
    sheets: list[Sheet]

    def sheet(self, name: str | None) -> Sheet:
        """The sheet of that name; the first visible sheet for None or a name it lacks."""
        for sheet in self.sheets:
            if sheet.name == name:
                return sheet
        return next((sheet for sheet in self.sheets if not sheet.hidden), self.sheets[0])


def max_bytes() -> int:
    return getattr(settings, "IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)


def size_label(size: int) -> str:
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes >= 1 else f"{size / 1024:.0f} KB"


def too_large(size: int, limit: int | None = None) -> str:
    """The refusal of a file of ``size`` bytes, or "" when it is small enough."""
    limit = max_bytes() if limit is None else limit
    if size <= limit:
        return ""
    return (
        f"The file is {size_label(size)}: the largest file that can be uploaded is "
        f"{size_label(limit)}. Remove other sheets, pictures or unused rows, or split it into "
        "two files."
    )


def read_workbook(filename: str, content: bytes, *, max_bytes: int | None = None) -> Workbook:
    """Every sheet of an uploaded file (a CSV file is one sheet named ""). Raises UnreadableFile
    for a file that cannot be read: not a spreadsheet, too large, damaged, or too many rows."""
    refused = too_large(len(content), max_bytes)
    if refused:
        raise UnreadableFile(refused)
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xlsx":
        sheets = _xlsx_sheets(content)
    elif suffix == ".xls":
        sheets = _xls_sheets(content)
    elif suffix == ".csv":
        sheets = [Sheet("", _csv_rows(content))]
    else:
        raise UnreadableFile(
            f"“{filename}” is not a spreadsheet this service reads: upload {ACCEPTED}."
        )
    if not sheets:
        raise UnreadableFile(f"This workbook has no sheets of cells. Upload {ACCEPTED}.")
    return Workbook(filename, sheets)


# --- text ---------------------------------------------------------------------------------------


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


def _text_cell(text: str, *, neutralised: bool = False) -> Cell:
    cleaned = clean_text(text)
    if not cleaned:
        return EMPTY
    if not neutralised and looks_like_formula(cleaned):
        return Cell(None, cleaned, formula=True)
    return Cell(cleaned, cleaned)


def _typed_cell(value, number_format: str = "General") -> Cell:
    """A cell holding a number, date, time or boolean, and the text it shows."""
    if value is None:
        return EMPTY
    if isinstance(value, str):
        return _text_cell(value)
    if isinstance(value, bool):
        return Cell(value, "TRUE" if value else "FALSE")
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return Cell(value.date(), shown_date(value, number_format))
        return Cell(value, shown_date(value, number_format))
    if isinstance(value, date):
        return Cell(value, shown_date(value, number_format))
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int | float):
        return Cell(value, _shown_number(value, number_format))
    return _text_cell(str(value))


def _shown_number(value, number_format: str) -> str:
    if "%" in (number_format or ""):
        decimals = len(number_format.split(".")[1].rstrip("%")) if "." in number_format else 0
        return f"{value * 100:.{decimals}f}%"
    if isinstance(value, float):
        return format(value, "g") if abs(value) < 1e15 else str(value)
    return str(value)


# Excel's date format codes, longest first, and what they become.
_DATE_CODES = [
    ("yyyy", "%Y"),
    ("yy", "%y"),
    ("mmmmm", "%b"),  # the month's first letter: shown as its short name, which reads
    ("mmmm", "%B"),
    ("mmm", "%b"),
    ("mm", "%m"),
    ("m", "%-m"),
    ("dddd", "%A"),
    ("ddd", "%a"),
    ("dd", "%d"),
    ("d", "%-d"),
]
_FORMAT_NOISE = re.compile(r"\[[^\]]*\]|\\|\"|_.|\*.")
_DEFAULT_DATE = "%-d %B %Y"


def shown_date(value: date, number_format: str) -> str:
    """The text Excel shows for a date cell in ``number_format`` ("mmm-yy" → "Apr-25"). A
    format with a time part or none it knows shows the date as "1 April 2025"."""
    code = _FORMAT_NOISE.sub("", (number_format or "").split(";")[0]).strip()
    lowered = code.lower()
    if not lowered or lowered == "general" or any(part in lowered for part in ("h", "s", "0")):
        return _strftime(value, _DEFAULT_DATE)
    pattern, index = "", 0
    while index < len(lowered):
        for token, directive in _DATE_CODES:
            if lowered.startswith(token, index):
                pattern += directive
                index += len(token)
                break
        else:
            character = code[index]
            pattern += "%%" if character == "%" else character
            index += 1
    return _strftime(value, pattern) or _strftime(value, _DEFAULT_DATE)


def _strftime(value: date, pattern: str) -> str:
    # "%-d" (no leading zero) is not portable: done by hand.
    pattern = pattern.replace("%-d", str(value.day)).replace("%-m", str(value.month))
    return value.strftime(pattern)


# --- xlsx ---------------------------------------------------------------------------------------


def _xlsx_sheets(content: bytes) -> list[Sheet]:
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
            f"{size_label(MAX_UNCOMPRESSED_BYTES)} an upload may hold. Copy the rows into a "
            "new workbook and upload that."
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
        sheets = []
        for worksheet in workbook.worksheets[:MAX_SHEETS]:
            if not hasattr(worksheet, "iter_rows"):
                continue  # a chart sheet
            # Read-only mode trusts the size the sheet declares (<dimension ref="A1:C3"/>),
            # which the program that wrote it may have got wrong: rows beyond it would be lost.
            worksheet.reset_dimensions()
            sheets.append(
                Sheet(
                    worksheet.title,
                    _rows(worksheet.iter_rows(), _xlsx_cell, worksheet.title),
                    hidden=getattr(worksheet, "sheet_state", "visible") != "visible",
                )
            )
        return sheets
    except UnreadableFile:
        raise
    except Exception:
        raise UnreadableFile(
            "This workbook could not be read: it may be damaged. Open it in Excel, save it again "
            "and upload it, or upload it as CSV."
        ) from None
    finally:
        workbook.close()


def _xlsx_cell(cell) -> Cell:
    value = getattr(cell, "value", None)
    data_type = getattr(cell, "data_type", None)
    if data_type == "f":
        return Cell(None, str(getattr(value, "text", value)), formula=True)
    if value is None:
        return EMPTY
    if isinstance(value, str):
        if data_type == "e":  # an error such as #N/A: shown as it is, never a formula
            return Cell(value, value)
        style = getattr(cell, "style_array", None)
        return _text_cell(value, neutralised=bool(style is not None and style.quotePrefix))
    return _typed_cell(value, getattr(cell, "number_format", "General") or "General")


# --- xls ----------------------------------------------------------------------------------------


def _xls_sheets(content: bytes) -> list[Sheet]:
    import xlrd

    if not content.startswith(b"\xd0\xcf\x11\xe0"):
        raise _misnamed(content, "an older Excel file", ".xls")
    try:
        book = xlrd.open_workbook(file_contents=content, formatting_info=True, on_demand=True)
    except Exception:  # xlrd raises many kinds for a damaged file
        raise UnreadableFile(
            "This older Excel file (.xls) could not be read: it may be damaged or protected by "
            "a password. Open it in Excel, save it as an Excel Workbook (.xlsx) and upload that."
        ) from None
    try:
        sheets = []
        for index in range(min(book.nsheets, MAX_SHEETS)):
            worksheet = book.sheet_by_index(index)
            if worksheet.nrows > MAX_SHEET_ROWS:
                raise _too_many_rows(worksheet.name)
            rows = (
                [(worksheet.cell(row, column), book) for column in range(worksheet.row_len(row))]
                for row in range(worksheet.nrows)
            )
            sheets.append(
                Sheet(
                    worksheet.name,
                    _rows(rows, _xls_cell, worksheet.name),
                    hidden=worksheet.visibility != 0,
                )
            )
        return sheets
    except UnreadableFile:
        raise
    except Exception:
        raise UnreadableFile(
            "This older Excel file (.xls) could not be read. Open it in Excel, save it as an "
            "Excel Workbook (.xlsx) and upload that."
        ) from None
    finally:
        book.release_resources()


def _xls_cell(cell_and_book) -> Cell:
    import xlrd

    cell, book = cell_and_book
    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return EMPTY
    if kind == xlrd.XL_CELL_TEXT:
        return _text_cell(cell.value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return _typed_cell(bool(cell.value))
    if kind == xlrd.XL_CELL_ERROR:
        shown = xlrd.error_text_from_code.get(cell.value, "#ERROR")
        return Cell(shown, shown)
    number_format = "General"
    try:
        format_key = book.xf_list[cell.xf_index].format_key
        number_format = book.format_map[format_key].format_str or "General"
    except (AttributeError, IndexError, KeyError, TypeError):
        pass
    if kind == xlrd.XL_CELL_DATE:
        try:
            moment = xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
            return _typed_cell(moment, number_format)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return _typed_cell(cell.value)
    return _typed_cell(cell.value, number_format)


# --- csv ----------------------------------------------------------------------------------------


def _csv_rows(content: bytes) -> list[list[Cell]]:
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
    top = "\n".join(text.split("\n", 10)[:10])
    delimiter = max([",", ";", "\t"], key=top.count)
    try:
        return _rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), _csv_cell, "")
    except csv.Error as error:
        raise UnreadableFile(
            f"This CSV file could not be read ({error}). Upload {ACCEPTED}."
        ) from None


def _csv_cell(value: str) -> Cell:
    # Our csv exports write "'=..." for text that starts like a formula (OWASP's advice).
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return _text_cell(value[1:], neutralised=True)
    return _text_cell(value)


# --- either kind ---------------------------------------------------------------------------------


def _rows(rows, read_cell, sheet_name: str) -> list[list[Cell]]:
    """Each row's cells read with ``read_cell``, no more than MAX_COLUMNS of them and without
    the empty cells after the last filled one; refused as soon as there are more than
    MAX_SHEET_ROWS rows, so that a sheet padded with empty rows costs no more than the limit."""
    read = []
    for row in rows:
        if len(read) >= MAX_SHEET_ROWS:
            raise _too_many_rows(sheet_name)
        cells = [read_cell(value) for value in row[:MAX_COLUMNS]]
        while cells and cells[-1] is EMPTY:
            cells.pop()
        read.append(cells)
    return read


def _too_many_rows(sheet_name: str) -> UnreadableFile:
    where = f"The sheet “{sheet_name}”" if sheet_name else "The file"
    return UnreadableFile(
        f"{where} has more than {MAX_SHEET_ROWS:,} rows. Remove the empty rows below the table, "
        "or copy the table into a new sheet, and upload it again."
    )


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
