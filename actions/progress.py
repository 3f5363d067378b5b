"""Recording an officer's quarterly progress on an action, without losing anybody's edit."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from plans.models import AnnualPlan
from reviews.models import QuarterClosure

from .concurrency import VersionConflict, claim
from .models import Action, CompletionStatus, ProgressUpdate


@dataclass
class Progress:
    """What an officer reports for one quarter: the update and the action's completion."""

    quarter: int
    rag_rating: str
    narrative: str
    completion_status: CompletionStatus
    completion_note: str
    # Keep the narrative off the public pages (ProgressUpdate.internal).
    internal: bool = False


class QuarterClosed(Exception):
    """The quarter was closed after the partnership's meeting (perhaps while the officer's form
    was open): its updates can no longer be added or changed. The message says so, for the
    officer."""

    def __init__(self, closure):
        super().__init__(closure.refusal)
        self.closure = closure


class ProgressConflict(Exception):
    """The action or that quarter's update changed after the officer's form was shown. Holds
    what is saved now, for the officer to see and merge with their own text."""

    def __init__(self, action: Action, update: ProgressUpdate | None):
        super().__init__("Someone else saved this action while you were editing it.")
        self.action = action
        self.update = update


def record_progress(
    action: Action,
    progress: Progress,
    *,
    author,
    action_version: int,
    update_version: int | None,
) -> ProgressUpdate:
    """Save a quarter's update and the action's completion in one transaction.

    ``action_version`` and ``update_version`` are the versions the officer's form showed
    (``update_version`` is None when it showed no update for that quarter). If either row has
    changed since, nothing is saved and ProgressConflict says what is there now. A second update
    in the same quarter amends that quarter's update; its earlier text stays in the history.
    If the quarter has been closed, nothing is saved and QuarterClosed says why.
    """
    try:
        with transaction.atomic():
            # First statement of the transaction: check and lock the action.
            claim(Action, action.pk, action_version)
            _refuse_closed_quarter(action, progress.quarter)
            update = _write_update(action, progress, author, update_version)
            action.refresh_from_db()
            action.completion_status = progress.completion_status
            action.completion_note = progress.completion_note
            action.save()
    except (VersionConflict, IntegrityError):
        # IntegrityError: two people created the same quarter's first update at once, and the
        # database's one-update-per-quarter rule refused the second.
        current_action = Action.objects.get(pk=action.pk)
        current_update = ProgressUpdate.objects.filter(
            action=action, quarter=progress.quarter
        ).first()
        raise ProgressConflict(current_action, current_update) from None
    return update


def _refuse_closed_quarter(action, quarter):
    """Raise QuarterClosed if the quarter is closed. Locks the plan's row first: closing a
    quarter takes the same lock before it snapshots the figures (reviews.models), so a quarter
    closed while the officer's form was open is seen here, and an update saved first is in the
    snapshot."""
    plan_id = (
        AnnualPlan.objects.select_for_update(of=("self",))
        .filter(priorities__strands__actions=action.pk)
        .values_list("pk", flat=True)
        .get()
    )
    closure = (
        QuarterClosure.objects.filter(plan_id=plan_id, quarter=quarter)
        .select_related("plan")
        .defer("snapshot")
        .first()
    )
    if closure is not None:
        raise QuarterClosed(closure)


def _write_update(action, progress, author, update_version):
    existing = ProgressUpdate.objects.filter(action=action, quarter=progress.quarter).first()
    if existing is None:
        if update_version is not None:
            # The form showed an update that has since been deleted.
            raise VersionConflict(None)
        return ProgressUpdate.objects.create(
            action=action,
            quarter=progress.quarter,
            rag_rating=progress.rag_rating,
            narrative=progress.narrative,
            internal=progress.internal,
            completion_status=progress.completion_status,
            author=author,
        )
    if update_version is None:
        # Someone else wrote this quarter's first update after the form was shown.
        raise VersionConflict(existing)
    claim(ProgressUpdate, existing.pk, update_version)
    existing.refresh_from_db()
    existing.rag_rating = progress.rag_rating
    existing.narrative = progress.narrative
    existing.internal = progress.internal
    existing.completion_status = progress.completion_status
    existing.author = author
    existing.save()
    return existing
