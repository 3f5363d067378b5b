"""The quarterly review pages: a plan's quarter rolled up for the partnership's meeting, the
actions behind each of its figures, and closing (and reopening) the quarter after the meeting."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST, require_safe

from agencies.models import display_name
from indicators.charts import RATING_NAMES, Point, format_value, series_svg
from plans import year
from plans.models import AnnualPlan, QuarterClosure
from plans.year import QuarterAlreadyClosed, QuarterNotEnded

from .charts import charts_for
from .rollup import FIGURES, GROUP_KINDS, compute_review, review_for

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
        and request.user.has_perm("plans.close_quarter"),
        "can_reopen": review.is_closed and request.user.has_perm("plans.reopen_quarter"),
        "closures": _closure_history(plan, number),
        **_rag_labels(number),
        **_listed_rows(review, number),
        "problem": problem,
        "nav_section": "plans",
        **charts_for(review),
        **_indicators_section(review),
    }
    return render(request, "reviews/quarter.html", context, status=status)


# The indicators section's headline counts, in order: (IndicatorFigures field, label after the
# number, colour of its rule).
INDICATOR_HEADLINE = [
    ("total", "indicators", ""),
    ("green", "on or better than target (green)", "green"),
    ("amber", "within tolerance (amber)", "amber"),
    ("red", "beyond tolerance (red)", "red"),
    ("no_target", "reported with no target", "grey"),
    ("not_reported", "due and not reported", "black"),
    ("not_due", "not due this quarter", "grey"),
]


def _indicators_section(review) -> dict:
    """The indicators section of the quarterly page: the headline counts by rating and, for
    each indicator, its value, target and rating this quarter and its trend since the baseline
    as a small chart with the same figures as a table (prepared here, once)."""
    figures = review.indicator_figures
    rows = []
    for row in review.indicators:
        points = [
            Point("Baseline", row.baseline_value, missing="no baseline", is_baseline=True)
        ] + [
            Point(
                f"Q{point.quarter}",
                point.value,
                point.target,
                point.rating,
                missing="not reported" if point.due else "not due",
            )
            for point in row.trend
        ]
        caption = f"{row.name}: {review.quarter_label} and the quarters before"
        rows.append(
            {
                "row": row,
                "baseline": format_value(row.baseline_value, row.unit),
                "target": format_value(row.target, row.unit),
                "value": format_value(row.value, row.unit),
                "computed": RATING_NAMES.get(row.computed_rating, "No target"),
                "trend_caption": caption,
                "trend_svg": series_svg(
                    points,
                    unit=row.unit,
                    title=caption,
                    chart_id=f"indicator-trend-{row.indicator_id}",
                    compact=True,
                ),
                "trend_table": [
                    (
                        point.label
                        + (
                            f" ({row.baseline_period})"
                            if point.is_baseline and row.baseline_period
                            else ""
                        ),
                        format_value(point.value, row.unit) or point.missing.capitalize(),
                        ""
                        if point.is_baseline
                        else format_value(point.target, row.unit) or "No target",
                        ""
                        if point.is_baseline or point.value is None
                        else RATING_NAMES.get(point.rating, "No target"),
                    )
                    for point in points
                ],
            }
        )
    return {
        "indicator_headline": [
            (key, getattr(figures, key), label, colour) for key, label, colour in INDICATOR_HEADLINE
        ],
        "indicator_rows": rows,
    }


# How many rows the page lists of a long section that is not an exception (completed, late, not
# updated, worsened, improved); each section links to the list of all its actions. The exceptions
# are always listed in full.
LISTED_ROWS = 50

# An action's RAG rating as a GOV.UK tag: actions/includes/rag_tag.html without a period, written
# out once here because the page shows it for hundreds of actions.
_RAG_TAGS = {
    "red": '<strong class="govuk-tag govuk-tag--red">Red</strong>',
    "amber": '<strong class="govuk-tag govuk-tag--orange">Amber</strong>',
    "green": '<strong class="govuk-tag govuk-tag--green">Green</strong>',
    # GOV.UK Frontend 6 has no --blue modifier: the plain tag is blue.
    "blue": '<strong class="govuk-tag">Blue</strong>',
    None: '<strong class="govuk-tag govuk-tag--grey">No update</strong>',
}
_SECONDARY = '<span class="app-secondary-text">{}</span>'


def _listed_rows(review, number) -> dict:
    """The action rows the page lists, each prepared once for display (its link, lead, due date
    and RAG tags as HTML), so that the template does not work them out again, per action, in
    every section: every exception, and the first LISTED_ROWS of each other section with its
    count."""
    detail_url = reverse("actions:detail", args=[987654321])
    dates = {}
    prepared = {}

    def shown(row) -> dict:
        found = prepared.get(row.action_id)
        if found is None:
            found = prepared[row.action_id] = _shown_row(row, number, detail_url, dates)
        return found

    def listed(rows) -> dict:
        return {
            "count": len(rows),
            "rows": [shown(row) for row in rows[:LISTED_ROWS]],
            "more": len(rows) > LISTED_ROWS,
        }

    return {
        "exceptions": [shown(row) for row in review.exceptions],
        "completed": listed(review.completed_this_quarter),
        "late": listed(review.late),
        "not_updated": listed(review.not_updated),
        "worsened": listed(review.worsened),
        "improved": listed(review.improved),
        "listed_rows": LISTED_ROWS,
    }


def _shown_row(row, number, detail_url, dates) -> dict:
    """One ActionRow's display values (text, or HTML marked safe, escaped here)."""
    if row.due_date is None:
        due = _SECONDARY.format("No fixed date")
    else:
        due = dates.get(row.due_date)
        if due is None:
            due = dates[row.due_date] = dateformat.format(row.due_date, "j F Y")
    if row.timeframe:
        due += f'<span class="app-timeframe-detail">“{escape(row.timeframe)}”</span>'
    agency = escape(row.lead_agency)
    officer = f"<br>{escape(row.lead_officer)}" if row.lead_officer else ""
    rag_tag = _RAG_TAGS.get(row.rag, _RAG_TAGS[None])
    if row.previous_rag:
        previous_tag = _RAG_TAGS.get(row.previous_rag, _RAG_TAGS[None])
        movement = row.movement
        if movement == "worsened":
            previous = f"{previous_tag} worsened to {escape(row.rag)}"
        elif movement == "improved":
            previous = f"{previous_tag} improved to {escape(row.rag)}"
        else:
            previous = f"{previous_tag} no change"
    else:
        previous_tag = _SECONDARY.format("No earlier quarter" if number == 1 else "No update")
        previous = (
            "No earlier quarter: this is the first"
            if number == 1
            else f"No update in Q{number - 1}"
        )
    narrative = linebreaksbr(row.narrative or "No narrative given.", autoescape=True)
    if row.updated_by:
        narrative += f'<span class="app-timeframe-detail">{escape(row.updated_by)}</span>'
    completion = escape(row.completion)
    if row.completion_note:
        completion += f"<br>{_SECONDARY.format(escape(row.completion_note))}"
    title = f"{escape(row.reference)} {escape(row.text)}" if row.reference else escape(row.text)
    strand = escape(row.strand)
    if row.theme:
        strand += f'<span class="app-timeframe-detail">{escape(row.theme)}</span>'
    late_tag = ' <strong class="govuk-tag govuk-tag--red">Late</strong>' if row.is_late else ""
    return {
        "action_id": row.action_id,
        "reference": row.reference,
        "text": row.text,
        "title": mark_safe(f"{rag_tag} {title}"),  # noqa: S308 (escaped above)
        "strand_theme": mark_safe(strand),  # noqa: S308 (escaped above)
        "due_late": mark_safe(due + late_tag),  # noqa: S308 (escaped above)
        "url": detail_url.replace("987654321", str(row.action_id)),
        "strand": row.strand,
        "theme": row.theme,
        "lead": mark_safe((agency or "No lead agency") + officer),  # noqa: S308 (escaped above)
        # Escaped above.
        "lead_cell": mark_safe((agency or _SECONDARY.format("No lead agency")) + officer),  # noqa: S308
        "due": mark_safe(due),  # noqa: S308 (escaped above)
        "rag_tag": mark_safe(rag_tag),  # noqa: S308 (constant)
        "previous_tag": mark_safe(previous_tag),  # noqa: S308 (constant)
        "previous": mark_safe(previous),  # noqa: S308 (escaped above)
        "completion": mark_safe(completion),  # noqa: S308 (escaped above)
        "narrative": mark_safe(narrative),  # noqa: S308 (escaped by linebreaksbr and above)
    }


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
    problems = (
        [] if figure else [f"“{_as_typed(figure_key)}” is not one of the quarterly page’s figures."]
    )
    groups = []
    known_groups = review.groups
    # A group is found by the text of its link ("strand=12"), never by reading the value as a
    # number: "٣", "1e9999" or a number of 4,301 digits is simply no group's.
    by_param = {group.filter_param: key for key, group in known_groups.items()}
    for kind in GROUP_KINDS:
        for value in request.GET.getlist(kind):
            key = by_param.get(f"{kind}={value}")
            if key is None:
                problems.append(
                    f"There is no {_KIND_NAMES[kind]} “{_as_typed(value)}” in {review.plan_title}."
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


# How much of a value from the address a refusal repeats back: enough to recognise it.
SHOWN_CHARACTERS = 40


def _as_typed(value: str) -> str:
    """A value from the address as a refusal quotes it: its printable characters, cut short
    with "…" when long."""
    shown = "".join(character for character in value if character.isprintable())
    return shown if len(shown) <= SHOWN_CHARACTERS else shown[: SHOWN_CHARACTERS - 1] + "…"


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
            snapshot=lambda plan, number, on: compute_review(plan, number, on=on).to_json(),
        )
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
