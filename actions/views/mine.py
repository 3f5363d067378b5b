"""A person's own actions: the list on My updates (whose page, rounds/views.py, puts the update
round's open windows above it) and the home page's summary of them."""

from dataclasses import dataclass

from django.utils import timezone

from plans.models import AnnualPlan
from plans.quarters import Quarter

from ..filters import MyActionsFilter
from ..models import Action


def my_actions_section(request, today) -> dict:
    """What My updates' list of actions shows (actions/includes/my_actions.html): the actions the
    signed-in person or their agency leads, grouped by plan and strand, with the filters of
    MyActionsFilter. Someone who leads nothing (a chair) has an empty list."""
    filterset = MyActionsFilter.for_user(request.GET, request.user, today)
    # A list, to avoid DB access while rendering the template.
    actions = list(filterset.qs)
    # Which of them this person may update, in one query rather than a check per row.
    editable = set(
        Action.objects.editable_by(request.user)
        .filter(pk__in=[action.pk for action in actions])
        .values_list("pk", flat=True)
    )
    for action in actions:
        action.can_update = action.pk in editable
        action.latest_period = (
            action.plan.quarter(action.latest_quarter) if action.latest_quarter else None
        )

    filtered = filterset.is_filtered
    return {
        "filter": filterset,
        "form": filterset.form,
        "groups": _group_by_plan_and_strand(actions, filterset.plans, filterset.strands),
        "summary": Summary.of(actions, today),
        "is_filtered": filtered,
        # Only a filtered list needs the unfiltered total ("3 of your 19 actions").
        "total": filterset.queryset.count() if filtered else len(actions),
    }


@dataclass(frozen=True)
class Summary:
    """How many actions a list holds, and how many of them need this quarter's update."""

    count: int
    update_due_count: int
    # The reporting quarters the due updates are for: one, unless the actions span plans.
    update_due_quarters: tuple[Quarter, ...]

    @classmethod
    def of(cls, actions, on):
        """Summarise actions annotated by ActionQuerySet.with_progress(on) and fetched with their
        plans."""
        due = [action for action in actions if action.update_due]
        quarters = {action.plan.reporting_quarter(on) for action in due}
        return cls(len(actions), len(due), tuple(sorted(quarters)))

    @property
    def update_due_quarter(self):
        """The one quarter all the due updates are for, or None if they are for several."""
        return self.update_due_quarters[0] if len(self.update_due_quarters) == 1 else None


def my_actions_summary(user, on=None):
    """What the home page says about a person's own actions, or None if they lead none."""
    on = on or timezone.localdate()
    rows = list(
        Action.objects.led_by(user)
        .with_progress(on)
        .values_list("update_due", "strand__priority__plan_id")
    )
    if not rows:
        return None
    due_plan_ids = [plan_id for update_due, plan_id in rows if update_due]
    plans = AnnualPlan.objects.filter(pk__in=set(due_plan_ids)) if due_plan_ids else []
    quarters = {plan.reporting_quarter(on) for plan in plans}
    return Summary(len(rows), len(due_plan_ids), tuple(sorted(quarters)))


def _group_by_plan_and_strand(actions, plans, strands):
    """[(plan, [(strand, [actions])])] in the order of `plans` and `strands`, leaving out
    plans and strands with no action in the list."""
    groups = []
    for plan in plans:
        strand_groups = [
            (strand, rows)
            for strand in strands
            if strand.priority.plan_id == plan.pk
            and (rows := [action for action in actions if action.strand_id == strand.pk])
        ]
        if strand_groups:
            groups.append((plan, strand_groups))
    return groups
