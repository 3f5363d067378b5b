"""An action's page: everything about it, the timeline of its progress and its history."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from ..history import action_history
from ..models import Action


@require_safe
@permission_required("actions.view_action", raise_exception=True)
def action_detail(request, pk):
    """The action as the plan words it (with the dates read from its timeframe), the progress
    updates recorded on it, newest quarter first, and every change made to it."""
    action = get_object_or_404(
        Action.objects.for_display().select_related("carried_from__strand__priority__plan"),
        pk=pk,
    )
    plan = action.plan
    # Turned into lists here, to avoid DB access while rendering the template.
    updates = list(
        action.progress_updates.select_related("author", "completion_status").order_by("-quarter")
    )
    may_edit = Action.objects.editable_by(request.user).filter(pk=pk).exists()
    context = {
        "action": action,
        "plan": plan,
        "sub_items": list(action.sub_items.all()),
        "partners": list(action.partner_agencies.all()),
        # Where it was carried forward from (fetched with the action) and into (next years'
        # plans: usually one, perhaps several).
        "carried_into": list(
            action.carried_into.select_related("strand__priority__plan").order_by(
                "strand__priority__plan__financial_year", "pk"
            )
        ),
        "timeline": [(plan.quarter(update.quarter), update) for update in updates],
        "can_update": may_edit and plan.accepts_updates,
        "closed_reason": plan.why_no_updates(),
        "history": action_history(action),
    }
    return render(request, "actions/action_detail.html", context)
