"""The plan's status page: where it is in its year, how it got there, and the buttons that move
it on (plans/lifecycle.py decides which moves exist and who may make them)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from agencies.models import display_name

from .. import lifecycle
from ..models import AnnualPlan, PlanStatus


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("plans.view_annualplan", raise_exception=True)
def change_status(request, slug):
    """GET: the plan's status, the history of its status changes and a button for each move the
    person may make. POST `to` and `expected` (the status the page showed): make the move and
    go back to the plan's page. Anyone who reads the plan reads this page; only those with a
    status permission post to it (403 otherwise)."""
    plan = get_object_or_404(AnnualPlan.objects.select_related("signed_off_by"), slug=slug)
    if request.method != "POST":
        return _status_page(request, plan)

    if not lifecycle.may_change_status(request.user):
        raise PermissionDenied
    to = request.POST.get("to", "")
    expected = request.POST.get("expected", "")
    if to not in PlanStatus.values or expected not in PlanStatus.values:
        return _status_page(
            request,
            plan,
            problem="Choose one of the buttons below to change the plan's status.",
            status=400,
        )
    try:
        transition = lifecycle.change_status(plan, to, request.user, expected_status=expected)
    except lifecycle.StaleStatus as stale:
        return _stale_page(request, stale)
    except lifecycle.NotAllowedTransition as refusal:
        return _status_page(request, plan, problem=str(refusal), status=400)
    messages.success(request, transition.message)
    return redirect(plan)


def _status_page(request, plan, *, problem=None, status=200):
    open_comments = plan.comments.open().count()
    context = {
        "plan": plan,
        "events": lifecycle.status_history(plan),
        "transitions": lifecycle.allowed_transitions(plan, request.user),
        "open_comments": open_comments,
        "comment_count": plan.comments.count(),
        "sign_off": PlanStatus.SIGNED_OFF,
        "signed_off_by": display_name(plan.signed_off_by),
        "problem": problem,
    }
    return render(request, "plans/status.html", context, status=status)


def _stale_page(request, stale):
    """The plan moved while the page was open: say what happened instead, and change nothing."""
    plan = stale.plan
    events = lifecycle.status_history(plan)
    context = {
        "plan": plan,
        "expected": PlanStatus(stale.expected).label,
        "latest": events[-1] if events else None,
    }
    return render(request, "plans/status_conflict.html", context, status=409)
