"""Closing a quarter after the partnership's meeting, which keeps its review as the meeting saw it
and stops its updates changing, and reopening it (an administrator's act)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from plans import year
from plans.models import AnnualPlan
from plans.year import QuarterAlreadyClosed, QuarterNotEnded

from .. import building
from .quarter import quarter_page


@require_POST
@permission_required("plans.close_quarter", raise_exception=True)
def close_quarter(request, slug, quarter):
    """Close a quarter that has ended, after the partnership's meeting: its updates can no longer
    be changed, and its page, pack and exports stay as they are now."""
    plan = get_object_or_404(AnnualPlan, slug=slug)
    try:
        closure = year.close_quarter(
            plan,
            quarter,
            by=request.user,
            snapshot=building.review_snapshot,
        )
    except QuarterNotEnded as refusal:
        return quarter_page(request, plan, quarter, problem=str(refusal), status=400)
    except QuarterAlreadyClosed as already:
        messages.info(request, str(already))
        return redirect("reviews:quarter", slug=plan.slug, quarter=quarter)
    messages.success(
        request,
        f"{closure.period.label} is closed. Its page, meeting pack and exports stay as they are "
        "now, and officers can no longer change its updates.",
    )
    return redirect("reviews:quarter", slug=plan.slug, quarter=quarter)


@require_POST
@permission_required("plans.reopen_quarter", raise_exception=True)
def reopen_quarter(request, slug, quarter):
    """Reopen a closed quarter (an administrator's act, kept in the audit trail): officers may
    change its updates again, and its page shows the figures as they are."""
    plan = get_object_or_404(AnnualPlan, slug=slug)
    closure = year.reopen_quarter(plan, quarter, by=request.user)
    label = plan.quarter(quarter).label
    if closure is None:
        messages.info(request, f"{label} was not closed.")
    else:
        messages.success(
            request,
            f"{label} is open again: officers can change its updates, and its page shows the "
            "figures as they are now.",
        )
    return redirect("reviews:quarter", slug=plan.slug, quarter=quarter)
