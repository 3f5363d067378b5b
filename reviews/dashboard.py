"""The dashboard's figures: every plan in delivery, its reporting quarter at a glance and its
trend over the quarters so far (the page is reviews/views/dashboard.py).

Its figures are review_for's (reviews/building.py: the same rules, closed quarters' snapshots
included; tests/reviews/test_dashboard.py compares the two) but counted in SQL, so the page takes
the same three queries however many plans, actions and updates there are, where a
QuarterlyReview per plan would fetch every action and update of every plan into Python.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db import connection
from django.db.models import Case, F, IntegerField, Max, Value, When
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate
from plans.models import AnnualPlan, QuarterClosure
from plans.quarters import Quarter
from plans.ratings import RAG_ORDER, RAG_RATINGS
from plans.year import late_cutoff

from .figures import Figures
from .outputs.charts import Chart, rag_counts, trend_chart
from .snapshot import figures_from

# The figures the dashboard shows for each plan, as the filtered action list names them
# (reviews.figures.FIGURES).
LINKED_FIGURES = ("total", "complete", "off_track", "at_risk", "late", "not_updated")

# Each RAG rating is folded into a number in SQL (its place in RAG_ORDER, from 1), and counted
# in its figure.
RAG_CODES = {rag: code for code, rag in enumerate(RAG_ORDER, start=1)}
CODE_FIGURES = {code: RAG_RATINGS[rag].figure for rag, code in RAG_CODES.items()}
RAG_FIGURES = tuple(CODE_FIGURES.values())
# The not-complete actions' ratings counted apart (Figures.open_green...), by rating code.
OPEN_FIGURES = {RAG_CODES[rag]: f"open_{rag}" for rag in ("green", "amber", "red")}
# An action's completion as of a quarter, folded into a number in SQL (see _action_groups).
IN_PROGRESS, COMPLETE, NOT_STARTED = 0, 1, 2


@dataclass(frozen=True)
class PlanAtAGlance:
    """A plan in delivery as the dashboard shows it."""

    plan: AnnualPlan
    quarter: Quarter | None  # its reporting quarter; None before its year starts
    trend: list[tuple[int, Figures]]  # its figures for each quarter from Q1 to `quarter`

    @property
    def figures(self) -> Figures:
        """The reporting quarter's figures."""
        return self.trend[-1][1] if self.trend else Figures()

    @cached_property
    def review_url(self) -> str:
        """The reporting quarter's page."""
        return reverse(
            "reviews:quarter", kwargs={"slug": self.plan.slug, "quarter": self.quarter.number}
        )

    @cached_property
    def links(self) -> dict[str, str]:
        """Each figure's filtered list of the actions behind it."""
        actions = reverse(
            "reviews:actions", kwargs={"slug": self.plan.slug, "quarter": self.quarter.number}
        )
        return {figure: f"{actions}?figure={figure}" for figure in LINKED_FIGURES}

    @cached_property
    def chart(self) -> Chart | None:
        if not self.trend:
            return None
        points = [(f"Q{number}", rag_counts(figures)) for number, figures in self.trend]
        first, last = self.plan.quarter(1).label, self.quarter.label
        span = last if self.quarter.number == 1 else f"{first.split()[0]} to {last}"
        return trend_chart(
            points,
            caption=f"{self.plan.title}: RAG ratings by quarter, {span}",
            chart_id=f"trend-{self.plan.slug}",
        )


def plans_in_delivery():
    """The plans the dashboard shows: those taking updates (signed off or active), active first,
    newest year first."""
    return AnnualPlan.objects.taking_updates().by_status()


def plans_at_a_glance(on: date | None = None, *, period: Quarter | None = None):
    """Every plan in delivery with its figures for each quarter up to its reporting quarter,
    as review_for would give them, in three queries: the plans, their closed quarters' figures,
    and their actions counted by what the figures depend on (_action_groups).

    With ``period`` (a quarter of a financial year): the plans in delivery of that year, each
    in that quarter instead (none if it has not begun), as its quarterly page shows it on
    ``on``: the same period side by side."""
    on = on or timezone.localdate()
    plans = plans_in_delivery()
    if period is not None:
        plans = plans.filter(financial_year=period.financial_year)
    plans = list(plans)
    if period is None:
        reporting = {plan.pk: plan.reporting_quarter(on) for plan in plans}
    else:
        started = period.start_date <= on
        reporting = {plan.pk: plan.quarter(period.number) if started else None for plan in plans}
    reported = [plan for plan in plans if reporting[plan.pk] is not None]
    live, closed = {}, {}
    if reported:
        closed = _closed_quarters(reported)
        live = _live_figures(reported, reporting, on)
    return [
        PlanAtAGlance(
            plan=plan,
            quarter=reporting[plan.pk],
            trend=_trend(plan, reporting[plan.pk], live, closed),
        )
        for plan in plans
    ]


def _trend(plan, quarter: Quarter | None, live: dict, closed: dict) -> list[tuple[int, Figures]]:
    """As the quarter's review has it: a closed quarter's review is its snapshot, trend and
    all; otherwise earlier quarters that were closed show the figures reported at their
    meetings, and the others are counted now."""
    if quarter is None:
        return []
    if (plan.pk, quarter.number) in closed:
        return [
            (number, figures_from(figures))
            for number, figures in closed[plan.pk, quarter.number]["trend"]
        ]
    return [
        (number, figures_from(closed[plan.pk, number]["figures"]))
        if (plan.pk, number) in closed
        else (number, live[plan.pk, number])
        for number in range(1, quarter.number + 1)
    ]


def _closed_quarters(plans) -> dict[tuple[int, int], dict]:
    """{(plan id, quarter): {"figures": ..., "trend": ...}} from each closed quarter's snapshot
    (only those two keys are read from the database, not the snapshot's rows)."""
    return {
        (plan_id, quarter): {"figures": figures, "trend": trend}
        for plan_id, quarter, figures, trend in QuarterClosure.objects.filter(
            plan__in=[plan.pk for plan in plans]
        )
        .order_by()
        .values_list("plan_id", "quarter", "snapshot__figures", "snapshot__trend")
    }


def _live_figures(plans, reporting: dict, on: date) -> dict[tuple[int, int], Figures]:
    """{(plan id, quarter number): Figures} for each plan's quarters up to its reporting
    quarter, counted from the database as it stands now."""
    quarters = max(reporting[plan.pk].number for plan in plans)
    totals = defaultdict(int)
    counts = defaultdict(int)  # (plan id, quarter, figure) -> actions
    # Each plan's quarters so far, with the day before which an action is late in each.
    late_days = {
        plan.pk: [
            (number, late_cutoff(on, plan.quarter(number)))
            for number in range(1, reporting[plan.pk].number + 1)
        ]
        for plan in plans
    }
    groups = _action_groups(plans, quarters)
    for plan_id, due_date, own_complete, own_not_started, *by_quarter, count in groups:
        totals[plan_id] += count
        own = COMPLETE if own_complete else NOT_STARTED if own_not_started else IN_PROGRESS
        for number, late_day in late_days[plan_id]:
            latest, rating = by_quarter[2 * number - 2], by_quarter[2 * number - 1]
            completion = own if latest is None else latest % 4
            if completion == COMPLETE:
                counts[plan_id, number, "complete"] += count
            elif due_date is not None and due_date < late_day:
                counts[plan_id, number, "late"] += count
            if completion == NOT_STARTED:
                counts[plan_id, number, "not_started"] += count
            if rating is not None:
                counts[plan_id, number, CODE_FIGURES[rating]] += count
                if completion != COMPLETE and rating in OPEN_FIGURES:
                    counts[plan_id, number, OPEN_FIGURES[rating]] += count

    figures = {}
    for plan in plans:
        total = totals[plan.pk]
        for number in range(1, reporting[plan.pk].number + 1):
            values = {
                figure: counts[plan.pk, number, figure]
                for figure in (
                    "complete",
                    "not_started",
                    "late",
                    *RAG_FIGURES,
                    *OPEN_FIGURES.values(),
                )
            }
            rated = sum(values[figure] for figure in RAG_FIGURES)
            figures[plan.pk, number] = Figures(total=total, not_updated=total - rated, **values)
    return figures


def _action_groups(plans, quarters: int):
    """The plans' actions counted in groups alike in everything the figures depend on, in one
    query: (plan id, due date, own completion: complete, not started; then for each quarter 1 to
    `quarters` the latest update's quarter and completion as of it, and its RAG rating; and the
    count).

    Per action, its updates are folded into two numbers a quarter, by SQL aggregates over the
    action's updates (there is at most one a quarter): for quarter n, the maximum of
    ``4 × quarter + completion`` over its updates in quarters up to n (None if none: the action's
    own completion counts; else the remainder by 4 is its completion as of n: COMPLETE,
    NOT_STARTED or IN_PROGRESS), and its quarter-n update's rating as a number (RAG_CODES; None
    if not updated). The updates are folded grouped by their action alone, then joined to the
    actions, and the actions counted by those values in an outer GROUP BY: the ORM cannot
    express that join of two grouped queries, so it joins the ORM's SQL of each.

    Folding by the action's id alone keeps the grouping small whatever the planner expects:
    grouped by every column of the action too, a partnership's plans much larger than the
    installation's average (its actions per strand many times the table's) were sorted in
    chunks on disk.
    """
    completion = Case(
        When(completion_status__counts_as_complete=True, then=Value(COMPLETE)),
        When(completion_status__counts_as_not_started=True, then=Value(NOT_STARTED)),
        default=Value(IN_PROGRESS),
    )
    rating = Case(
        *[When(rag_rating=rag, then=Value(code)) for rag, code in RAG_CODES.items()],
        output_field=IntegerField(),
    )
    folded = {}
    for number in range(1, quarters + 1):
        folded[f"latest_q{number}"] = Max(
            Case(
                When(quarter__lte=number, then=F("quarter") * 4 + completion),
                output_field=IntegerField(),
            )
        )
        folded[f"rating_q{number}"] = Max(
            Case(When(quarter=number, then=rating), output_field=IntegerField())
        )
    plan_ids = [plan.pk for plan in plans]
    # The plans came from the partnership's own (scoped) query: their actions and updates are
    # read without scoping them again, which would only add joins to every partnership's rows.
    actions = (
        Action._base_manager.filter(strand__priority__plan__in=plan_ids)
        .values(
            "pk",
            plan_pk=F("strand__priority__plan_id"),
            due_date=F("timeframe__due_date"),
            own_complete=F("completion_status__counts_as_complete"),
            own_not_started=F("completion_status__counts_as_not_started"),
        )
        .order_by()
    )
    updates = (
        ProgressUpdate._base_manager.filter(action__strand__priority__plan__in=plan_ids)
        .values("action_id")
        .annotate(**folded)
        .order_by()
    )
    actions_sql, actions_params = actions.query.sql_with_params()
    updates_sql, updates_params = updates.query.sql_with_params()
    quote = connection.ops.quote_name
    own = ", ".join(
        f"per_action.{quote(name)}"
        for name in ("plan_pk", "due_date", "own_complete", "own_not_started")
    )
    of_updates = ", ".join(f"per_update.{quote(name)}" for name in folded)
    columns = f"{own}, {of_updates}"
    # Only the ORM's own SQL and quoted column names of this function are put in the text; every
    # value travels in the parameters.
    sql = (
        f"SELECT {columns}, COUNT(*) FROM ({actions_sql}) per_action "  # noqa: S608
        f"LEFT JOIN ({updates_sql}) per_update "
        f"ON per_update.{quote('action_id')} = per_action.{quote('pk')} GROUP BY {columns}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, (*actions_params, *updates_params))
        return cursor.fetchall()
