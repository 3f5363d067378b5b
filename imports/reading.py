"""Reading a council's spreadsheet of actions, laid out however its officers keep it, into rows
of values by field (columns.py).

spreadsheets/reading.py reads the file into sheets of cells and refuses what no upload may pass
on. This module finds the table on a sheet and reads it:

- the **heading row**: of the first rows, the one whose cells most look like headings (the words
  of columns.py score most); title rows above it are skipped;
- the **columns**: every column with a heading or with data under it, a column with no heading
  included ("Column A (no heading)"). Each is proposed a field from its heading, or else from
  what its cells hold (RAG words, completion words, references, dates, long text), or not
  imported; a mapping the administrator chose (or the partnership's remembered one) replaces
  the proposal. Nothing is dropped without a column saying "Not imported";
- **band rows**: a row with only its first cell filled (a merged row naming a priority, strand
  or theme above its group of actions). Each data row carries the bands above it, for the
  planner to take as priority and strand. Blank rows and repeated heading rows are skipped.

Whether a value makes sense (a known strand, a real organisation) is planning.py's question.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from actions.progress_words import Completions, plain, read_rag
from spreadsheets.reading import (  # noqa: F401 (the import's vocabulary)
    ACCEPTED,
    Cell,
    UnreadableFile,
    clean_text,
    looks_like_formula,
    max_bytes,
    read_workbook,
    size_label,
)

from .columns import COLUMNS_BY_KEY, column_for, heading_key

SHEET_NAME = "Actions"  # read in preference to the other sheets
HEADER_SEARCH_ROWS = 15
MAX_DATA_ROWS = 5_000
NOT_IMPORTED = ""
# A band row in a table whose first column is the action's text: only short text is a band.
MAX_BAND_LENGTH = 100


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
        self.rows_with_notes: set[int] = set()

    def add(self, row: int | None, column: str, message: str):
        rows = self._rows.setdefault((column, message), [])
        if row is not None:
            self.rows_with_notes.add(row)
            if row not in rows:
                rows.append(row)

    def __bool__(self):
        return bool(self._rows)

    def __len__(self):
        return len(self._rows)

    def about(self, row: int) -> bool:
        """Whether any note is about this row."""
        return row in self.rows_with_notes

    def as_list(self) -> list[Note]:
        notes = [
            Note(tuple(rows), column, message) for (column, message), rows in self._rows.items()
        ]
        return sorted(notes, key=lambda note: (note.rows[:1] or (0,), note.column))


@dataclass
class SourceColumn:
    """One column of the file's table and the field it is read as ("" for not imported)."""

    index: int  # 0 for column A
    heading: str  # as written; "" for a column with no heading
    field: str
    how: str  # "heading", "content", "remembered", "chosen", or "" (not imported)
    samples: tuple[str, ...] = ()  # the first few values, for the preview

    @property
    def letter(self) -> str:
        number, letters = self.index + 1, ""
        while number:
            number, remainder = divmod(number - 1, 26)
            letters = chr(65 + remainder) + letters
        return letters

    @property
    def label(self) -> str:
        return self.heading or f"Column {self.letter} (no heading)"

    @property
    def field_label(self) -> str:
        return COLUMNS_BY_KEY[self.field].heading if self.field else "Not imported"


@dataclass
class Row:
    """One data row: the spreadsheet's row number, its values by field (text trimmed; a
    number or date as the text the spreadsheet shows; TRUE/FALSE as booleans), and the band
    rows above it, highest first. Fields the file lacks are absent."""

    number: int
    values: dict[str, object]
    bands: tuple[str, ...] = ()
    # Fields whose cell was refused (a formula): a problem already says so.
    refused: set[str] = field(default_factory=set)

    def get(self, key: str, default=None):
        return self.values.get(key, default)


@dataclass
class Sheet:
    """What was read from one sheet: its table's columns and the fields they are read as, the
    data rows, the band rows' depth, and the problems found while reading."""

    filename: str
    sheet_name: str
    sheet_names: list[str]
    header_row: int
    columns: list[SourceColumn]
    rows: list[Row]
    band_levels: int = 0
    problems: Notes = field(default_factory=Notes)

    @property
    def headings(self) -> dict[str, str]:
        """Field -> the column's heading, for the fields the file has."""
        return {column.field: column.label for column in self.columns if column.field}

    @property
    def ignored_headings(self) -> list[str]:
        return [column.label for column in self.columns if not column.field]

    @property
    def fingerprint(self) -> str:
        """The layout: the headings in their places. The same layout next quarter has the same
        fingerprint, and the partnership's remembered mapping applies to it."""
        text = "|".join(f"{c.index}:{heading_key(c.heading)}" for c in self.columns)
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    def has(self, key: str) -> bool:
        return any(column.field == key for column in self.columns)

    def heading(self, key: str) -> str:
        return self.headings.get(key) or COLUMNS_BY_KEY[key].heading

    def mapping(self) -> dict[str, str]:
        """The mapping as stored: column index (as text) -> field."""
        return {str(column.index): column.field for column in self.columns}


def read_file(
    filename: str,
    content: bytes,
    *,
    sheet_name: str | None = None,
    mapping: dict | None = None,
    how: str = "chosen",
) -> Sheet:
    """Read an uploaded file's table. ``sheet_name`` chooses the sheet (default: "Actions",
    else the sheet whose table looks most like a plan's); ``mapping`` (column index -> field)
    replaces the proposed fields, ``how`` saying where it came from. Raises UnreadableFile for a
    file that cannot be imported at all."""
    workbook = read_workbook(filename, content)
    names = [sheet.name for sheet in workbook.sheets]
    chosen = None
    if sheet_name is not None and sheet_name in names:
        chosen = workbook.sheet(sheet_name)
    elif SHEET_NAME in names:
        chosen = workbook.sheet(SHEET_NAME)
    else:
        visible = [sheet for sheet in workbook.sheets if not sheet.hidden] or workbook.sheets
        chosen = max(visible, key=lambda sheet: _find_header(sheet.rows)[1])
    return _table(filename, chosen.name, names, chosen.rows, mapping, how)


# --- the heading row ------------------------------------------------------------------------------


def _is_heading_like(cell: Cell) -> bool:
    return isinstance(cell.value, str) and len(cell.value) <= 60 and "\n" not in cell.value


def _find_header(rows: list[list[Cell]]) -> tuple[int, int]:
    """(index, score) of the row of the first rows most like a heading row: known headings
    score most, then short labels. A row of fewer than two filled cells (a title) is none."""
    best_index, best_score = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        filled = [cell for cell in row if not cell.empty]
        if len(filled) < 2:
            continue
        labels = [cell for cell in filled if _is_heading_like(cell)]
        known = sum(1 for cell in labels if column_for(cell.value) is not None)
        # A heading row is mostly labels; a data row mostly is not.
        if len(labels) * 2 < len(filled) and not known:
            continue
        score = known * 10 + len(labels)
        if score > best_score:
            best_index, best_score = index, score
    if best_index is None:
        best_index = next((i for i, row in enumerate(rows) if any(not c.empty for c in row)), None)
    return (best_index if best_index is not None else -1), best_score


# --- the table ------------------------------------------------------------------------------------


def _table(filename, sheet_name, names, rows, mapping, how) -> Sheet:
    where = f"the sheet “{sheet_name}”" if sheet_name else "the file"
    header_index, _ = _find_header(rows)
    if header_index < 0:
        raise UnreadableFile(f"There is nothing in {where}: it has no rows to import.")
    header = rows[header_index]
    body = rows[header_index + 1 :]
    width = max([len(header), *(len(row) for row in body)], default=0)
    headings = [
        clean_text(str(header[i].shown or "")) if i < len(header) else "" for i in range(width)
    ]
    used = [
        i for i in range(width) if headings[i] or any(i < len(r) and not r[i].empty for r in body)
    ]
    if not used:
        raise UnreadableFile(f"There is nothing in {where} under its heading row.")
    first = used[0]
    header_keys = [heading_key(text) for text in headings]

    # Which rows are data, which are bands.
    kinds: list[tuple[int, str, list[Cell] | str]] = []  # (number, "data"|"band", cells|text)
    for offset, row in enumerate(body):
        number = header_index + 2 + offset
        filled = [i for i, cell in enumerate(row) if not cell.empty]
        if not filled:
            continue
        if [heading_key(c.shown) for c in row] == header_keys[: len(row)]:
            continue  # the heading row repeated (a table printed over pages)
        if len(filled) == 1 and filled[0] == first and isinstance(row[first].value, str):
            kinds.append((number, "band", row[first].value))
        else:
            kinds.append((number, "data", row))

    columns = _columns(headings, used, [row for _, kind, row in kinds if kind == "data"])
    if mapping:
        for column in columns:
            chosen = mapping.get(str(column.index))
            if chosen is not None and (chosen == NOT_IMPORTED or chosen in COLUMNS_BY_KEY):
                if chosen != column.field:
                    column.field, column.how = chosen, (how if chosen else "")
                elif how == "remembered" and chosen:
                    column.how = how
    action_column = next((c.index for c in columns if c.field == "action"), None)

    # A long "band" in the action column is an action with nothing else filled in.
    if action_column == first:
        kinds = [
            (number, "data", _only(text, first))
            if kind == "band" and len(text) > MAX_BAND_LENGTH
            else (number, kind, text)
            for number, kind, text in kinds
        ]
    levels = _band_levels(kinds)
    sheet = Sheet(filename, sheet_name, names, header_index + 1, columns, [], levels)
    _check_mapping(sheet)
    bands = [""] * levels
    run: list[str] = []
    for number, kind, content in kinds + [(0, "end", [])]:
        if kind == "band":
            run.append(content)
            continue
        if run:  # a run of k band rows sets the deepest k levels
            bands = bands[: levels - len(run)] + run[-levels:]
            run = []
        if kind == "data":
            sheet.rows.append(_row(number, content, columns, tuple(bands), sheet.problems))
    sheet.rows = [row for row in sheet.rows if row.values or row.refused]
    if len(sheet.rows) > MAX_DATA_ROWS:
        raise UnreadableFile(
            f"The file has {len(sheet.rows):,} actions: at most {MAX_DATA_ROWS:,} can be "
            "imported at once. Split it into smaller files."
        )
    return sheet


def _only(text: str, index: int) -> list[Cell]:
    return [Cell()] * index + [Cell(text, text)]


def _band_levels(kinds) -> int:
    """The depth of the band rows: the longest run of them (at most 3: priority, strand,
    theme)."""
    longest = current = 0
    for _, kind, _ in kinds:
        current = current + 1 if kind == "band" else 0
        longest = max(longest, current)
    return min(longest, 3)


def _check_mapping(sheet: Sheet):
    by_field: dict[str, list[SourceColumn]] = {}
    for column in sheet.columns:
        if column.field:
            by_field.setdefault(column.field, []).append(column)
    for key, columns in by_field.items():
        if len(columns) > 1:
            names = " and ".join(f"“{column.label}”" for column in columns)
            sheet.problems.add(
                None,
                "",
                f"Two columns, {names}, are read as {COLUMNS_BY_KEY[key].heading}. Choose "
                "“Not imported” or another field for one of them.",
            )
    if "action" not in by_field:
        sheet.problems.add(
            None,
            "",
            "No column is read as the action's text. Choose “Action” for the column that says "
            "what will be done.",
        )


def _row(number, cells, columns, bands, problems) -> Row:
    row = Row(number, {}, bands)
    for column in columns:
        if not column.field or column.index >= len(cells):
            continue
        cell = cells[column.index]
        if cell.formula:
            shown = cell.shown if len(cell.shown) <= 40 else cell.shown[:39] + "…"
            problems.add(
                number,
                column.label,
                f"holds a formula, “{shown}”, which a spreadsheet would run. Remove the formula, "
                "or type the text without it.",
            )
            row.refused.add(column.field)
            continue
        if cell.empty:
            continue
        # A number or date is taken as the text the spreadsheet shows ("Apr-25", "1.10").
        row.values[column.field] = cell.value if isinstance(cell.value, bool) else cell.shown
    return row


# --- proposing a field for each column ------------------------------------------------------------

_REFERENCE = re.compile(r"^[A-Za-z]{0,4}[ .-]?\d{1,3}(?:[.-]\d{1,3}){0,3}[a-z]?\.?$")
_DATE_LIKE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|\bq[1-4]\b|\d{1,2}/\d{1,2}"
    r"|\b20\d\d\b|\bongoing\b|\bannual|\bquarterly\b|\bmonthly\b|\btbc\b|\bwithin\b",
    re.IGNORECASE,
)
_COMPLETION_WORDS = None


def _completion_words() -> set[str]:
    global _COMPLETION_WORDS
    if _COMPLETION_WORDS is None:
        from actions.progress_words import COMPLETION_WORDS

        _COMPLETION_WORDS = {plain(word) for word in COMPLETION_WORDS}
    return _COMPLETION_WORDS


def _content_field(values: list[str], completion_words: set[str]) -> str:
    """The field a column's values look like, or "" when they say nothing clear;
    ``completion_words`` are the words (and the partnership's status names) of a completion."""
    if not values:
        return ""
    share = len(values)

    def most(test) -> bool:
        return sum(1 for value in values if test(value)) * 10 >= share * 7

    if most(lambda v: read_rag(v) is not None and len(v) <= 20):
        return "rag"
    if most(lambda v: plain(v) in completion_words):
        return "completed"
    if most(lambda v: bool(_REFERENCE.match(v))):
        return "reference"
    if most(lambda v: len(v) <= 40 and bool(_DATE_LIKE.search(v))):
        return "timeframe"
    if sum(len(value) for value in values) / share >= 60:
        return "action"
    return ""


def _completion_like(values: list[str], completion_words: set[str]) -> bool:
    """Whether every value is a completion word or status name ("Done", "Complete")."""
    return bool(values) and all(plain(value) in completion_words for value in values)


def _status_names() -> set[str]:
    try:
        return {plain(status.name) for status in Completions().statuses}
    except Exception:  # no database (a unit test of reading alone)
        return set()


def _columns(headings, used, data_rows) -> list[SourceColumn]:
    columns = []
    taken: set[str] = set()
    completion_words = _completion_words() | _status_names()  # one query for the whole sheet
    for index in used:
        values = [
            str(row[index].shown)
            for row in data_rows
            if index < len(row) and not row[index].empty and not row[index].formula
        ]
        by_heading = column_for(headings[index]) if headings[index] else None
        by_content = _content_field(values[:200], completion_words)
        proposal, how = "", ""
        if by_heading is not None:
            proposal, how = by_heading.key, "heading"
            # "Status" or "Progress" holding Red/Amber/Green is the RAG rating; "Completed"
            # holding "Done" or "Complete" (RAG words too) is still the completion.
            if (
                by_content == "rag"
                and proposal in {"completed", "progress"}
                and not _completion_like(values[:200], completion_words)
            ):
                proposal = "rag"
            # "Status" holding sentences is the progress narrative.
            if proposal == "completed" and not by_content and values:
                average = sum(len(value) for value in values) / len(values)
                if average >= 40:
                    proposal = "progress"
        elif by_content and values:
            proposal, how = by_content, "content"
        if proposal in taken:
            # A second long-text column after the action is most often the progress narrative.
            if proposal == "action" and how == "content" and "progress" not in taken:
                proposal = "progress"
            else:
                proposal, how = "", ""
        if proposal:
            taken.add(proposal)
        columns.append(SourceColumn(index, headings[index], proposal, how, tuple(values[:3])))
    return columns
