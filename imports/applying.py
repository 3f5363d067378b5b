"""Applying an import: the file is read and planned again against the database inside one
transaction, with the plan's row locked, and written only if it still gives the preview the
administrator confirmed and has no problems. Anything that fails rolls everything back.

Every object created or changed carries the change reason "Imported from <file name>" in its
history; the user is the administrator who confirmed it (the admin's request, or, in the
background job, imports.tasks.recorded_as), or nobody ("System") for the management command.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from actions.models import Action, ActionSubItem, Timeframe
from actions.progress import Progress, record_progress
from plans.models import AnnualPlan, Theme
from priorities.models import Priority, Strand

from .models import ImportLayout
from .planning import (
    NewPriority,
    NewStrand,
    NewTheme,
    PlannedAction,
    Preview,
    plan_import,
    propose_options,
)
from .reading import read_file


@dataclass
class Outcome:
    """What an attempt to import did: ``imported`` True when everything was written;
    ``changed`` True when nothing was because the preview is no longer what was confirmed."""

    preview: Preview
    imported: bool = False
    changed: bool = False

    @property
    def summary(self) -> dict[str, int]:
        return self.preview.counts()


def preview_file(
    plan: AnnualPlan,
    filename: str,
    content: bytes,
    *,
    add_structure: bool,
    sheet_name: str | None = None,
    mapping: dict | None = None,
    mapping_source: str = "chosen",
    options: dict | None = None,
):
    """Read and plan a file without writing anything: ``sheet_name``, ``mapping`` and
    ``options`` as the administrator chose them (None: as proposed). Raises
    reading.UnreadableFile."""
    sheet = read_file(filename, content, sheet_name=sheet_name, mapping=mapping, how=mapping_source)
    chosen = propose_options(sheet, plan, options)
    return plan_import(sheet, plan, add_structure=add_structure, options=chosen)


def planned_from(record, plan_file, **options):
    """``plan_file`` (preview_file or import_file) applied to the stored file as it was
    uploaded and as it is read now (sheet, mapping, options), so that confirming plans exactly
    what the preview planned."""
    return plan_file(
        record.plan,
        record.filename,
        record.read_file(),
        add_structure=record.add_structure,
        sheet_name=record.sheet_name or None,
        mapping=record.mapping or None,
        mapping_source=record.mapping_source or "chosen",
        options=record.options or None,
        **options,
    )


def remember_layout(record, preview, user):
    """Remember how this layout was read, for the partnership's next file like it."""
    sheet = preview.sheet
    options = dict(preview.options.as_dict()) if preview.options else {}
    options.pop("quarter", None)  # next quarter's file is for next quarter
    ImportLayout.objects.update_or_create(
        fingerprint=sheet.fingerprint,
        defaults={
            "headings": [column.label for column in sheet.columns],
            "mapping": sheet.mapping(),
            "options": options,
            "updated_by": user,
        },
    )


def import_file(
    plan: AnnualPlan,
    filename: str,
    content: bytes,
    *,
    add_structure: bool,
    expected_digest: str | None = None,
    dry_run: bool = False,
    user=None,
    **reading,
) -> Outcome:
    """Read, plan and (unless it has problems, differs from ``expected_digest`` or this is a
    dry run) apply a file, all in one transaction; ``reading`` as preview_file takes it, and
    ``user`` the author of the progress updates it records. Raises reading.UnreadableFile."""
    with transaction.atomic():
        # Two imports into one plan wait for each other; the second then sees the first's work.
        locked = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
        preview = preview_file(locked, filename, content, add_structure=add_structure, **reading)
        if not preview.can_import or dry_run:
            return Outcome(preview)
        if expected_digest is not None and preview.digest != expected_digest:
            return Outcome(preview, changed=True)
        _Writer(preview, f"Imported from {filename}"[:100], user).write()
        return Outcome(preview, imported=True)


class _Writer:
    def __init__(self, preview: Preview, reason: str, user=None):
        self.preview = preview
        self.user = user
        self.plan = preview.plan
        self.reason = reason
        self.timeframes = {t.wording: t for t in Timeframe.objects.filter(plan=self.plan)}

    def save(self, obj, **kwargs):
        obj._change_reason = self.reason
        obj.save(**kwargs)
        return obj

    def write(self):
        for theme in self.preview.new_themes:
            theme.saved = self.save(
                Theme(plan=self.plan, name=theme.name, slug=theme.slug, order=theme.order)
            )
        for priority in self.preview.new_priorities:
            priority.saved = self.save(
                Priority(
                    plan=self.plan, title=priority.title, slug=priority.slug, order=priority.order
                )
            )
        for strand in self.preview.new_strands:
            strand.saved = self.save(
                Strand(
                    priority=_saved(strand.priority),
                    title=strand.title,
                    slug=strand.slug,
                    order=strand.order,
                )
            )
        for planned in self.preview.actions:
            if planned.kind == "new":
                planned.saved = self.create(planned)
            elif planned.kind == "changed":
                self.change(planned)
        for planned in self.preview.progress:
            self.record(planned)

    def record(self, planned: PlannedAction):
        """The row's progress update, through the progress form's own code path: its version
        checks and the open-quarter lock (a conflict or a quarter closed meanwhile raises, and
        the whole import is rolled back)."""
        action = planned.existing or planned.saved
        action.refresh_from_db()
        progress = planned.progress
        update = progress.existing
        record_progress(
            action,
            Progress(
                quarter=progress.quarter,
                rag_rating=progress.rag_rating,
                narrative=progress.narrative,
                completion_status=progress.completion_status,
                completion_note=progress.completion_note,
                internal=update.internal if update else False,
            ),
            author=self.user,
            action_version=action.version,
            update_version=update.version if update else None,
            reason=self.reason,
        )

    def timeframe(self, wording: str):
        if not wording:
            return None
        if wording not in self.timeframes:
            self.timeframes[wording] = self.save(Timeframe(plan=self.plan, wording=wording))
        return self.timeframes[wording]

    def set_fields(self, action: Action, values: dict, fields):
        for name in fields:
            value = values[name]
            if name == "theme":
                action.theme = _saved(value) if value is not None else None
            elif name == "timeframe":
                action.timeframe = self.timeframe(value)
            else:
                setattr(action, name, value)

    def create(self, planned: PlannedAction):
        values = planned.values
        action = Action(strand=_saved(planned.strand), order=planned.order)
        self.set_fields(action, values, [name for name in values if name not in _RELATED])
        self.save(action)
        if values.get("partners"):
            action.partner_agencies.set(values["partners"])
        for order, (label, text) in enumerate(values.get("sub_items", []), start=1):
            self.save(ActionSubItem(action=action, label=label, text=text, order=order))
        return action

    def change(self, planned: PlannedAction):
        action = planned.existing
        values = planned.values
        changed = {change.field for change in planned.changes}
        own = [name for name in changed if name not in _RELATED]
        if own:
            self.set_fields(action, values, own)
            self.save(action)
        if "partners" in changed:
            action._change_reason = self.reason
            action.partner_agencies.set(values["partners"])
        if "sub_items" in changed:
            self.replace_sub_items(action, values["sub_items"])

    def replace_sub_items(self, action: Action, items):
        current = {item.label.casefold(): item for item in action.sub_items.all()}
        wanted = {label.casefold() for label, _ in items}
        for label, item in current.items():
            if label not in wanted:
                item._change_reason = self.reason
                item.delete()
        for order, (label, text) in enumerate(items, start=1):
            item = current.get(label.casefold())
            if item is None:
                self.save(ActionSubItem(action=action, label=label, text=text, order=order))
            elif (item.label, item.text, item.order) != (label, text, order):
                item.label, item.text, item.order = label, text, order
                self.save(item)


# Fields written after the action itself is saved.
_RELATED = {"partners", "sub_items"}


def _saved(part):
    """The database object for a part of the plan, new (just saved) or existing."""
    if isinstance(part, NewPriority | NewStrand | NewTheme):
        return part.saved
    return part
