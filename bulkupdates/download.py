"""The progress spreadsheet an officer downloads: their actions in one plan, for one quarter,
with what is recorded now filled in, ready to fill in offline and upload again.

Each row carries, in hidden columns, the action, the plan and quarter, the versions of the action
and of the quarter's update as downloaded and a fingerprint of the values written (see
columns.py). Text people typed is never allowed to become a formula when the file is opened:
every text cell is stored as text, and one that starts like a formula gets Excel's quote prefix
(as reviews/outputs/spreadsheets.py does; spreadsheets.reading reads such a cell back as text).
"""

from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from actions.models import Action, ProgressUpdate
from actions.progress_words import RAG_HELP, Completions
from govuk import svg
from plans.models import AnnualPlan
from plans.quarters import Quarter
from plans.ratings import RAG_ORDER, RAG_RATINGS
from spreadsheets.writing import put_text

from .columns import COLUMNS, HIDDEN, NO, READ, YES, fingerprint, same_text

SHEET = "Progress"
LISTS_SHEET = "Lists"
HELP_SHEET = "How to fill this in"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _colour(hex_colour: str) -> str:
    return hex_colour.lstrip("#").upper()


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor=_colour(svg.MID_GREY))
READ_FILL = PatternFill("solid", fgColor=_colour(svg.LIGHT_GREY))
HEADER_BORDER = Border(bottom=Side(style="medium", color=_colour(svg.BLACK)))
TOP_WRAPPED = Alignment(vertical="top", wrap_text=True)


@dataclass
class DownloadRow:
    """One action's row, as written."""

    action: Action
    previous: ProgressUpdate | None  # the latest update of an earlier quarter
    current: ProgressUpdate | None  # this quarter's update
    rag: str | None
    narrative: str
    internal: bool

    @property
    def values(self) -> dict:
        action = self.action
        return {
            "reference": action.reference,
            "priority": action.strand.priority.title,
            "strand": action.strand.title,
            "action": action.text,
            "lead": lead_of(action),
            "timeframe": action.timeframe.wording if action.timeframe_id else "",
            "previous_rag": (
                f"{RAG_RATINGS[self.previous.rag_rating].name} "
                f"({self.action.plan.quarter(self.previous.quarter).label})"
                if self.previous
                else ""
            ),
            "previous_narrative": self.previous.narrative if self.previous else "",
            "rag_rating": RAG_RATINGS[self.rag].label if self.rag else "",
            "completion": action.completion_status.name,
            "completion_note": same_text(action.completion_note),
            "narrative": same_text(self.narrative),
            "internal": YES if self.internal else NO,
            "action_id": action.pk,
            "action_version": action.version,
            "update_version": self.current.version if self.current else None,
        }


def lead_of(action: Action) -> str:
    """ "Lewisham Council: Sam Patel"."""
    parts = []
    if action.lead_agency_id:
        parts.append(action.lead_agency.name)
    if action.lead_officer_id:
        officer = action.lead_officer
        parts.append(officer.get_full_name() or officer.username)
    return ": ".join(parts)


def download_rows(plan: AnnualPlan, quarter: Quarter, user) -> list[DownloadRow]:
    """The actions of the plan the person may record progress on, in plan order, each with what
    the quarter's row starts with: that quarter's update if there is one, else the latest
    earlier one's rating, narrative and internal flag (to edit rather than type again)."""
    actions = list(
        Action.objects.editable_by(user)
        .filter(strand__priority__plan=plan)
        .select_related(
            "strand__priority__plan",
            "lead_agency",
            "lead_officer",
            "timeframe",
            "completion_status",
        )
        .in_plan_order()
    )
    updates = ProgressUpdate.objects.filter(
        action__in=[action.pk for action in actions], quarter__lte=quarter.number
    ).order_by("action_id", "quarter")
    current, previous = {}, {}
    for update in updates:  # in quarter order: the last earlier one wins
        if update.quarter == quarter.number:
            current[update.action_id] = update
        else:
            previous[update.action_id] = update
    rows = []
    for action in actions:
        this_quarter = current.get(action.pk)
        shown = this_quarter or previous.get(action.pk)
        rows.append(
            DownloadRow(
                action=action,
                previous=previous.get(action.pk),
                current=this_quarter,
                rag=shown.rag_rating if shown else None,
                narrative=shown.narrative if shown else "",
                internal=shown.internal if shown else False,
            )
        )
    return rows


def filename_for(plan: AnnualPlan, quarter: Quarter) -> str:
    return f"progress-{plan.slug}-q{quarter.number}.xlsx"


def progress_workbook(plan: AnnualPlan, quarter: Quarter, user) -> bytes:
    """The .xlsx of the person's actions in the plan for the quarter."""
    rows = download_rows(plan, quarter, user)
    completions = Completions()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    help_sheet = workbook.create_sheet(HELP_SHEET)

    for column_number, column in enumerate(COLUMNS, start=1):
        cell = _put(sheet.cell(row=1, column=column_number), column.heading)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = TOP_WRAPPED
        dimension = sheet.column_dimensions[get_column_letter(column_number)]
        dimension.width = column.width
        dimension.hidden = column.kind == HIDDEN
    sheet.freeze_panes = "B2"

    for row_number, row in enumerate(rows, start=2):
        values = row.values
        values["plan_id"] = plan.pk
        values["quarter"] = quarter.number
        values["fingerprint"] = fingerprint(
            row.action.pk,
            quarter.number,
            row.rag,
            row.action.completion_status_id,
            row.action.completion_note,
            row.narrative,
            row.internal,
        )
        for column_number, column in enumerate(COLUMNS, start=1):
            cell = _put(sheet.cell(row=row_number, column=column_number), values[column.key])
            cell.alignment = TOP_WRAPPED
            if column.kind == READ:
                cell.fill = READ_FILL

    last_row = max(len(rows) + 1, 2)
    _lists(sheet, lists, completions, last_row)
    _help(help_sheet, plan, quarter, user, completions)
    output = BytesIO()
    workbook.save(output)
    return output.getvalue()


def _lists(sheet, lists, completions, last_row):
    """Drop-down lists on the columns to fill in, read from the hidden "Lists" sheet (a list
    typed into the validation itself may not be longer than 255 characters). Other words are
    allowed after a warning: the upload understands "On track" as well as "Green"."""
    choices = {
        "rag_rating": [RAG_RATINGS[rag].label for rag in RAG_ORDER],
        "completion": [status.name for status in completions.statuses],
        "internal": [YES, NO],
    }
    for list_column, (key, names) in enumerate(choices.items(), start=1):
        for number, name in enumerate(names, start=1):
            _put(lists.cell(row=number, column=list_column), name)
        letter = get_column_letter(list_column)
        source = f"{quote_sheetname(LISTS_SHEET)}!${letter}$1:${letter}${max(len(names), 1)}"
        validation = DataValidation(
            type="list",
            formula1=source,
            allow_blank=True,
            errorStyle="warning",
            showErrorMessage=True,
            errorTitle="Not one of the list",
            error="Choose from the list, or keep what you typed if it means the same.",
        )
        column_letter = get_column_letter(
            next(n for n, column in enumerate(COLUMNS, start=1) if column.key == key)
        )
        validation.add(f"{column_letter}2:{column_letter}{last_row}")
        sheet.add_data_validation(validation)


def _help(sheet, plan, quarter, user, completions):
    lines = [
        ("Progress for", f"{plan.title}, {quarter.label} ({quarter.months_label})"),
        ("Downloaded", timezone.localtime().strftime("%-d %B %Y, %H:%M")),
        ("Downloaded by", user.get_full_name() or user.get_username()),
        ("", ""),
        (
            "Fill in",
            "The white columns of the Progress sheet: RAG rating, Completion, Completion "
            "note, Progress narrative and Keep narrative internal. The grey columns are for "
            "reading: changes to them are not recorded.",
        ),
        ("RAG rating", RAG_HELP),
        ("Narrative", "Required for a red or amber rating: say why, and what happens next."),
        ("Completion", completions.names()),
        ("Keep narrative internal", "Yes keeps the narrative off the public pages."),
        (
            "Rows",
            "A row you do not change is not recorded. Do not add rows or change the hidden "
            "columns: they say which action each row is about.",
        ),
        (
            "Then",
            "Upload the file on the service's “Update progress from a spreadsheet” page. "
            "You will see what it would record before anything is recorded.",
        ),
    ]
    for number, (label, text) in enumerate(lines, start=1):
        _put(sheet.cell(row=number, column=1), label).font = HEADER_FONT
        _put(sheet.cell(row=number, column=2), text).alignment = TOP_WRAPPED
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 90


def _put(cell, value):
    """A value in a cell, text always as text: a leading "=" must not make a formula."""
    if isinstance(value, str):
        return put_text(cell, same_text(value))
    cell.value = value
    return cell
