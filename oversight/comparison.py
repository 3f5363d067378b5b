"""An oversight body's comparison of the partnerships it covers: each partnership's plans in
delivery, their reporting quarter side by side, the way councils report to scrutiny; and one
shared indicator across the partnerships that report it.

Every figure is the one the partnership's own quarterly page shows: the action figures are the
dashboard's (reviews/dashboard.py, counted in SQL, with a test that they agree with the review),
a closed quarter's are its snapshot's, and the indicators' are the review's indicator rows. Read
in ``partnerships.context.across(..., oversight=True)``: the covered partnerships' signed-off
work only. A fixed number of queries however many partnerships are covered.
"""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.utils import timezone

from indicators.charts import format_value
from indicators.models import Indicator, IndicatorDefinition
from partnerships.context import across, partnership_url
from plans.models import AnnualPlan, QuarterClosure
from plans.quarters import QUARTER_NUMBERS, Quarter
from reviews.building import indicator_rows_of
from reviews.dashboard import PlanAtAGlance, plans_at_a_glance
from reviews.figures import IndicatorFigures
from reviews.snapshot import indicator_figures_from

# The figures of a row, as the filtered action list names them (reviews.figures.FIGURES), in the
# order the comparison shows them.
ACTION_FIGURES = (
    "total",
    "complete",
    "in_progress",
    "not_started",
    "open_green",
    "open_amber",
    "open_red",
    "late",
    "not_updated",
)


@dataclass(frozen=True)
class PlanRow:
    """One plan in delivery of a covered partnership, in its reporting quarter."""

    partnership: object
    glance: PlanAtAGlance
    indicators: IndicatorFigures
    last_ended: Quarter | None  # the latest of its quarters to have ended, if any
    last_ended_closed: bool

    @property
    def plan(self):
        return self.glance.plan

    @property
    def quarter(self):
        return self.glance.quarter

    @property
    def figures(self):
        return self.glance.figures

    @property
    def behind_with_updates(self) -> bool:
        """Actions not updated for the reporting quarter."""
        return self.quarter is not None and self.figures.not_updated > 0

    @property
    def not_closed(self) -> bool:
        """Its last quarter to have ended was not closed after a meeting."""
        return self.last_ended is not None and not self.last_ended_closed

    def url(self, name: str, **kwargs) -> str:
        return partnership_url(self.partnership, name, **kwargs)

    @cached_property
    def quarter_url(self) -> str:
        return self.url("reviews:quarter", slug=self.plan.slug, quarter=self.quarter.number)

    @cached_property
    def pack_url(self) -> str:
        return self.url("reviews:pack", slug=self.plan.slug, quarter=self.quarter.number)

    @cached_property
    def links(self) -> dict[str, str]:
        """Each figure's filtered list of the actions behind it, on the partnership's pages."""
        actions = self.url("reviews:actions", slug=self.plan.slug, quarter=self.quarter.number)
        return {figure: f"{actions}?figure={figure}" for figure in ACTION_FIGURES}

    @property
    def cells(self) -> list[tuple[str, int, str]]:
        """(figure, count, link) for each action figure, in ACTION_FIGURES order."""
        figures = self.figures
        return [(name, getattr(figures, name), self.links[name]) for name in ACTION_FIGURES]


def comparison(body, on: date | None = None, period: Quarter | None = None) -> list[PlanRow]:
    """Every plan in delivery of the partnerships the body covers, partnership by partnership
    (in name order), each in its reporting quarter; or, with ``period``, the plans of that
    quarter's year, each in that quarter."""
    on = on or timezone.localdate()
    partnerships = {p.pk: p for p in body.covers.filter(is_active=True)}
    with across(partnerships.values(), oversight=True):
        glances = [g for g in plans_at_a_glance(on, period=period) if g.quarter is not None]
        quarters = {g.plan.pk: g.quarter.number for g in glances}
        closures = _closures(quarters)
        live = indicator_rows_of({pk: n for pk, n in quarters.items() if (pk, n) not in closures})
        rows = []
        for glance in glances:
            plan, number = glance.plan, glance.quarter.number
            if (plan.pk, number) in closures:
                indicators = indicator_figures_from(closures[plan.pk, number])
            else:
                indicators = IndicatorFigures.of(live[plan.pk])
            last_ended = _last_ended(plan, on)
            rows.append(
                PlanRow(
                    partnership=partnerships[plan.partnership_id],
                    glance=glance,
                    indicators=indicators,
                    last_ended=last_ended,
                    last_ended_closed=last_ended is not None
                    and (plan.pk, last_ended.number) in closures,
                )
            )
    return sorted(rows, key=lambda row: (row.partnership.name, -row.plan.financial_year))


def periods(body, on: date | None = None) -> list[Quarter]:
    """The quarters that may be compared: each begun quarter of the years of the covered
    partnerships' plans in delivery, latest first."""
    on = on or timezone.localdate()
    with across(body.covers.filter(is_active=True), oversight=True):
        years = set(AnnualPlan.objects.taking_updates().values_list("financial_year", flat=True))
    quarters = [
        Quarter(year, number)
        for year in years
        for number in QUARTER_NUMBERS
        if Quarter(year, number).start_date <= on
    ]
    return sorted(quarters, key=lambda q: (q.financial_year, q.number), reverse=True)


def period_named(value: str, choices: list[Quarter]) -> Quarter | None:
    """The quarter a ``?quarter=2017-3`` value names, if it is one of the choices."""
    return next((q for q in choices if value == f"{q.financial_year}-{q.number}"), None)


def _closures(quarters: dict[int, int]) -> dict[tuple[int, int], dict]:
    """{(plan id, quarter): the snapshot's indicator figures} of the plans' closed quarters."""
    return {
        (plan_id, quarter): figures or {}
        for plan_id, quarter, figures in QuarterClosure.objects.filter(plan__in=list(quarters))
        .order_by()
        .values_list("plan_id", "quarter", "snapshot__indicator_figures")
    }


def _last_ended(plan, on: date) -> Quarter | None:
    ended = [quarter for quarter in plan.quarters if quarter.end_date < on]
    return ended[-1] if ended else None


# One shared indicator across the partnerships ---------------------------------------------------


@dataclass(frozen=True)
class IndicatorAcross:
    """A shared indicator as one covered partnership's plan reports it, quarter by quarter."""

    partnership: object
    plan: object
    indicator: Indicator
    quarter: Quarter  # the plan's reporting quarter
    points: list  # reviews.figures.IndicatorPoint, Q1 to the reporting quarter

    @property
    def latest(self):
        return self.points[-1] if self.points else None

    def cells(self, quarters: int) -> list["Cell | None"]:
        """Its value in each quarter 1 to ``quarters`` (None past its reporting quarter)."""
        unit = self.indicator.unit
        cells = [
            Cell(
                value=format_value(point.value, unit) if point.value is not None else "",
                target=format_value(point.target, unit) if point.target is not None else "",
                rating=point.rating,
                missing=""
                if point.value is not None
                else "Not reported"
                if point.due
                else "Not due",
            )
            for point in self.points
        ]
        return cells + [None] * (quarters - len(cells))


@dataclass(frozen=True)
class Cell:
    """A quarter's value of a shared indicator, as the comparison's table shows it."""

    value: str  # "" when there is none
    target: str  # "" when there is none
    rating: str
    missing: str  # why there is no value: "Not reported", "Not due"; "" when there is one


def indicator_across(body, definition: IndicatorDefinition, on: date | None = None):
    """The indicators following the definition in the covered partnerships' plans in delivery,
    each with its values so far, partnership by partnership."""
    on = on or timezone.localdate()
    partnerships = {p.pk: p for p in body.covers.filter(is_active=True)}
    with across(partnerships.values(), oversight=True):
        glances = {g.plan.pk: g for g in plans_at_a_glance(on) if g.quarter is not None}
        following = {
            indicator.plan_id: indicator
            for indicator in Indicator.objects.filter(definition=definition, plan__in=list(glances))
        }
        rows = indicator_rows_of({pk: glances[pk].quarter.number for pk in following})
        result = []
        for plan_id, indicator in following.items():
            row = next(r for r in rows[plan_id] if r.indicator_id == indicator.pk)
            glance = glances[plan_id]
            result.append(
                IndicatorAcross(
                    partnership=partnerships[glance.plan.partnership_id],
                    plan=glance.plan,
                    indicator=indicator,
                    quarter=glance.quarter,
                    points=list(row.trend),
                )
            )
    return sorted(result, key=lambda row: row.partnership.name)
