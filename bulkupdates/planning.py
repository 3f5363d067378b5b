"""What an uploaded progress spreadsheet would record, row by row, and recording it.

Each row is checked as the progress form checks an officer's update (actions/forms.py,
actions/progress.py): the person may update the action, the quarter is open, a red or amber
rating has a narrative, the words are ones the service understands, and nobody has saved the
action or the quarter's update since the spreadsheet was downloaded. A row is then one of:

- to record: what changes, field by field;
- unchanged: nobody changed it in the spreadsheet, so it is not recorded again;
- a conflict: someone saved the action or this quarter's update after the download. Not
  recorded, never overwritten: the officer sees theirs and what is saved now side by side;
- refused, with the reason.

``plan_upload`` answers that in a fixed number of queries, whatever the number of rows.
``apply_upload`` plans the stored file again inside one transaction and records its rows only if
the outcome is the one previewed (its digest): every row, or none.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from actions.forms import COMPLETION_NOTE_MAX_LENGTH, NARRATIVE_MAX_LENGTH, NEEDS_NARRATIVE
from actions.models import Action, ProgressUpdate
from actions.progress import Progress, ProgressConflict, record_progress
from actions.progress_words import RAG_HELP, Completions, plain, read_rag
from plans.models import AnnualPlan
from plans.ratings import RAG_RATINGS
from plans.year import QuarterClosed, closure_refusal, lock_open_quarter
from spreadsheets.reading import Cell, Sheet, Workbook, read_workbook

from .columns import (
    BY_KEY,
    KEYS_BY_HEADING,
    NEEDED,
    NO_WORDS,
    YES_WORDS,
    fingerprint,
    heading_key,
    same_text,
)
from .download import SHEET
from .models import ProgressUpload

RECORD = "record"
UNCHANGED = "unchanged"
CONFLICT = "conflict"
REFUSED = "refused"

NOT_OURS = (
    "This spreadsheet is not one downloaded from “Update progress from a spreadsheet” in this "
    "partnership. Download your actions from that page, fill that spreadsheet in and upload it."
)


class NotAProgressSpreadsheet(Exception):
    """The file is a spreadsheet, but not one of ours (no hidden columns, another
    partnership's plan...). The message says what to do."""


@dataclass(frozen=True)
class Values:
    """What a quarter's update says, as shown side by side: the officer's or what is saved."""

    rag: str | None
    narrative: str
    internal: bool
    completion: str
    completion_note: str

    @property
    def rag_label(self) -> str:
        return RAG_RATINGS[self.rag].name if self.rag else "No update"

    def as_list(self) -> list:
        return [self.rag, self.narrative, self.internal, self.completion, self.completion_note]

    def as_dict(self) -> dict:
        return {
            "rag": self.rag,
            "rag_label": self.rag_label,
            "narrative": self.narrative,
            "internal": self.internal,
            "completion": self.completion,
            "completion_note": self.completion_note,
        }


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


@dataclass
class PlannedRow:
    """One row of the file and what confirming would do with it."""

    number: int
    outcome: str
    reference: str = ""
    text: str = ""
    reason: str = ""
    action: Action | None = None
    progress: Progress | None = None
    action_version: int | None = None
    update_version: int | None = None
    yours: Values | None = None
    saved_now: Values | None = None
    saved_by: str = ""
    changes: list[Change] = field(default_factory=list)

    @property
    def action_id(self) -> int | None:
        return self.action.pk if self.action else None

    @property
    def label(self) -> str:
        """ "1.4 Deliver the training" or the row's number when the action is unknown."""
        words = " ".join(part for part in (self.reference, self.text) if part)
        return words or f"Row {self.number}"

    def digest_part(self) -> list:
        return [
            self.number,
            self.outcome,
            self.action.pk if self.action else None,
            self.reason,
            self.action_version,
            self.update_version,
            self.yours.as_list() if self.yours else None,
            self.saved_now.as_list() if self.saved_now else None,
        ]

    def summary(self) -> dict:
        """The row as the record of a confirmed upload keeps it (JSON)."""
        return {
            "number": self.number,
            "label": self.label,
            "action_id": self.action_id,
            "reason": self.reason,
            "yours": self.yours.as_dict() if self.yours else None,
            "saved_now": self.saved_now.as_dict() if self.saved_now else None,
            "saved_by": self.saved_by,
        }


@dataclass
class Preview:
    """Every row of an upload with its outcome; ``problem`` says why nothing at all can be
    recorded (a closed quarter), when it is so."""

    plan: AnnualPlan
    quarter: int
    rows: list[PlannedRow]
    problem: str = ""

    def _with(self, outcome):
        return [row for row in self.rows if row.outcome == outcome]

    @property
    def to_record(self) -> list[PlannedRow]:
        return self._with(RECORD)

    @property
    def unchanged(self) -> list[PlannedRow]:
        return self._with(UNCHANGED)

    @property
    def conflicts(self) -> list[PlannedRow]:
        return self._with(CONFLICT)

    @property
    def refused(self) -> list[PlannedRow]:
        return self._with(REFUSED)

    @property
    def period(self):
        return self.plan.quarter(self.quarter)

    @property
    def digest(self) -> str:
        """What the preview would record, conflicts and refusals included, as one digest: a
        confirmation applies only if planning again gives the same."""
        content = [self.plan.pk, self.quarter, self.problem, [r.digest_part() for r in self.rows]]
        return hashlib.sha256(json.dumps(content, default=str).encode()).hexdigest()


# Reading the file -------------------------------------------------------------------------------


@dataclass
class Uploaded:
    """A file read as a progress spreadsheet: its rows by column key, and its plan and
    quarter."""

    plan: AnnualPlan
    quarter: int
    rows: list[tuple[int, dict[str, Cell]]]


def read_upload(filename: str, content: bytes) -> Uploaded:
    """The file's progress rows, plan and quarter. Raises spreadsheets.reading.UnreadableFile
    for a file that is not a readable spreadsheet, NotAProgressSpreadsheet for one that is not
    a progress spreadsheet of this partnership."""
    return _read(read_workbook(filename, content))


def _read(workbook: Workbook) -> Uploaded:
    sheet = workbook.sheet(SHEET)
    columns = _columns(sheet)
    rows = []
    for index, cells in enumerate(sheet.rows[1:], start=2):
        by_key = {key: cells[n] if n < len(cells) else Cell() for key, n in columns.items()}
        if all(cell.empty for cell in by_key.values()):
            continue
        rows.append((index, by_key))
    first_plan = next((_int(row["plan_id"]) for _, row in rows if _int(row["plan_id"])), None)
    first_quarter = next((_int(row["quarter"]) for _, row in rows if _int(row["quarter"])), None)
    plan = AnnualPlan.objects.filter(pk=first_plan).first() if first_plan is not None else None
    if plan is None or first_quarter not in (1, 2, 3, 4):
        raise NotAProgressSpreadsheet(NOT_OURS if rows else "The file has no rows of actions.")
    return Uploaded(plan, first_quarter, rows)


def _columns(sheet: Sheet) -> dict[str, int]:
    """{column key: index} from the heading row; every column the upload needs must be
    there."""
    headings = sheet.rows[0] if sheet.rows else []
    found = {}
    for index, cell in enumerate(headings):
        key = KEYS_BY_HEADING.get(heading_key(cell.shown))
        if key and key not in found:
            found[key] = index
    missing = [column.heading for column in NEEDED if column.key not in found]
    if missing:
        raise NotAProgressSpreadsheet(
            f"The file has no “{missing[0]}” column in its first row. {NOT_OURS}"
        )
    return found


def _int(cell: Cell) -> int | None:
    value = cell.value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 12 else None


def _text(cell: Cell) -> str:
    if cell.value is None:
        return ""
    if isinstance(cell.value, str):
        return same_text(cell.value)
    return same_text(cell.shown)


# Planning ---------------------------------------------------------------------------------------


def plan_upload(upload: ProgressUpload, user) -> Preview:
    """What confirming the stored upload would do now, for the person who uploaded it."""
    uploaded = read_upload(upload.filename, upload.read_file())
    return Planner(upload.plan, upload.quarter, user).preview(uploaded.rows)


class Planner:
    """Plans the rows of one upload against the database as it is now."""

    def __init__(self, plan: AnnualPlan, quarter: int, user):
        self.plan = plan
        self.quarter = quarter
        self.user = user
        self.completions = Completions()

    def quarter_problem(self) -> str:
        """Why nothing can be recorded for the quarter, or ""."""
        reason = self.plan.why_no_updates()
        if reason:
            return reason
        if self.quarter in {q.number for q in self.plan.open_quarters()}:
            return ""
        return closure_refusal(self.plan, self.quarter) or (
            f"{self.plan.quarter(self.quarter).label} has not begun: progress can only be "
            "recorded for a quarter that has begun."
        )

    def preview(self, rows) -> Preview:
        problem = self.quarter_problem()
        ids = {_int(cells["action_id"]) for _, cells in rows} - {None}
        actions = Action.objects.filter(strand__priority__plan=self.plan, pk__in=ids)
        self.actions = actions.select_related("strand__priority", "completion_status").in_bulk()
        self.editable = set(
            Action.objects.editable_by(self.user)
            .filter(pk__in=list(self.actions))
            .values_list("pk", flat=True)
        )
        self.updates = {
            update.action_id: update
            for update in ProgressUpdate.objects.filter(
                action__in=list(self.actions), quarter=self.quarter
            ).select_related("completion_status", "author")
        }
        self.seen: dict[int, int] = {}
        planned = [self._plan_row(number, cells, problem) for number, cells in rows]
        return Preview(self.plan, self.quarter, planned, problem)

    def _plan_row(self, number, cells, problem) -> PlannedRow:
        action = self.actions.get(_int(cells["action_id"]))
        row = PlannedRow(number, REFUSED)
        if action is None:
            # The same words whether the number is of no action, of another plan's or of
            # another partnership's: nothing is told about what is not this plan's.
            row.reason = (
                f"Not an action of {self.plan.title}: the row’s hidden action number has been "
                "changed, or the row was copied from another spreadsheet."
            )
            row.reference = _text(cells.get("reference", Cell()))
            row.text = _short(_text(cells.get("action", Cell())))
            return row
        row.action, row.reference, row.text = action, action.reference, _short(action.text)
        if action.pk in self.seen:
            row.reason = f"This action is on row {self.seen[action.pk]} already."
            return row
        self.seen[action.pk] = number
        if _int(cells["plan_id"]) != self.plan.pk or _int(cells["quarter"]) != self.quarter:
            row.reason = "This row was copied from a spreadsheet of another plan or quarter."
            return row
        if problem:
            row.reason = problem
            return row
        if action.pk not in self.editable:
            row.reason = (
                "Not one of your actions: you may record progress only on the actions you or "
                "your organisation lead."
            )
            return row
        formulas = [
            BY_KEY[key].heading
            for key in ("rag_rating", "completion", "completion_note", "narrative", "internal")
            if cells[key].formula
        ]
        if formulas:
            row.reason = (
                f"“{formulas[0]}” holds a formula ({_formula(cells, formulas[0])}). Type the "
                "words themselves: formulas are not recorded."
            )
            return row
        yours, completion, problems, unknown_words = self._read_values(cells)
        row.yours = yours
        row.action_version = _int(cells["action_version"])
        row.update_version = _int(cells["update_version"])
        if not unknown_words and self._unchanged(action, cells, yours, completion):
            # As downloaded, whatever it holds: the officer did not change it.
            row.outcome = UNCHANGED
            return row
        if problems:
            row.reason = " ".join(problems)
            return row
        if row.action_version is None:
            row.reason = (
                "The row’s hidden action version is missing: download the spreadsheet again."
            )
            return row
        current = self.updates.get(action.pk)
        saved = self._saved_now(action, current)
        current_update_version = current.version if current else None
        if action.version != row.action_version or current_update_version != row.update_version:
            row.outcome = CONFLICT
            row.saved_now = saved
            # Who saved the quarter's update, when that is what changed (an action changed
            # some other way, in admin say, names nobody rather than the wrong person).
            row.saved_by = _author(current) if current_update_version != row.update_version else ""
            return row
        row.outcome = RECORD
        row.changes = _changes(saved, yours, self.plan.quarter(self.quarter).label)
        row.progress = Progress(
            quarter=self.quarter,
            rag_rating=yours.rag,
            narrative=yours.narrative,
            internal=yours.internal,
            completion_status=completion,
            completion_note=yours.completion_note,
        )
        return row

    def _read_values(self, cells) -> tuple[Values, object, list[str], bool]:
        """The officer's values, what is wrong with them (in the progress form's words) and
        whether any cell holds words the service does not know (such a row is changed, even
        if it reads as the download did: "Purple" is not the blank rating downloaded)."""
        problems = []
        rag_text = _text(cells["rag_rating"])
        rag = read_rag(rag_text) if rag_text else None
        unknown = bool(rag_text) and rag is None
        if not rag_text:
            problems.append(f"Enter a RAG rating: {RAG_HELP}")
        elif rag is None:
            problems.append(f"RAG rating “{rag_text}” is not one the service knows: {RAG_HELP}")
        completion_text = _text(cells["completion"])
        completion = self.completions.read(
            cells["completion"].value
            if isinstance(cells["completion"].value, bool)
            else completion_text
        )
        if completion is None:
            names = self.completions.names()
            problems.append(
                f"Completion “{completion_text}” is not one of the partnership’s: {names}."
                if completion_text
                else f"Enter the action’s completion: {names}."
            )
        narrative = _text(cells["narrative"])
        if rag in NEEDS_NARRATIVE and not narrative:
            problems.append(
                f"Enter a narrative explaining why this action is {NEEDS_NARRATIVE[rag]}."
            )
        if len(narrative) > NARRATIVE_MAX_LENGTH:
            problems.append(f"Narrative must be {NARRATIVE_MAX_LENGTH:,} characters or fewer.")
        note = _text(cells["completion_note"])
        if len(note) > COMPLETION_NOTE_MAX_LENGTH:
            problems.append(
                f"Completion note must be {COMPLETION_NOTE_MAX_LENGTH:,} characters or fewer."
            )
        internal_cell = cells["internal"]
        if isinstance(internal_cell.value, bool):
            internal = internal_cell.value
        else:
            internal_words = plain(_text(internal_cell))
            internal = internal_words in YES_WORDS
            if not internal and internal_words not in NO_WORDS:
                unknown = True
                problems.append(
                    f"Keep narrative internal must be Yes or No, not “{_text(internal_cell)}”."
                )
        values = Values(
            rag=rag,
            narrative=narrative,
            internal=internal,
            completion=completion.name if completion else completion_text,
            completion_note=note,
        )
        return values, completion, problems, unknown

    def _unchanged(self, action, cells, yours, completion) -> bool:
        """Whether the row holds the values it was downloaded with."""
        written = _text(cells["fingerprint"])
        return bool(written) and written == fingerprint(
            action.pk,
            self.quarter,
            yours.rag,
            completion.pk if completion else None,
            yours.completion_note,
            yours.narrative,
            yours.internal,
        )

    def _saved_now(self, action, update) -> Values:
        return Values(
            rag=update.rag_rating if update else None,
            narrative=update.narrative if update else "",
            internal=update.internal if update else False,
            completion=action.completion_status.name,
            completion_note=action.completion_note,
        )


def _changes(saved: Values, yours: Values, quarter_label: str) -> list[Change]:
    """What recording the row changes, field by field."""
    changes = []
    if saved.rag != yours.rag:
        before = saved.rag_label if saved.rag else f"No update for {quarter_label}"
        changes.append(Change("RAG rating", before, yours.rag_label))
    if saved.narrative != yours.narrative:
        changes.append(Change("Narrative", saved.narrative, yours.narrative))
    if saved.internal != yours.internal:
        changes.append(
            Change("Narrative kept internal", _yes_no(saved.internal), _yes_no(yours.internal))
        )
    if saved.completion != yours.completion:
        changes.append(Change("Completion", saved.completion, yours.completion))
    if saved.completion_note != yours.completion_note:
        changes.append(Change("Completion note", saved.completion_note, yours.completion_note))
    if not changes:
        # The values are what is saved, but recording them makes the quarter's update.
        changes.append(Change("Update", "", f"Recorded for {quarter_label} as saved now"))
    return changes


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _author(update) -> str:
    if update is None or update.author is None:
        return ""
    return update.author.get_full_name() or update.author.get_username()


def _short(text: str) -> str:
    return text if len(text) <= 120 else text[:119] + "…"


def _formula(cells, heading) -> str:
    key = KEYS_BY_HEADING[heading_key(heading)]
    shown = cells[key].shown
    return shown if len(shown) <= 40 else shown[:39] + "…"


# Recording --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What a confirmation did: ``recorded`` rows (none unless all were), or the preview as it
    is now when it differs from the one confirmed."""

    recorded: int = 0
    preview: Preview | None = None
    already: bool = False
    changed: bool = False


class _Changed(Exception):
    def __init__(self, preview=None):
        super().__init__("The upload's outcome changed since its preview.")
        self.preview = preview


def apply_upload(upload: ProgressUpload, user, *, expected_digest: str) -> Outcome:
    """Record every row to record of the upload, as the person previewed it, in one
    transaction: if planning the stored file again gives another outcome than the one
    previewed (``expected_digest``), or any row is refused while recording (someone saved the
    action, or closed the quarter, in between), nothing is recorded and the outcome says so
    with the preview as it is now."""
    reason = f"Uploaded in {upload.filename}"[:100]  # the history's change reason's length
    try:
        with transaction.atomic():
            # First: the plan's lock (lock_open_quarter) and the upload's row, so that two
            # confirmations of one upload, or a quarter closed meanwhile, wait for each other.
            try:
                lock_open_quarter(upload.plan_id, upload.quarter)
            except QuarterClosed:
                raise _Changed() from None
            locked = ProgressUpload.objects.select_for_update().get(pk=upload.pk)
            if locked.status == ProgressUpload.Status.APPLIED:
                return Outcome(already=True)
            preview = plan_upload(locked, user)
            if preview.digest != expected_digest or not preview.to_record:
                raise _Changed(preview)
            for row in preview.to_record:
                record_progress(
                    row.action,
                    row.progress,
                    author=user,
                    action_version=row.action_version,
                    update_version=row.update_version,
                    reason=reason,
                )
            locked.status = ProgressUpload.Status.APPLIED
            locked.applied_at = timezone.now()
            locked.summary = {
                "recorded": [row.summary() for row in preview.to_record],
                "unchanged": len(preview.unchanged),
                "conflicts": [row.summary() for row in preview.conflicts],
                "refused": [row.summary() for row in preview.refused],
            }
            locked.save()
            return Outcome(recorded=len(preview.to_record))
    except (_Changed, ProgressConflict, QuarterClosed) as changed:
        # Rolled back: nothing of this upload is recorded.
        preview = getattr(changed, "preview", None) or plan_upload(upload, user)
        return Outcome(preview=preview, changed=True)
