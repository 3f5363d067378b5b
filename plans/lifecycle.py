"""A plan's year as a table of the moves between its statuses, who may make each one, and the
one function that makes them: draft → consultation → signed off → active → closed.

Every move is saved with a change reason ("Signed off") and the person who made it, so the
plan's audit trail (simple-history) says who moved it and when; the status page reads it back.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from agencies.models import display_name

from .models import AnnualPlan, PlanStatus


@dataclass(frozen=True)
class Transition:
    """One allowed move of a plan's status, and the words the pages use for it."""

    source: str
    target: str
    # The button: "Sign off".
    label: str
    # Who may make it: a permission (superusers have them all).
    permission: str
    # What was done, as the audit trail and the status history say it: "Signed off".
    done: str
    # What the move means, shown next to its button.
    explanation: str
    # The banner on the plan's page once it is done.
    message: str


TRANSITIONS = [
    Transition(
        PlanStatus.DRAFT,
        PlanStatus.CONSULTATION,
        label="Open for comment",
        permission="plans.change_plan_status",
        done="Opened for comment",
        explanation="Circulate the draft to members and officers: they can comment on the "
        "plan, its strands and its actions until it is signed off or returned to draft.",
        message="The plan is out for consultation: members and officers can now comment on it.",
    ),
    Transition(
        PlanStatus.CONSULTATION,
        PlanStatus.DRAFT,
        label="Return to draft",
        permission="plans.change_plan_status",
        done="Returned to draft",
        explanation="Stop taking comments, to rework the draft. The comments made so far are "
        "kept; open it for comment again when it is ready.",
        message="The plan is a draft again: comments are no longer taken.",
    ),
    Transition(
        PlanStatus.CONSULTATION,
        PlanStatus.SIGNED_OFF,
        label="Sign off",
        permission="plans.sign_off_plan",
        done="Signed off",
        explanation="The chair signs the plan off after consultation. Comments are no longer "
        "taken, and from then on the plan’s priorities, strands and actions change only in "
        "admin, where every change is recorded in its history. Officers can record progress.",
        message="The plan is signed off.",
    ),
    Transition(
        PlanStatus.SIGNED_OFF,
        PlanStatus.ACTIVE,
        label="Start delivery",
        permission="plans.change_plan_status",
        done="Delivery started",
        explanation="Mark the signed-off plan as being delivered this year.",
        message="The plan is active: it is being delivered.",
    ),
    Transition(
        PlanStatus.ACTIVE,
        PlanStatus.CLOSED,
        label="Close the plan",
        permission="plans.change_plan_status",
        done="Closed",
        explanation="Close the plan at the end of its year. Officers can no longer record "
        "progress on its actions. A closed plan cannot be reopened.",
        message="The plan is closed: progress can no longer be recorded.",
    ),
]

# Every permission that makes some move: who may post to the status page at all.
LIFECYCLE_PERMISSIONS = sorted({transition.permission for transition in TRANSITIONS})


class TransitionError(Exception):
    """A status change that was refused, with the reason as a sentence for the person."""


class NotAllowedTransition(TransitionError):
    """A move the table does not have, e.g. from draft straight to signed off."""


class StaleStatus(TransitionError):
    """The plan's status changed since the page asking for the move was shown."""

    def __init__(self, plan, expected):
        self.plan = plan
        self.expected = expected
        super().__init__(
            f"{plan.title} is no longer {PlanStatus(expected).label.lower()}: it is now "
            f"{plan.get_status_display().lower()}. Nothing has been changed."
        )


def transition_between(source, target) -> Transition | None:
    """The table's move from one status to another, or None if there is none."""
    for transition in TRANSITIONS:
        if transition.source == source and transition.target == target:
            return transition
    return None


def may_change_status(user) -> bool:
    """Whether the person may make any move at all (on some plan, in some status)."""
    return any(user.has_perm(permission) for permission in LIFECYCLE_PERMISSIONS)


def allowed_transitions(plan, user) -> list[Transition]:
    """The moves the person may make from the plan's current status, in the table's order."""
    return [
        transition
        for transition in TRANSITIONS
        if transition.source == plan.status and user.has_perm(transition.permission)
    ]


def change_status(plan, to, user, expected_status) -> Transition:
    """Move the plan to status `to`, as `user`, if it is still in `expected_status` (what the
    person saw). Raises StaleStatus if the plan has moved since, NotAllowedTransition for a
    move the table does not have, PermissionDenied if the person may not make it. Returns the
    move made; the plan object passed in is updated."""
    with transaction.atomic():
        # Locked until the end of the transaction, so that two moves made at once cannot both
        # start from the same status.
        current = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
        if current.status != expected_status:
            raise StaleStatus(current, expected_status)
        transition = transition_between(current.status, to)
        if transition is None:
            raise NotAllowedTransition(
                f"A plan cannot go from {current.get_status_display().lower()} to "
                f"{_label(to).lower()}."
            )
        if not user.has_perm(transition.permission):
            raise PermissionDenied(f"You cannot {transition.label.lower()} a plan.")
        current.status = transition.target
        fields = ["status", "updated_at"]
        if transition.target == PlanStatus.SIGNED_OFF:
            current.signed_off_at = timezone.now()
            current.signed_off_by = user
            fields += ["signed_off_at", "signed_off_by"]
        current._change_reason = transition.done
        current._history_user = user
        current.save(update_fields=fields)
    for name in ("status", "signed_off_at", "signed_off_by_id", "updated_at"):
        setattr(plan, name, getattr(current, name))
    return transition


def _as_status(status) -> str:
    """ "a draft", "out for consultation", "active"."""
    return "a draft" if status == PlanStatus.DRAFT else _label(status).lower()


def _label(status) -> str:
    try:
        return PlanStatus(status).label
    except ValueError:
        return str(status)


@dataclass(frozen=True)
class StatusEvent:
    """One change of the plan's status in its audit trail."""

    what: str  # "Signed off"
    status: str  # the status it moved to
    who: str  # the person's name; empty when not known (a script, the demo data)
    when: object  # an aware datetime


def status_history(plan) -> list[StatusEvent]:
    """Each change of the plan's status, oldest first, from its audit trail: its creation and
    every record whose status differs from the one before."""
    records = (
        plan.history.select_related("history_user")
        .order_by("history_date", "history_id")
        .only("status", "history_type", "history_date", "history_user", "history_change_reason")
    )
    events = []
    previous = None
    for record in records:
        if record.history_type == "+":
            what = f"Created as {_as_status(record.status)}"
        elif record.history_type == "-" or record.status == previous:
            previous = record.status
            continue
        else:
            transition = transition_between(previous, record.status)
            what = transition.done if transition else f"Status set to {_label(record.status)}"
        events.append(
            StatusEvent(what, record.status, display_name(record.history_user), record.history_date)
        )
        previous = record.status
    return events
