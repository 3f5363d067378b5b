"""The quarterly review pages: a plan's quarter rolled up for the partnership's meeting, the
actions behind each of its figures, and closing (and reopening) the quarter after the meeting."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from agencies.models import display_name
from plans.models import AnnualPlan

from .charts import charts_for
from .models import QuarterAlreadyClosed, QuarterClosure, QuarterNotEnded
from .rollup import FIGURES, GROUP_KINDS, review_for

# The quarterly page's headline row, in order: (figure, label after the number, colour of its
# rule). Each links to the actions behind it; "complete" is shown as a percentage.
HEADLINE = [
    ("total", "actions", ""),
    ("complete", "complete", "blue"),
    ("on_track", "on track (green)", "green"),
    ("at_risk", "at risk (amber)", "amber"),
    ("off_track", "off track (red)", "red"),
    ("blue", "rated blue (complete)", "blue"),
    ("late", "late", "black"),
    ("not_updated", "not updated this quarter", "grey"),
]

# The columns of the breakdown tables, each a figure linking to its actions.
BREAKDOWN_COLUMNS = [
    "total",
    "complete",
    "on_track",
    "at_risk",
    "off_track",
    "blue",
    "late",
    "not_updated",
]


@require_safe
@permission_required("plans.view_annualplan", raise_exception=True)
def quarter(request, slug, quarter):
    """The page the chair runs the meeting from: the headline figures, the exceptions (red and
    amber actions, with their narratives) first, then what was completed, what is late, who has
    not updated, what moved, and the breakdowns; every figure links to the actions behind it."""
    plan = get_object_or_404(AnnualPlan, slug=slug)
    return _quarter_page(request, plan, quarter)


def _quarter_page(request, plan, number, *, problem=None, status=200):
    today = timezone.localdate()
    review = review_for(plan, number, on=today)
    period = plan.quarter(number)
    context = {
        "plan": plan,
        "review": review,
        "period": period,
        "quarters": plan.quarters,
        "headline": [
            (FIGURES[key], getattr(review.figures, key), label, colour)
            for key, label, colour in HEADLINE
        ],
        "breakdown_columns": [FIGURES[key] for key in BREAKDOWN_COLUMNS],
        "by_priority": _breakdown_rows(review.by_priority),
        "by_theme": _breakdown_rows(review.by_theme),
        "by_agency": _breakdown_rows(review.by_agency),
        "in_progress": period.start_date <= today <= period.end_date,
        "not_begun": today < period.start_date,
        "can_close": not review.is_closed
        and period.end_date < today
        and request.user.has_perm("reviews.close_quarter"),
        "can_reopen": review.is_closed and request.user.has_perm("reviews.reopen_quarter"),
        "closures": _closure_history(plan, number),
        **_rag_labels(number),
        "problem": problem,
        "nav_section": "plans",
        **charts_for(review),
    }
    return render(request, "reviews/quarter.html", context, status=status)


def _rag_labels(number) -> dict:
    """The headings of a table's RAG columns: "Q3 RAG" and "Q2 RAG"."""
    return {
        "rag_label": f"Q{number} RAG",
        "previous_label": f"Q{number - 1} RAG" if number > 1 else "Previous RAG",
    }


def _closure_history(plan, number) -> list[tuple[str, str, object]]:
    """When the quarter was closed and reopened, and by whom, oldest first, from the closures'
    audit trail: [("Closed", "Catherine Holloway", when)]."""
    events = (
        QuarterClosure.history.filter(plan_id=plan.pk, quarter=number)
        .exclude(history_type="~")
        .select_related("history_user")
        .order_by("history_date")
        .only("history_type", "history_date", "history_user")
    )
    return [
        (
            "Closed" if event.history_type == "+" else "Reopened",
            display_name(event.history_user),
            event.history_date,
        )
        for event in events
    ]


def _breakdown_rows(breakdowns) -> list[dict]:
    """A breakdown table's rows: each group (then its children, one level in) with its figures
    in the order of BREAKDOWN_COLUMNS."""
    rows = []
    for breakdown in breakdowns:
        for group, level in [(breakdown, 0), *((child, 1) for child in breakdown.children)]:
            rows.append(
                {
                    "label": group.label,
                    "level": level,
                    "has_children": bool(group.children),
                    "param": group.filter_param,
                    "cells": [
                        (FIGURES[key], getattr(group.figures, key)) for key in BREAKDOWN_COLUMNS
                    ],
                    "percent_complete": group.figures.percent_complete,
                }
            )
    return rows


@require_safe
@permission_required("plans.view_annualplan", raise_exception=True)
def quarter_actions(request, slug, quarter):
    """The actions behind one of the quarterly page's figures (?figure=off_track), within a
    group of its breakdowns (&strand=12, &theme=none...): as many rows as the figure says."""
    plan = get_object_or_404(AnnualPlan, slug=slug)
    review = review_for(plan, quarter)
    figure_key = request.GET.get("figure", "total")
    figure = FIGURES.get(figure_key)
    problems = [] if figure else [f"“{figure_key}” is not one of the quarterly page’s figures."]
    groups = []
    known_groups = review.groups
    for kind in GROUP_KINDS:
        for value in request.GET.getlist(kind):
            key = (kind, _group_value(value))
            if key not in known_groups:
                problems.append(
                    f"There is no {_KIND_NAMES[kind]} “{value}” in {review.plan_title}."
                )
            else:
                groups.append(key)
    context = {
        "plan": plan,
        "review": review,
        **_rag_labels(quarter),
        "nav_section": "plans",
    }
    if problems:
        context["problems"] = problems
        return render(request, "reviews/actions.html", context, status=400)
    rows = review.matching(figure_key, groups)
    context |= {
        "figure": figure,
        "groups": [known_groups[key] for key in groups],
        "heading": _heading(figure, [known_groups[key] for key in groups], review),
        "rows": rows,
    }
    return render(request, "reviews/actions.html", context)


_KIND_NAMES = {
    "priority": "priority",
    "strand": "strand",
    "theme": "theme",
    "agency": "lead agency",
}


def _group_value(value: str):
    """A group's id from the query string: a number, or "none" for the actions with no theme or
    no lead agency; anything else matches no group."""
    if value == "none":
        return None
    return int(value) if value.isdecimal() else value


def _heading(figure, groups, review) -> str:
    """ "Off track actions in Violence against women and girls, Q3 2017-18"."""
    places = []
    for group in groups:
        kind, value = group.key
        if kind == "agency":
            places.append("with no lead agency" if value is None else f"led by {group.label}")
        elif kind == "theme" and value is None:
            places.append("with no theme")
        else:
            places.append(f"in {group.label}")
    return " ".join([figure.heading, *places]) + f", {review.quarter_label}"


@require_POST
@permission_required("reviews.close_quarter", raise_exception=True)
def close_quarter(request, slug, quarter):
    """Close a quarter that has ended, after the partnership's meeting: its updates can no longer
    be changed, and its page, pack and exports stay as they are now."""
    plan = get_object_or_404(AnnualPlan, slug=slug)
    try:
        closure = QuarterClosure.objects.close(plan, quarter, by=request.user)
    except QuarterNotEnded as refusal:
        return _quarter_page(request, plan, quarter, problem=str(refusal), status=400)
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
@permission_required("reviews.reopen_quarter", raise_exception=True)
def reopen_quarter(request, slug, quarter):
    """Reopen a closed quarter (an administrator's act, kept in the audit trail): officers may
    change its updates again, and its page shows the figures as they are."""
    plan = get_object_or_404(AnnualPlan, slug=slug)
    closure = QuarterClosure.objects.reopen(plan, quarter, by=request.user)
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
