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

from actions.models import Action, ActionSubItem, CompletionStatus
from actions.timeframes import format_date
from agencies.models import Agency, display_name
from partnerships.context import current_partnership_id
from plans.models import AnnualPlan, Theme
from priorities.models import Priority, Strand

from .columns import COMPLETE_WORDS, NOT_COMPLETE_WORDS
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


def agency_key(text: str, *, brackets: bool = False) -> str:
    """An agency's name as matched: ignoring case, punctuation, "&" for "and", a leading "the"
    and (unless ``brackets``) text in brackets."""
    text = str(text).casefold().replace("&", " and ")
    if not brackets:
        text = re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text)
    text = re.sub(r"['’`]", "", text)
    text = " ".join(re.sub(r"[\W_]+", " ", text).split())
    return text.removeprefix("the ")


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
    "lead_agency": "lead_agency",
    "lead_officer": "lead_officer",
    "partners": "partners",
    "timeframe": "timeframe",
    "completion_status": "completed",
    "completion_note": "completion_note",
}


@dataclass
class PlannedAction:
    """One row of the file as it will be imported: a new action, or an existing one (changed
    or not). ``values`` holds only the fields the file sets."""

    row: int
    strand: Strand | NewStrand
    existing: Action | None
    values: dict
    order: int = 0  # for a new action
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if self.existing is None:
            return "new"
        return "changed" if self.changes else "unchanged"

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
    problems: list[Note] = field(default_factory=list)
    warnings: list[Note] = field(default_factory=list)

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

    def counts(self) -> dict[str, int]:
        return {
            "priorities_created": len(self.new_priorities),
            "strands_created": len(self.new_strands),
            "themes_created": len(self.new_themes),
            "actions_created": len(self.created),
            "actions_changed": len(self.changed),
            "actions_unchanged": len(self.unchanged),
            "actions_left_alone": self.left_alone,
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
                ]
                for action in self.actions
            ],
            "left_alone": self.left_alone,
            "problems": [str(note) for note in self.problems],
            "warnings": [str(note) for note in self.warnings],
        }
        return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


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


class AgencyMatcher:
    """Finds the agency a cell names (see the module docstring)."""

    def __init__(self):
        self.agencies = list(Agency.objects.order_by("name"))
        self.keys: dict[str, set[int]] = {}
        self.by_pk = {agency.pk: agency for agency in self.agencies}
        for agency in self.agencies:
            names = [agency.name, agency.short_name, agency.slug.replace("-", " ")]
            for name in filter(None, names):
                for variant in {agency_key(name), agency_key(name, brackets=True)}:
                    if variant:
                        self.keys.setdefault(variant, set()).add(agency.pk)

    def match(self, text: str) -> tuple[Agency | None, str]:
        """(agency, warning) for a close spelling; (None, problem) when there is no match."""
        for variant in (agency_key(text), agency_key(text, brackets=True)):
            found = self.keys.get(variant, set())
            if len(found) == 1:
                return self.by_pk[next(iter(found))], ""
            if len(found) > 1:
                exact = [self.by_pk[pk] for pk in found if key(self.by_pk[pk].name) == key(text)]
                if len(exact) == 1:
                    return exact[0], ""
                names = " or ".join(f"“{self.by_pk[pk].name}”" for pk in sorted(found))
                return None, (
                    f"“{text}” could be {names}. Write the agency's full name as admin lists it."
                )
        close = difflib.get_close_matches(
            agency_key(text, brackets=True), list(self.keys), n=1, cutoff=AGENCY_CUTOFF
        )
        if close and len(self.keys[close[0]]) == 1:
            agency = self.by_pk[next(iter(self.keys[close[0]]))]
            return agency, f"matched “{text}” to “{agency.name}”: check that this is right."
        suggestion = _suggest(
            text,
            [a.name for a in self.agencies] + [a.short_name for a in self.agencies if a.short_name],
        )
        return None, (
            f"no agency called “{text}”.{suggestion} Add it in admin under Agencies, or correct "
            "the spelling."
        )


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


class CompletionMatcher:
    def __init__(self):
        self.statuses = list(CompletionStatus.objects.all())
        self.default = CompletionStatus.default()
        self.complete = next((s for s in self.statuses if s.slug == "complete"), None) or next(
            (s for s in self.statuses if s.counts_as_complete), None
        )
        self.keys = {}
        for status in self.statuses:
            self.keys[key(status.name)] = status
            self.keys[key(status.slug.replace("-", " "))] = status
            self.keys[key(status.slug)] = status

    def match(self, value):
        """(status, "") or (None, problem)."""
        if isinstance(value, bool):
            return (self.complete if value else self.default), ""
        text = key(as_text(value))
        if text in self.keys:
            return self.keys[text], ""
        if text in COMPLETE_WORDS and self.complete is not None:
            return self.complete, ""
        if text in NOT_COMPLETE_WORDS:
            return self.default, ""
        names = ", ".join(status.name for status in self.statuses)
        return None, (
            f"“{as_text(value)}” is not a completion this service knows. Write a tick (✓), "
            f"“Yes” or “No”, leave it blank, or write one of: {names}."
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


def split_partners(text: str) -> list[str]:
    parts = re.split(r"[;\n]", text) if re.search(r"[;\n]", text) else text.split(",")
    return [part.strip() for part in parts if part.strip()]


# --- planning -----------------------------------------------------------------------------------


def why_refused(plan: AnnualPlan) -> str:
    """Why a plan does not accept imports, or "" when it does."""
    if plan.structure_locked:
        return (
            f"“{plan}” is {plan.get_status_display().lower()}: once a plan is signed off, its "
            "structure changes only in admin, one action at a time. Import into a plan that is "
            "a draft or out for consultation."
        )
    return ""


def plan_import(sheet: Sheet, plan: AnnualPlan, *, add_structure: bool) -> Preview:
    """Compare what was read with the plan: the preview of the import."""
    return _Planner(sheet, plan, add_structure).preview()


class _Planner:
    def __init__(self, sheet: Sheet, plan: AnnualPlan, add_structure: bool):
        self.sheet = sheet
        self.plan = plan
        self.add_structure = add_structure
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
        )
        refused = why_refused(self.plan)
        if refused:
            preview.problems = [Note((), "", refused)]
            return preview
        if not self.sheet.rows and not self.problems:
            self.problems.add(None, "", "The file has a heading row but no actions under it.")
        self._load_plan()
        self.agencies = AgencyMatcher()
        self.people = PeopleMatcher()
        self.completions = CompletionMatcher()
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
        preview.left_alone = len(set(self.existing_ids) - set(matched))
        preview.problems = self.problems.as_list()
        preview.warnings = self.warnings.as_list()
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
                "strand", "theme", "lead_agency", "lead_officer", "timeframe", "completion_status"
            )
            .prefetch_related("partner_agencies", "sub_items")
        )
        self.existing_ids = [action.pk for action in actions]
        self.by_reference = {(a.strand_id, key(a.reference)): a for a in actions if a.reference}
        self.by_text: dict[tuple, Action] = {}
        for action in actions:
            self.by_text.setdefault((action.strand_id, key(action.text)), action)
        self.last_order: dict[int, int] = {}
        for action in actions:
            strand_key = ("db", action.strand_id)
            self.last_order[strand_key] = max(self.last_order.get(strand_key, 0), action.order)

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

    def _plan_row(self, row: Row) -> PlannedAction | None:
        problems_before = len(self.problems)
        for column_key, what in (
            ("priority", "its priority"),
            ("strand", "its strand"),
            ("action", "the action's text"),
        ):
            if not row.get(column_key) and column_key not in row.refused:
                self.problems.add(
                    row.number, self.heading(column_key), f"is empty. Every row needs {what}."
                )
        priority_title = self._text(row, "priority", MAX_TITLE)
        strand_title = self._text(row, "strand", MAX_TITLE)
        text = self._text(row, "action")
        strand = None
        if priority_title and strand_title:
            strand = self._strand(row, priority_title, strand_title)
        values: dict = {"text": text}
        sheet = self.sheet
        if sheet.has("reference"):
            values["reference"] = self._text(row, "reference", MAX_REFERENCE)
        if sheet.has("theme"):
            values["theme"] = self._theme(row)
        if sheet.has("sub_items"):
            items, problem = sub_items(self._text(row, "sub_items"))
            if problem:
                self.problems.add(row.number, self.heading("sub_items"), problem)
            for label, _ in items:
                if len(label) > MAX_LABEL:
                    self.problems.add(row.number, self.heading("sub_items"), "a label is too long.")
            values["sub_items"] = items
        if sheet.has("lead_agency"):
            values["lead_agency"] = self._agency(row, "lead_agency", self._text(row, "lead_agency"))
        if sheet.has("partners"):
            partners = {}
            for name in split_partners(self._text(row, "partners")):
                agency = self._agency(row, "partners", name)
                if agency is not None:
                    partners[agency.pk] = agency
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
                    self.warnings.add(row.number, self.heading("lead_officer"), warning)
                    keep_officer = True
        # A row with a problem is not planned: the preview lists the problem, not the action.
        if strand is None or row.refused or len(self.problems) > problems_before:
            return None
        existing = self._existing(strand, values)
        planned = PlannedAction(row.number, strand, existing, values)
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

    def _existing(self, strand, values) -> Action | None:
        if isinstance(strand, NewStrand):
            return None
        if values.get("reference"):
            return self.by_reference.get((strand.pk, key(values["reference"])))
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

    def _theme(self, row: Row):
        name = self._text(row, "theme", MAX_TITLE)
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
        agency, message = self.agencies.match(name)
        if agency is None:
            self.problems.add(row.number, self.heading(column_key), message)
        elif message:
            self.warnings.add(row.number, self.heading(column_key), message)
        return agency

    def _timeframe(self, row: Row) -> str:
        value = row.get("timeframe")
        if isinstance(value, date):
            wording = as_text(value)
            self.warnings.add(
                row.number,
                self.heading("timeframe"),
                f"the cell holds a date; it is imported as the wording “{wording}”.",
            )
            return wording
        return self._text(row, "timeframe", MAX_WORDING) or ""

    def _completion(self, row: Row):
        value = row.get("completed")
        status, problem = self.completions.match("" if value is None else value)
        if problem:
            self.problems.add(row.number, self.heading("completed"), problem)
        return status

    def _order_new_actions(self, actions: list[PlannedAction]):
        """New actions follow the file's order within their strand, after its actions."""
        for action in actions:
            if action.existing is None:
                strand_key = _key_of(action.strand)
                order = self.last_order.get(strand_key, 0) + 1
                self.last_order[strand_key] = order
                action.order = order


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
