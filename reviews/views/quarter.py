"""A plan's quarter rolled up for the partnership's meeting (the page the chair runs it from), and
the actions behind each of its figures."""

from dataclasses import dataclass

from django.contrib.auth.decorators import permission_required
from django.core.cache import cache
from django.shortcuts import get_object_or_404, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.views.decorators.http import require_safe

from agencies.models import display_name
from indicators.charts import Point, format_value, series_svg
from plans.models import AnnualPlan, QuarterClosure
from plans.ratings import INDICATOR_RATINGS, RAG_RATINGS, IndicatorRating, indicator_rating
from rounds.missing import MissingUpdates, missing_updates

from ..building import review_read
from ..figures import FIGURES, GROUP_KINDS, ActionRow
from ..outputs.charts import charts_for

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
    return quarter_page(request, plan, quarter)


def quarter_page(request, plan, number, *, problem=None, status=200):
    """The quarterly page of the plan's quarter ``number``, with a ``problem`` to show (a refused
    closing) and its status."""
    today = timezone.localdate()
    review = review_read(request, plan, number, on=today)
    oversight = getattr(request, "reads_as_oversight", False)
    period = plan.quarter(number)
    context = {
        "plan": plan,
        "review": review,
        "period": period,
        "quarters": plan.quarters,
        "headline": [
            (FIGURES[key], FIGURES[key].count_in(review.figures), label, colour)
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
        "closures": _closure_history(plan, number, names=not oversight),
        **_rag_labels(number),
        **_listed_rows(review),
        # Who is missing updates names officers: an oversight body reads the counts only.
        "missing": MissingUpdates(None)
        if oversight
        else missing_updates(plan, review.rows, number, closed=review.is_closed, on=today),
        "problem": problem,
        **charts_for(review),
        **_indicators_section(review),
    }
    return render(request, "reviews/quarter.html", context, status=status)


# The indicators section's headline counts, in order: (IndicatorFigures field, label after the
# number, colour of its rule).
INDICATOR_HEADLINE = [
    ("total", "indicators", ""),
    *(
        (rating, f"{INDICATOR_RATINGS[rating].meaning} ({rating})", rating)  # "... (green)"
        for rating in IndicatorRating.values
    ),
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
                "computed": indicator_rating(row.computed_rating).name,
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
                        else indicator_rating(point.rating).name,
                    )
                    for point in points
                ],
            }
        )
    return {
        # The total and each rating always; the other counts when there are any.
        "indicator_headline": [
            (key, getattr(figures, key), label, colour)
            for key, label, colour in INDICATOR_HEADLINE
            if getattr(figures, key) or key == "total" or key in IndicatorRating.values
        ],
        "indicator_rows": rows,
    }


# How many rows the page lists of a long section that is not an exception (completed, late, not
# updated, worsened, improved); each section links to the list of all its actions.
LISTED_ROWS = 50

# How many exceptions the page shows as cards, red first, then links to the lists of every red and
# every amber action, each with its narrative. More than the other sections: the meeting talks
# about them first, and a plan of a hundred or so actions (most partnerships') has a few dozen,
# all shown. A plan of 2,000 has hundreds: all of them as cards made a page of 1 MB, taking
# longer to draw than everything else on it, and more than a meeting can go through.
LISTED_EXCEPTIONS = 100


@dataclass(frozen=True)
class ListedRow:
    """An action as the quarterly page lists it (an exception's card, a row of a section's
    table, a row of a figure's list), with what the page shows of it worked out once: the page
    lists hundreds, some in more than one section. Text, escaped by the templates that show it
    (quarter.html, includes/action_table.html), except the tags, which their include drew."""

    action_id: int
    reference: str
    text: str
    title: str  # "1.2 Open Day …": the reference, then the text
    url: str  # the action's page
    strand: str
    theme: str
    lead_agency: str  # "" when none
    lead_officer: str
    due: str  # "31 March 2018"; "" when its timeframe gives no date
    timeframe: str  # the wording as written
    is_late: bool
    rag_tag: str  # this quarter's RAG rating as its tag (actions/includes/rag_tag.html)
    previous_tag: str  # the previous quarter's; "" when it had no update
    previous: str  # after previous_tag: "worsened to red", "no change"; alone, why there is none
    completion: str
    completion_note: str
    narrative: str
    updated_by: str


# No action's id (the largest a PostgreSQL integer holds): Lister's stand-in for reversing an
# action's address once.
_STAND_IN_ID = 2_147_483_647


class Lister:
    """Makes each action's ListedRow once for a page of quarter ``number``, however many of its
    sections list it."""

    def __init__(self, number: int):
        # Each rating's tag drawn once by its one include, rather than once a row.
        rag_tag = get_template("actions/includes/rag_tag.html")
        self.tags = {rag: rag_tag.render({"rag": rag}) for rag in RAG_RATINGS}
        # An action's address: reversed once, with a stand-in for its id, rather than once a row
        # (reverse costs about 0.1 ms; the page lists hundreds of actions).
        self.url_before, self.url_after = reverse("actions:detail", args=[_STAND_IN_ID]).rsplit(
            str(_STAND_IN_ID), 1
        )
        self.no_previous = (
            f"No update in Q{number - 1}" if number > 1 else "No earlier quarter: this is the first"
        )
        self.dates = {}
        self.made = {}

    def __call__(self, row: ActionRow) -> ListedRow:
        listed = self.made.get(row.action_id)
        if listed is None:
            listed = self.made[row.action_id] = self._listed(row)
        return listed

    def _listed(self, row: ActionRow) -> ListedRow:
        tags, due = self.tags, row.due_date
        if due is not None and due not in self.dates:
            self.dates[due] = dateformat.format(due, "j F Y")
        if row.previous_rag:
            previous_tag = tags.get(row.previous_rag, tags[None])
            movement = row.movement
            changed = movement in ("improved", "worsened")
            previous = f"{movement} to {row.rag}" if changed else "no change"
        else:
            previous_tag, previous = "", self.no_previous
        return ListedRow(
            action_id=row.action_id,
            reference=row.reference,
            text=row.text,
            title=f"{row.reference} {row.text}" if row.reference else row.text,
            url=f"{self.url_before}{row.action_id}{self.url_after}",
            strand=row.strand,
            theme=row.theme,
            lead_agency=row.lead_agency,
            lead_officer=row.lead_officer,
            due=self.dates[due] if due is not None else "",
            timeframe=row.timeframe,
            is_late=row.is_late,
            rag_tag=tags.get(row.rag, tags[None]),
            previous_tag=previous_tag,
            previous=previous,
            completion=row.completion,
            completion_note=row.completion_note,
            narrative=row.narrative,
            updated_by=row.updated_by,
        )


# The sections after the exceptions, each listing its first LISTED_ROWS actions (and linking to
# the list of all of them): {its name in quarter.html: (the figure of its list, the table's
# caption, the table's optional columns)}.
SECTIONS = {
    "completed": ("completed_this_quarter", "Completed this quarter", ("due", "completion")),
    "late": ("late", "Late actions", ("due", "rag", "completion")),
    "not_updated": ("not_updated", "Actions not updated this quarter", ("strand", "due")),
    "worsened": ("worsened", "Actions whose RAG rating worsened", ("previous", "rag")),
    "improved": ("improved", "Actions whose RAG rating improved", ("previous", "rag")),
}


def _listed_rows(review) -> dict:
    """The actions the page lists, drawn: a card for each of the first LISTED_EXCEPTIONS
    exceptions, and each section's count and table of its first LISTED_ROWS actions."""
    listed = Lister(review.quarter)
    labels = _rag_labels(review.quarter)
    place = f"{review.plan_id}:{review.quarter}"
    all_exceptions = review.exceptions
    exceptions = [listed(row) for row in all_exceptions[:LISTED_EXCEPTIONS]]
    context = {
        "exceptions": exceptions,
        "exceptions_count": len(all_exceptions),
        "exceptions_more": len(all_exceptions) > LISTED_EXCEPTIONS,
        "listed_exceptions": LISTED_EXCEPTIONS,
        "exception_cards": _drawn(
            f"exceptions:{place}",
            "reviews/includes/exceptions.html",
            {"exceptions": exceptions, "previous_label": labels["previous_label"]},
        ),
    }
    actions_url = reverse("reviews:actions", args=[review.plan_slug, review.quarter])
    for name, (figure, caption, columns) in SECTIONS.items():
        rows = review.matching(figure)
        table = {
            "rows": [listed(row) for row in rows[:LISTED_ROWS]],
            "count": len(rows),
            "more": len(rows) > LISTED_ROWS,
            "figure": figure,
            "caption": caption,
            **{f"with_{column}": True for column in columns},
            "actions_url": actions_url,
            "listed_rows": LISTED_ROWS,
            "quarter": review.quarter,
            **labels,
        }
        context[name] = {
            "count": len(rows),
            "table": _drawn(f"{name}:{place}", "reviews/includes/listed_table.html", table)
            if rows
            else "",
        }
    return context


# How long a drawn part of the page is kept, in seconds.
DRAWN_KEPT = 600


def _drawn(key: str, template: str, context: dict) -> str:
    """A part of the page (the exceptions' cards, a section's table), drawn by ``template``
    from ``context``, from the cache while its context is unchanged: the page lists hundreds of
    actions, and they change only when an update does.

    One entry a part of a plan's quarter (``key``), holding what was drawn and a hash of what it
    was drawn from (the context, whose rows hold everything shown of them), so that anything
    changed is drawn again, never shown from the cache, and an entry is replaced rather than
    joined by another. Python's hash differs between processes, which costs a process only its
    first drawing.
    """
    drawn_from = hash(
        tuple(
            (name, tuple(value) if isinstance(value, list) else value)
            for name, value in sorted(context.items())
        )
    )
    key = f"reviews:drawn:{key}"
    kept = cache.get(key)
    if kept is not None and kept[0] == drawn_from:
        return kept[1]
    drawn = render_to_string(template, context)
    cache.set(key, (drawn_from, drawn), DRAWN_KEPT)
    return drawn


def _rag_labels(number) -> dict:
    """The headings of a table's RAG columns: "Q3 RAG" and "Q2 RAG"."""
    return {
        "rag_label": f"Q{number} RAG",
        "previous_label": f"Q{number - 1} RAG" if number > 1 else "Previous RAG",
    }


def _closure_history(plan, number, *, names=True) -> list[tuple[str, str, object]]:
    """When the quarter was closed and reopened, and by whom (unless not ``names``), oldest
    first, from the closures' audit trail: [("Closed", "Catherine Holloway", when)]."""
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
            display_name(event.history_user) if names else "",
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
                        (FIGURES[key], FIGURES[key].count_in(group.figures))
                        for key in BREAKDOWN_COLUMNS
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
    review = review_read(request, plan, quarter)
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
    }
    if problems:
        context["problems"] = problems
        return render(request, "reviews/actions.html", context, status=400)
    listed = Lister(quarter)
    rows = [listed(row) for row in review.matching(figure_key, groups)]
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
