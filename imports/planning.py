"""Planning an import: the rows read from a spreadsheet, compared with a plan, as a preview of
what importing them would create and change, and every problem that stops it.

Nothing here writes to the database; applying.py writes what a preview says, in one transaction.

Matching rules (docs/importing.md):
- priorities by title, strands by title within their priority, themes by name, ignoring case and
  repeated spaces; missing ones are created only with ``add_structure``, else each is a problem
  with a "did you mean" suggestion;
- an action by its strand and reference when the row has a reference, else by its strand and
  text; a matched action whose values differ is *changed*, field by field; the plan's actions
  the file does not mention are left alone;
- agencies by name, short name or slug, ignoring case, punctuation, "&"/"and", a leading "the"
  and text in brackets, then by a close spelling (with a warning); lead officers by full name,
  username or e-mail address (someone unknown is left out, with a warning).
A column the file does not have leaves that field of existing actions as it is.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.utils.text import slugify

from actions.forms import NEEDS_NARRATIVE
from actions.models import Action, ActionSubItem, ProgressUpdate
from actions.progress_words import RAG_HELP, Completions, read_rag
from actions.timeframes import format_date, outside_plan_year, parse_timeframe
from agencies.models import display_name
from partnerships.context import current_partnership_id
from plans.models import AnnualPlan, PlanStatus, Theme
from plans.ratings import rag_rating
from priorities.models import Priority, Strand

from .organisations import Organisations
from .reading import Note, Notes, Row, Sheet

NONE = "(none)"
ADD_STRUCTURE_HINT = (
    "Correct the spelling, or import with “add priorities, strands and themes” to create it."
)
# Field lengths of the models, checked here so that a long cell is a problem with its row
# rather than a database error.
MAX_TITLE = 200
MAX_REFERENCE = Action._meta.get_field("reference").max_length
MAX_NOTE = Action._meta.get_field("completion_note").max_length
MAX_WORDING = 300
MAX_LABEL = ActionSubItem._meta.get_field("label").max_length
AGENCY_CUTOFF = 0.85


def key(text: str) -> str:
    """A name as matched: ignoring case and repeated or surrounding spaces."""
    return " ".join(str(text).casefold().split())


def as_text(value) -> str:
    """A cell's value as the text an import stores."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return format_date(value.date())
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, float):
        return format(value, "g") if abs(value) < 1e15 else str(value)
    return str(value)


def _suggest(text: str, choices) -> str:
    """ " Did you mean “X”?" for the closest of ``choices``, or ""."""
    by_key = {key(choice): choice for choice in choices}
    close = difflib.get_close_matches(key(text), list(by_key), n=1, cutoff=0.6)
    return f" Did you mean “{by_key[close[0]]}”?" if close else ""


# --- what the preview holds -----------------------------------------------------------------------


@dataclass
class NewPriority:
    title: str
    slug: str
    order: int
    saved: Priority | None = None  # set when applied

    def __str__(self):
        return self.title


@dataclass
class NewStrand:
    priority: Priority | NewPriority
    title: str
    slug: str
    order: int
    saved: Strand | None = None

    def __str__(self):
        return self.title


@dataclass
class NewTheme:
    name: str
    slug: str
    order: int
    saved: Theme | None = None

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class FieldChange:
    field: str  # the key of ActionValues
    label: str
    old: str
    new: str


# The fields an import sets, with the label a preview shows them under.
FIELD_LABELS = {
    "reference": "Reference",
    "text": "Action",
    "theme": "Theme",
    "sub_items": "Sub-items",
    "outcome": "Outcome or measure",
    "lead_agency": "Lead agency",
    "lead_officer": "Lead officer",
    "partners": "Partners",
    "timeframe": "Timeframe",
    "completion_status": "Completed",
    "completion_note": "Completion note",
}
# Which column sets which field.
FIELD_COLUMNS = {
    "reference": "reference",
    "text": "action",
    "theme": "theme",
    "sub_items": "sub_items",
    "outcome": "outcome",
    "lead_agency": "lead_agency",
    "lead_officer": "lead_officer",
    "partners": "partners",
    "timeframe": "timeframe",
    "completion_status": "completed",
    "completion_note": "completion_note",
}


class _Planned:
    """A row's plan for something that may exist already: new, changed or unchanged."""

    @property
    def kind(self) -> str:
        if self.existing is None:
            return "new"
        return "changed" if self.changes else "unchanged"


@dataclass
class PlannedProgress(_Planned):
    """A row's RAG rating, completion and narrative, as the action's progress update for the
    quarter the preview names: recorded through the progress form's own code path
    (actions.progress.record_progress)."""

    quarter: int
    rag_rating: str
    narrative: str
    completion_status: object  # CompletionStatus
    completion_note: str
    existing: ProgressUpdate | None = None  # that quarter's update, if there is one
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def rating(self):
        return rag_rating(self.rag_rating)


@dataclass
class PlannedAction(_Planned):
    """One row of the file as it will be imported: a new action, or an existing one (changed
    or not). ``values`` holds only the fields the file sets."""

    row: int
    strand: Strand | NewStrand
    existing: Action | None
    values: dict
    order: int = 0  # for a new action
    changes: list[FieldChange] = field(default_factory=list)
    progress: PlannedProgress | None = None
    saved: Action | None = None  # a new action, once the import has created it

    @property
    def records_progress(self) -> bool:
        return self.progress is not None and self.progress.kind != "unchanged"

    @property
    def reference(self) -> str:
        return self.values.get("reference") or (self.existing.reference if self.existing else "")

    @property
    def text(self) -> str:
        return self.values["text"]

    @property
    def priority_title(self) -> str:
        return str(self.strand.priority)


@dataclass
class Preview:
    """What importing a file into a plan would do, and every problem that stops it."""

    plan: AnnualPlan
    filename: str
    add_structure: bool
    sheet_name: str = ""
    ignored_headings: list[str] = field(default_factory=list)
    new_priorities: list[NewPriority] = field(default_factory=list)
    new_strands: list[NewStrand] = field(default_factory=list)
    new_themes: list[NewTheme] = field(default_factory=list)
    actions: list[PlannedAction] = field(default_factory=list)
    left_alone: int = 0  # the plan's actions the file does not mention
    not_in_file: list[Action] = field(default_factory=list)
    problems: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)
    options: ImportOptions | None = None
    sheet: Sheet | None = None  # the table as read, for the preview's page to show
    # Organisations the file names that need the administrator: unknown ones (name -> Found,
    # with suggestions), and ones matched by initials or a close spelling, to confirm.
    unknown_organisations: dict = field(default_factory=dict)
    guessed_organisations: dict = field(default_factory=dict)
    rows_read: int = 0
    rows_with_problems: int = 0

    @property
    def can_import(self) -> bool:
        return not self.problems

    @property
    def created(self) -> list[PlannedAction]:
        return [action for action in self.actions if action.kind == "new"]

    @property
    def changed(self) -> list[PlannedAction]:
        return [action for action in self.actions if action.kind == "changed"]

    @property
    def unchanged(self) -> list[PlannedAction]:
        return [action for action in self.actions if action.kind == "unchanged"]

    @property
    def progress(self) -> list[PlannedAction]:
        """The actions whose progress update the import records (new or changed)."""
        return [action for action in self.actions if action.records_progress]

    @property
    def progress_unchanged(self) -> int:
        return sum(
            1 for a in self.actions if a.progress is not None and a.progress.kind == "unchanged"
        )

    def counts(self) -> dict[str, int]:
        return {
            "rows_read": self.rows_read,
            "priorities_created": len(self.new_priorities),
            "strands_created": len(self.new_strands),
            "themes_created": len(self.new_themes),
            "actions_created": len(self.created),
            "actions_changed": len(self.changed),
            "actions_unchanged": len(self.unchanged),
            "actions_left_alone": self.left_alone,
            "progress_recorded": len(self.progress),
            "progress_unchanged": self.progress_unchanged,
        }

    @property
    def digest(self) -> str:
        """A fingerprint of everything the preview shows: confirming an import checks that the
        file, planned again against the database as it is then, still gives this preview."""
        content = {
            "priorities": [p.title for p in self.new_priorities],
            "strands": [[str(s.priority), s.title] for s in self.new_strands],
            "themes": [t.name for t in self.new_themes],
            "actions": [
                [
                    action.row,
                    action.existing.pk if action.existing else None,
                    str(action.strand),
                    [[c.field, c.old, c.new] for c in action.changes],
                    _progress_digest(action.progress),
                ]
                for action in self.actions
            ],
            "left_alone": self.left_alone,
            "problems": [str(note) for note in self.problems],
            "warnings": [str(note) for note in self.warnings],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _progress_digest(progress: PlannedProgress | None):
    if progress is None:
        return None
    return [
        progress.quarter,
        progress.existing.pk if progress.existing else None,
        progress.existing.version if progress.existing else None,
        [[c.field, c.old, c.new] for c in progress.changes],
    ]


# --- how values are shown in a preview ------------------------------------------------------------


def show(field_name: str, value) -> str:
    if value is None or value == "" or value == []:
        return NONE
    if field_name == "sub_items":
        return "\n".join(f"{label}) {text}" for label, text in value)
    if field_name == "partners":
        return "; ".join(sorted(agency.display_name for agency in value))
    if field_name == "lead_agency":
        return value.display_name
    if field_name == "lead_officer":
        return display_name(value)
    return str(value)


def current_values(action: Action) -> dict:
    """An existing action's values, as an import compares them (partners and sub-items
    prefetched)."""
    return {
        "reference": action.reference,
        "text": action.text,
        "theme": action.theme,
        "sub_items": [(item.label, item.text) for item in action.sub_items.all()],
        "outcome": action.outcome,
        "lead_agency": action.lead_agency,
        "lead_officer": action.lead_officer,
        "partners": sorted(action.partner_agencies.all(), key=lambda a: a.pk),
        "timeframe": action.timeframe.wording if action.timeframe else "",
        "completion_status": action.completion_status,
        "completion_note": action.completion_note,
    }


def _same(field_name: str, old, new) -> bool:
    if isinstance(new, NewTheme):
        return False
    if field_name in {"theme", "lead_agency", "lead_officer", "completion_status"}:
        return getattr(old, "pk", None) == getattr(new, "pk", None)
    if field_name == "partners":
        return {a.pk for a in old} == {a.pk for a in new}
    return old == new


# --- matching names -------------------------------------------------------------------------------


class PeopleMatcher:
    """Finds the person a lead officer cell names: full name, username or e-mail address; among
    the people of the partnership the import is for (nobody's of another)."""

    def __init__(self):
        self.keys: dict[str, set[int]] = {}
        users = list(
            get_user_model().objects.filter(memberships__partnership_id=current_partnership_id())
        )
        self.by_pk = {user.pk: user for user in users}
        for user in users:
            for name in (user.get_full_name(), user.get_username(), user.email):
                if name:
                    self.keys.setdefault(key(name), set()).add(user.pk)

    def match(self, text: str):
        found = self.keys.get(key(text), set())
        if len(found) == 1:
            return self.by_pk[next(iter(found))], ""
        if found:
            return None, (
                f"more than one person is called “{text}”: imported without a lead officer. "
                "Write their username or e-mail address instead."
            )
        return None, (
            f"nobody called “{text}” can sign in to the service: imported without a lead "
            "officer. Add them in admin under Users, or write their username or e-mail address."
        )


SUB_ITEM_LABEL = re.compile(
    r"^\(?(?P<label>[A-Za-z]{1,2}|\d{1,3})[).]\s+(?P<text>\S.*)$", re.DOTALL
)


def sub_items(text: str) -> tuple[list[tuple[str, str]], str]:
    """The lettered items a cell lists, and a problem ("" when none)."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if not lines:
        return [], ""
    matches = [SUB_ITEM_LABEL.match(line) for line in lines]
    if not any(matches):
        letters = "abcdefghijklmnopqrstuvwxyz"
        if len(lines) > len(letters):
            return [], (
                f"has {len(lines)} lines without labels: label them “a)”, “b)”… to import more "
                f"than {len(letters)}."
            )
        return [(letters[n], line) for n, line in enumerate(lines)], ""
    if not matches[0]:
        return [], (
            "the first line has no label such as “a)” but later lines do. Label every item, or "
            "none of them."
        )
    items: list[list[str]] = []
    for line, found in zip(lines, matches, strict=True):
        if found:
            items.append([found["label"], found["text"].strip()])
        else:  # a line without a label continues the item above it
            items[-1][1] += "\n" + line
    labels = [label.casefold() for label, _ in items]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        return [], f"the label “{repeated[0]}” is used twice. Give every item its own label."
    return [(label, text) for label, text in items], ""


# --- planning -----------------------------------------------------------------------------------


def why_refused(plan: AnnualPlan) -> str:
    """Why a plan does not accept imports, or "" when it does."""
    if plan.status == PlanStatus.CLOSED:
        return (
            f"“{plan}” is closed: nothing can be imported into it. Import into this year's plan, "
            "or reopen this one in admin."
        )
    return ""


# --- where the priorities and strands come from, and the quarter of the progress -----------------

BAND_NAMES = {1: "first", 2: "second", 3: "third"}
DEFAULT_NAME = "Actions"


@dataclass
class ImportOptions:
    """How the preview reads what the file's columns do not say: where each row's priority and
    strand come from (a column, the band rows above it, the sheet's name, or one name the
    administrator gives; a strand may also take its priority's name), and the quarter its RAG
    rating and progress narrative are recorded for."""

    priority_from: str = "column"  # "column", "band1".."band3", "sheet", "name"
    priority_name: str = ""
    strand_from: str = "column"  # the same, or "same": named as its priority
    strand_name: str = ""
    theme_from: str = "column"  # "column", "band1".."band3", or "none"
    quarter: int | None = None

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict | None) -> ImportOptions:
        options = cls()
        for name, value in (data or {}).items():
            if hasattr(options, name):
                setattr(options, name, value)
        return options


def structure_choices(sheet: Sheet, level: str) -> list[tuple[str, str]]:
    """The sources a priority, strand or theme (``level``) can come from in this sheet."""
    choices = []
    if sheet.has(level):
        choices.append(("column", f"The column “{sheet.heading(level)}”"))
    for number in range(1, sheet.band_levels + 1):
        which = f"the {BAND_NAMES[number]} " if sheet.band_levels > 1 else "the "
        choices.append((f"band{number}", f"From {which}rows that head each group of actions"))
    if level == "theme":
        return [*choices, ("none", "No theme")]
    if sheet.sheet_name:
        choices.append(("sheet", f"The sheet's name, “{sheet.sheet_name}”"))
    if level == "strand":
        choices.append(("same", "Named as its priority (one strand per priority)"))
    choices.append(("name", "One name for every action (write it below)"))
    return choices


def quarter_choices(plan: AnnualPlan) -> list[tuple[int, str]]:
    """The quarters an import may record progress for: the plan's open ones."""
    return [(q.number, f"Quarter {q.number} ({q})") for q in plan.open_quarters()]


def propose_options(sheet: Sheet, plan: AnnualPlan, saved: dict | None = None) -> ImportOptions:
    """The options a preview starts with: those saved (for this import, or remembered for the
    layout) where they still fit the sheet, else proposed from what the sheet has."""
    options = ImportOptions.from_dict(saved)
    for level in ("priority", "strand", "theme"):
        valid = {value for value, _ in structure_choices(sheet, level)}
        if getattr(options, f"{level}_from") not in valid:
            setattr(options, f"{level}_from", _proposed_source(sheet, level))
    if options.priority_from == "name" and not options.priority_name:
        options.priority_name = _default_name(plan)
    if options.strand_from == "name" and not options.strand_name:
        options.strand_name = options.priority_name or _default_name(plan)
    open_quarters = [number for number, _ in quarter_choices(plan)]
    if options.quarter not in open_quarters:
        reporting = plan.reporting_quarter()
        if reporting is not None and reporting.number in open_quarters:
            options.quarter = reporting.number
        else:
            options.quarter = open_quarters[-1] if open_quarters else None
    return options


def _proposed_source(sheet: Sheet, level: str) -> str:
    if sheet.has(level):
        return "column"
    bands = sheet.band_levels
    if level == "theme":
        # Three levels of rows heading the actions: a priority, a strand, then a theme.
        from_columns = sheet.has("priority") or sheet.has("strand")
        return "band3" if bands >= 3 and not from_columns else "none"
    if level == "priority":
        if bands and not sheet.has("strand") and bands >= 2:
            return "band1"
        if bands and sheet.has("strand"):
            return "band1"
        if bands == 1:
            return "band1"
        return "sheet" if _meaningful(sheet.sheet_name) else "name"
    # The strand.
    if sheet.has("priority"):
        return f"band{bands}" if bands else "same"
    if bands >= 2:
        return "band2"
    return "same"


def _meaningful(sheet_name: str) -> bool:
    # "Actions" (the template's sheet, and many a plan's) names no priority.
    return bool(sheet_name) and not re.fullmatch(
        r"(?i)sheet\s*\d*|data|export|actions?", sheet_name
    )


def _default_name(plan: AnnualPlan) -> str:
    titles = list(Priority.objects.filter(plan=plan).values_list("title", flat=True)[:2])
    return titles[0] if len(titles) == 1 else DEFAULT_NAME


def plan_import(
    sheet: Sheet,
    plan: AnnualPlan,
    *,
    add_structure: bool,
    options: ImportOptions | None = None,
) -> Preview:
    """Compare what was read with the plan: the preview of the import."""
    options = options or propose_options(sheet, plan)
    return _Planner(sheet, plan, add_structure, options).preview()


class _Planner:
    def __init__(self, sheet: Sheet, plan: AnnualPlan, add_structure: bool, options):
        self.sheet = sheet
        self.plan = plan
        self.add_structure = add_structure
        self.options = options
        self.problems = Notes()
        self.warnings = Notes()
        for note in sheet.problems.as_list():
            for row in note.rows or (None,):
                self.problems.add(row, note.column, note.message)

    def heading(self, column_key: str) -> str:
        return self.sheet.heading(column_key)

    def preview(self) -> Preview:
        preview = Preview(
            plan=self.plan,
            filename=self.sheet.filename,
            add_structure=self.add_structure,
            sheet_name=self.sheet.sheet_name,
            ignored_headings=self.sheet.ignored_headings,
            options=self.options,
            sheet=self.sheet,
            rows_read=len(self.sheet.rows),
        )
        refused = why_refused(self.plan)
        if refused:
            preview.problems = [Note((), "", refused)]
            return preview
        if not self.sheet.rows and not self.problems:
            self.problems.add(None, "", "The file has a heading row but no actions under it.")
        self._load_plan()
        self.organisations = Organisations()
        self.unknown_organisations: dict = {}
        self.guessed_organisations: dict = {}
        self.people = PeopleMatcher()
        self.completions = Completions()
        self._check_progress_columns()
        seen_references: dict[tuple, int] = {}
        matched: dict[int, int] = {}
        for row in self.sheet.rows:
            planned = self._plan_row(row)
            if planned is None:
                continue
            strand_key = _key_of(planned.strand)
            reference = planned.values.get("reference", "")
            if reference:
                earlier = seen_references.setdefault((strand_key, key(reference)), row.number)
                if earlier != row.number:
                    self.problems.add(
                        row.number,
                        self.heading("reference"),
                        f"“{reference}” is also the reference on row {earlier}, in the same "
                        "strand. Each action of a strand needs its own reference.",
                    )
                    continue
            if planned.existing is not None:
                earlier = matched.setdefault(planned.existing.pk, row.number)
                if earlier != row.number:
                    self.problems.add(
                        row.number,
                        self.heading("action"),
                        f"this row and row {earlier} both match the plan's action "
                        f"“{planned.existing}”. Give them different references, or remove one.",
                    )
                    continue
            preview.actions.append(planned)
        self._order_new_actions(preview.actions)
        preview.new_priorities = list(self.new_priorities.values())
        preview.new_strands = list(self.new_strands.values())
        preview.new_themes = list(self.new_themes.values())
        if self.plan.structure_locked and any(a.kind != "unchanged" for a in preview.actions):
            self.warnings.add(
                None,
                "",
                f"“{self.plan}” is {self.plan.get_status_display().lower()}: the actions this "
                "import adds and changes are recorded in its history as coming from this file.",
            )
        missing = set(self.existing_ids) - set(matched)
        preview.left_alone = len(missing)
        preview.not_in_file = [action for action in self.actions if action.pk in missing]
        preview.problems = self.problems.as_list()
        preview.warnings = self.warnings.as_list()
        preview.unknown_organisations = self.unknown_organisations
        preview.guessed_organisations = self.guessed_organisations
        preview.rows_with_problems = len(
            {row.number for row in self.sheet.rows if self.problems.about(row.number)}
        )
        return preview

    # The plan as it stands.

    def _load_plan(self):
        plan = self.plan
        self.priorities = {key(p.title): p for p in Priority.objects.filter(plan=plan)}
        self.priority_slugs = {p.slug for p in self.priorities.values()}
        self.priority_order = max((p.order for p in self.priorities.values()), default=0)
        strands = list(Strand.objects.filter(priority__plan=plan).select_related("priority"))
        self.strands = {(("db", s.priority_id), key(s.title)): s for s in strands}
        self.all_strands = strands
        self.themes = {key(t.name): t for t in Theme.objects.filter(plan=plan)}
        self.theme_slugs = {t.slug for t in self.themes.values()}
        self.theme_order = max((t.order for t in self.themes.values()), default=0)
        self.new_priorities: dict[str, NewPriority] = {}
        self.new_strands: dict[tuple, NewStrand] = {}
        self.new_themes: dict[str, NewTheme] = {}
        actions = list(
            Action.objects.filter(strand__priority__plan=plan)
            .select_related(
                "strand__priority",
                "theme",
                "lead_agency",
                "lead_officer",
                "timeframe",
                "completion_status",
            )
            .prefetch_related("partner_agencies", "sub_items")
            .in_plan_order()
        )
        self.actions = actions
        self.existing_ids = [action.pk for action in actions]
        self.by_reference = {(a.strand_id, key(a.reference)): a for a in actions if a.reference}
        self.by_text: dict[tuple, Action] = {}
        for action in actions:
            self.by_text.setdefault((action.strand_id, key(action.text)), action)
        self.last_order: dict[int, int] = {}
        for action in actions:
            strand_key = ("db", action.strand_id)
            self.last_order[strand_key] = max(self.last_order.get(strand_key, 0), action.order)
        self.updates = {}
        if self.options.quarter:
            self.updates = {
                update.action_id: update
                for update in ProgressUpdate.objects.filter(
                    action__strand__priority__plan=plan, quarter=self.options.quarter
                ).select_related("completion_status")
            }

    def _check_progress_columns(self):
        """Whether the file's RAG and progress columns can come in: only into a plan that
        takes progress, for an open quarter. The preview says so either way."""
        self.progress_columns = [k for k in ("rag", "progress") if self.sheet.has(k)]
        self.takes_progress = False
        if not self.progress_columns:
            return
        names = " and ".join(f"“{self.heading(k)}”" for k in self.progress_columns)
        why = self.plan.why_no_updates()
        if why is None and not self.options.quarter:
            why = "No quarter of the plan is open for progress."
        if why:
            self.warnings.add(
                None,
                "",
                f"The columns {names} are not imported. {why} Import the file again then: the "
                "actions already imported are matched, and only their progress comes in.",
            )
            return
        self.takes_progress = True

    # One row.

    def _text(self, row: Row, column_key: str, limit: int | None = None) -> str | None:
        """The row's text in a column, or None (with a problem) when it is too long."""
        text = as_text(row.get(column_key))
        if limit and len(text) > limit:
            self.problems.add(
                row.number,
                self.heading(column_key),
                f"is {len(text)} characters long: at most {limit} fit. Shorten it.",
            )
            return None
        return text

    def _structure_title(self, row: Row, level: str, priority_title: str | None = None):
        """A row's priority or strand title, from where the options say."""
        source = getattr(self.options, f"{level}_from")
        if source == "column":
            return self._text(row, level, MAX_TITLE)
        if source.startswith("band"):
            title = _band(row, source, self.sheet.band_levels)
            if not title:
                self.problems.add(
                    row.number,
                    "",
                    f"no row above it names its {level}: the {level} is read from the rows "
                    "that head each group of actions. Add one above it, or choose another "
                    f"source for the {level}.",
                )
                return None
            return title[:MAX_TITLE]
        if source == "sheet":
            return (self.sheet.sheet_name or DEFAULT_NAME)[:MAX_TITLE]
        if source == "same":
            return priority_title
        name = getattr(self.options, f"{level}_name") or DEFAULT_NAME
        return name[:MAX_TITLE]

    def _plan_row(self, row: Row) -> PlannedAction | None:
        number = row.number
        if not row.get("action") and "action" not in row.refused:
            if self.sheet.has("action"):
                self.problems.add(
                    number, self.heading("action"), "is empty. Every row needs the action's text."
                )
            return None
        priority_title = self._structure_title(row, "priority")
        strand_title = self._structure_title(row, "strand", priority_title)
        if self.options.priority_from == "column" and not priority_title:
            if "priority" not in row.refused:
                self.problems.add(
                    number, self.heading("priority"), "is empty. Every row needs its priority."
                )
        if self.options.strand_from == "column" and not strand_title:
            if "strand" not in row.refused:
                self.problems.add(
                    number, self.heading("strand"), "is empty. Every row needs its strand."
                )
        text = self._text(row, "action")
        strand = None
        if priority_title and strand_title:
            strand = self._strand(row, priority_title, strand_title)
        values: dict = {"text": text}
        sheet = self.sheet
        if sheet.has("reference"):
            values["reference"] = self._text(row, "reference", MAX_REFERENCE)
        if self.options.theme_from == "column" and sheet.has("theme"):
            values["theme"] = self._theme(row, self._text(row, "theme", MAX_TITLE))
        elif self.options.theme_from.startswith("band"):
            band = _band(row, self.options.theme_from, sheet.band_levels)
            values["theme"] = self._theme(row, band[:MAX_TITLE] if band else "")
        if sheet.has("sub_items"):
            items, problem = sub_items(self._text(row, "sub_items"))
            if problem:
                self.problems.add(number, self.heading("sub_items"), problem)
            for label, _ in items:
                if len(label) > MAX_LABEL:
                    self.problems.add(number, self.heading("sub_items"), "a label is too long.")
            values["sub_items"] = items
        if sheet.has("outcome"):
            values["outcome"] = self._text(row, "outcome")
        partners = {}
        if sheet.has("lead_agency"):
            names = self.organisations.names_in(self._text(row, "lead_agency"))
            values["lead_agency"] = self._agency(row, "lead_agency", names[0]) if names else None
            if len(names) > 1:
                for name in names[1:]:
                    agency = self._agency(row, "lead_agency", name)
                    if agency is not None:
                        partners[agency.pk] = agency
                lead = values["lead_agency"].display_name if values["lead_agency"] else names[0]
                self.warnings.add(
                    number,
                    self.heading("lead_agency"),
                    f"names more than one organisation: “{lead}” is imported as the lead and "
                    f"{_and([f'“{n}”' for n in names[1:]])} as partners.",
                )
        if sheet.has("partners"):
            for name in self.organisations.names_in(self._text(row, "partners")):
                agency = self._agency(row, "partners", name)
                if agency is not None:
                    partners[agency.pk] = agency
        if sheet.has("partners") or partners:
            lead = values.get("lead_agency")
            partners.pop(getattr(lead, "pk", None), None)
            values["partners"] = sorted(partners.values(), key=lambda a: a.pk)
        if sheet.has("timeframe"):
            values["timeframe"] = self._timeframe(row)
        if sheet.has("completed"):
            values["completion_status"] = self._completion(row)
        if sheet.has("completion_note"):
            values["completion_note"] = self._text(row, "completion_note", MAX_NOTE)
        keep_officer = False
        if sheet.has("lead_officer"):
            name = self._text(row, "lead_officer")
            values["lead_officer"] = None
            if name:
                values["lead_officer"], warning = self.people.match(name)
                if warning:
                    self.warnings.add(number, self.heading("lead_officer"), warning)
                    keep_officer = True
        progress = self._progress(row, values) if self.takes_progress else None
        # A row with a problem is not planned: the preview lists the problem, not the action.
        if strand is None or row.refused or self.problems.about(number):
            return None
        existing = self._existing(strand, values)
        if progress is not None:
            # The completion comes in with the progress update, through the progress form's
            # code path, rather than as a change to the action.
            values.pop("completion_status", None)
            values.pop("completion_note", None)
            progress.existing = self.updates.get(existing.pk) if existing else None
            if progress.completion_status is None:
                progress.completion_status = (
                    existing.completion_status if existing else self.completions.not_started
                )
            if not sheet.has("completion_note"):
                progress.completion_note = existing.completion_note if existing else ""
            _compare_progress(progress, existing)
        planned = PlannedAction(number, strand, existing, values, progress=progress)
        if existing is not None:
            if keep_officer:  # an unknown name does not take the action's officer away
                values.pop("lead_officer")
            old = current_values(existing)
            for field_name, new in values.items():
                if field_name == "reference" and not new:
                    continue  # matched by its text: a blank reference leaves its own
                if not _same(field_name, old[field_name], new):
                    planned.changes.append(
                        FieldChange(
                            field_name,
                            FIELD_LABELS[field_name],
                            show(field_name, old[field_name]),
                            show(field_name, new),
                        )
                    )
        return planned

    def _progress(self, row: Row, values: dict) -> PlannedProgress | None:
        """The row's progress update for the chosen quarter, or None (with a warning or a
        problem saying why) when it has none to record."""
        number = row.number
        rag_text = as_text(row.get("rag")) if self.sheet.has("rag") else ""
        narrative = self._text(row, "progress") if self.sheet.has("progress") else ""
        if narrative is None:
            return None
        status = values.get("completion_status")
        rag = read_rag(rag_text) if rag_text else None
        if rag_text and rag is None:
            self.problems.add(
                number,
                self.heading("rag"),
                f"“{rag_text}” is not a RAG rating. Write {RAG_HELP}",
            )
            return None
        if rag is None and status is not None and status.counts_as_complete:
            rag = "blue"  # complete, as the completion column says
        if rag is None:
            if narrative:
                self.warnings.add(
                    number,
                    self.heading("progress"),
                    "has a progress narrative but no RAG rating, so its progress is not "
                    "imported: an update needs a rating. Add one in the file to bring it in.",
                )
            return None
        if rag in NEEDS_NARRATIVE and not narrative:
            self.warnings.add(
                number,
                self.heading("rag"),
                f"is {rag} with no progress narrative, so its progress is not imported: the "
                f"progress form asks why an action is {NEEDS_NARRATIVE[rag]}. Add the "
                "narrative in the file to bring it in.",
            )
            return None
        if status is None and not self.sheet.has("completed"):
            status = self.completions.for_rag(rag)
        return PlannedProgress(
            quarter=self.options.quarter,
            rag_rating=rag,
            narrative=narrative,
            completion_status=status,
            completion_note=values.get("completion_note") or "",
        )

    def _existing(self, strand, values) -> Action | None:
        if isinstance(strand, NewStrand):
            return None
        if values.get("reference"):
            found = self.by_reference.get((strand.pk, key(values["reference"])))
            if found is not None:
                return found
            # Imported before without references: the same text is the same action, unless
            # it has another reference already.
            found = self.by_text.get((strand.pk, key(values["text"])))
            if found is not None and not found.reference:
                return found
            return None
        return self.by_text.get((strand.pk, key(values["text"])))

    def _strand(self, row: Row, priority_title: str, strand_title: str):
        priority = self.priorities.get(key(priority_title)) or self.new_priorities.get(
            key(priority_title)
        )
        if priority is None:
            if not self.add_structure:
                suggestion = _suggest(priority_title, [p.title for p in self.priorities.values()])
                self.problems.add(
                    row.number,
                    self.heading("priority"),
                    f"the plan has no priority “{priority_title}”.{suggestion} "
                    + ADD_STRUCTURE_HINT,
                )
                return None
            self._warn_if_close(row, "priority", priority_title, self.priorities.values())
            self.priority_order += 1
            priority = NewPriority(
                priority_title,
                _unique_slug(priority_title, self.priority_slugs, "priority"),
                self.priority_order,
            )
            self.new_priorities[key(priority_title)] = priority
        priority_key = _key_of(priority)
        strand = self.strands.get((priority_key, key(strand_title))) or self.new_strands.get(
            (priority_key, key(strand_title))
        )
        if strand is not None:
            return strand
        siblings = [s for s in self.all_strands if ("db", s.priority_id) == priority_key]
        if not self.add_structure:
            suggestion = _suggest(strand_title, [s.title for s in siblings])
            elsewhere = [s for s in self.all_strands if key(s.title) == key(strand_title)]
            if elsewhere:
                suggestion = f" The plan has it under the priority “{elsewhere[0].priority.title}”."
            self.problems.add(
                row.number,
                self.heading("strand"),
                f"the priority “{priority}” has no strand “{strand_title}”.{suggestion} "
                + ADD_STRUCTURE_HINT,
            )
            return None
        self._warn_if_close(row, "strand", strand_title, siblings)
        taken = {s.slug for s in siblings} | {
            s.slug for (p, _), s in self.new_strands.items() if p == priority_key
        }
        order = (
            max([s.order for s in siblings], default=0)
            + 1
            + sum(1 for (p, _) in self.new_strands if p == priority_key)
        )
        strand = NewStrand(
            priority, strand_title, _unique_slug(strand_title, taken, "strand"), order
        )
        self.new_strands[(priority_key, key(strand_title))] = strand
        return strand

    def _theme(self, row: Row, name: str | None):
        if not name:
            return None
        theme = self.themes.get(key(name)) or self.new_themes.get(key(name))
        if theme is not None:
            return theme
        if not self.add_structure:
            suggestion = _suggest(name, [t.name for t in self.themes.values()])
            self.problems.add(
                row.number,
                self.heading("theme"),
                f"the plan has no theme “{name}”.{suggestion} " + ADD_STRUCTURE_HINT,
            )
            return None
        self._warn_if_close(row, "theme", name, self.themes.values())
        self.theme_order += 1
        theme = NewTheme(name, _unique_slug(name, self.theme_slugs, "theme"), self.theme_order)
        self.new_themes[key(name)] = theme
        return theme

    def _warn_if_close(self, row: Row, column_key: str, title: str, existing):
        suggestion = _suggest(title, [str(item) for item in existing])
        if suggestion:
            self.warnings.add(
                row.number,
                self.heading(column_key),
                f"“{title}” will be added to the plan as a new {column_key}.{suggestion}",
            )

    def _agency(self, row: Row, column_key: str, name: str):
        if not name:
            return None
        found = self.organisations.find(name)
        if found.agency is None:
            self.problems.add(row.number, self.heading(column_key), found.message)
            self.unknown_organisations.setdefault(name, found)
        elif found.message:
            self.warnings.add(row.number, self.heading(column_key), found.message)
            self.guessed_organisations.setdefault(name, found)
        return found.agency

    def _timeframe(self, row: Row) -> str:
        wording = self._text(row, "timeframe", MAX_WORDING) or ""
        if not wording:
            return ""
        parsed = parse_timeframe(wording, self.plan.financial_year)
        column = self.heading("timeframe")
        if not parsed.understood:
            self.warnings.add(
                row.number,
                column,
                f"“{wording}” gives no date the service can read ({parsed.explanation}) It is "
                "imported as written and flagged for an administrator to set the dates.",
            )
        elif outside_plan_year(parsed, self.plan.financial_year):
            self.warnings.add(
                row.number,
                column,
                f"“{wording}” is due on {format_date(parsed.due_date)}, outside the plan's year "
                f"({format_date(self.plan.start_date)} to {format_date(self.plan.end_date)}). "
                "Check it is right.",
            )
        return wording

    def _completion(self, row: Row):
        value = row.get("completed")
        status = self.completions.read("" if value is None else value)
        if status is None and as_text(value).strip() == "":
            status = self.completions.not_started
        if status is None:
            self.problems.add(
                row.number,
                self.heading("completed"),
                f"“{as_text(value)}” is not a completion this service knows. Write “Complete”, "
                f"“In progress”, a tick (✓), “Yes” or “No”, or one of: "
                f"{self.completions.names()}.",
            )
        return status

    def _order_new_actions(self, actions: list[PlannedAction]):
        """New actions follow the file's order within their strand, after its actions."""
        for action in actions:
            if action.existing is None:
                strand_key = _key_of(action.strand)
                order = self.last_order.get(strand_key, 0) + 1
                self.last_order[strand_key] = order
                action.order = order


def _band(row: Row, source: str, levels: int) -> str:
    """The title of the band row above ``row`` that ``source`` ("band1".."band3") names; "" for
    none. A row's bands are highest first."""
    number = int(source[4:])
    return row.bands[number - 1] if number <= levels and len(row.bands) >= number else ""


def _compare_progress(progress: PlannedProgress, action: Action | None):
    """The fields of the quarter's update (and the action's completion) the row changes."""
    update = progress.existing
    old = {
        "rag_rating": update.rag_rating if update else None,
        "narrative": update.narrative if update else "",
        "completion_status": action.completion_status if action else None,
        "completion_note": action.completion_note if action else "",
    }
    new = {
        "rag_rating": progress.rag_rating,
        "narrative": progress.narrative,
        "completion_status": progress.completion_status,
        "completion_note": progress.completion_note,
    }
    labels = {
        "rag_rating": "RAG rating",
        "narrative": "Progress",
        "completion_status": "Completed",
        "completion_note": "Completion note",
    }
    for name, label in labels.items():
        before, after = old[name], new[name]
        if name == "completion_status":
            same = getattr(before, "pk", None) == getattr(after, "pk", None)
            before, after = show(name, before), show(name, after)
        elif name == "rag_rating":
            same = before == after
            before = rag_rating(before).label if before else NONE
            after = rag_rating(after).label
        else:
            same = (before or "") == (after or "")
            before, after = before or NONE, after or NONE
        if update is None or not same:
            if update is None and name in {"completion_status", "completion_note"} and same:
                continue
            progress.changes.append(FieldChange(name, label, before, after))


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def _key_of(part) -> tuple:
    """A priority or strand, new or saved, as a dictionary key."""
    if isinstance(part, NewPriority | NewStrand):
        return ("new", id(part))
    return ("db", part.pk)


def _unique_slug(title: str, taken: set[str], fallback: str) -> str:
    base = slugify(title)[:90] or fallback
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug
