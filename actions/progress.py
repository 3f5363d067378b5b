"""Recording an officer's quarterly progress on an action, without losing anybody's edit."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from plans.year import lock_open_quarter

from .concurrency import VersionConflict, claim, save_as_shown
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
    reason: str | None = None,
) -> ProgressUpdate:
    """Save a quarter's update and the action's completion in one transaction.

    ``action_version`` and ``update_version`` are the versions the officer's form showed
    (``update_version`` is None when it showed no update for that quarter). If either row has
    changed since, nothing is saved and ProgressConflict says what is there now. A second update
    in the same quarter amends that quarter's update; its earlier text stays in the history.
    If the quarter has been closed, nothing is saved and plans.year.QuarterClosed says why.
    ``reason`` is what the history of both rows says the change came from ("Imported from
    plan.xlsx", "Uploaded in progress.xlsx"); None for the progress form.
    """
    try:
        with transaction.atomic():
            # First statement of the transaction: check and lock the action.
            claim(Action, action.pk, action_version)
            lock_open_quarter(action.strand.priority.plan_id, progress.quarter)
            update = _write_update(action, progress, author, update_version, reason)
            action.refresh_from_db()
            action.completion_status = progress.completion_status
            action.completion_note = progress.completion_note
            action._change_reason = reason
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


def _write_update(action, progress, author, update_version, reason):
    """Create or amend the quarter's update, if it is still as the officer's form showed it."""
    return save_as_shown(
        ProgressUpdate,
        {"action": action, "quarter": progress.quarter},
        update_version,
        {
            "rag_rating": progress.rag_rating,
            "narrative": progress.narrative,
            "internal": progress.internal,
            "completion_status": progress.completion_status,
            "author": author,
        },
        reason=reason,
    )
