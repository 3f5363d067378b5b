"""The quarterly review's figures: what a plan's actions looked like at the end of a quarter.

Everything the quarterly page, the dashboard, the meeting pack and the exports show comes from a
``QuarterlyReview``, built by ``review_for(plan, quarter)`` in a fixed number of queries. A closed
quarter's review is the snapshot taken when it was closed (``QuarterlyReview.from_json``), so
its page, pack and exports stay as they stood at the meeting.

Rules:
- An action's RAG for a quarter is its progress update for that quarter (there is at most one:
  a second update in a quarter amends the first). An action with no update counts as *not
  updated*, never as green.
- Its completion as of the quarter is that of its latest update in or before the quarter, else
  the action's own completion status.
- It is *late* when its due date is before the end of the quarter (or before today, for the
  quarter in progress) and it is not complete as of the quarter.
- It was *completed this quarter* when it is complete as of the quarter and was not as of the
  quarter before (for Q1: when it is complete as of Q1).
- Its *movement* compares this quarter's RAG with the previous quarter's, when both exist.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal

RAG_ORDER = ("red", "amber", "green", "blue")
# Higher is better: used to say whether an action's RAG improved or worsened.
RAG_RANK = {"red": 0, "amber": 1, "green": 2, "blue": 3}

# Bumped if the snapshot's shape ever changes in a way from_json must know about.
SNAPSHOT_SCHEMA = 1


@dataclass(frozen=True)
class ActionRow:
    """One action as it stood at the end of the quarter."""

    action_id: int
    reference: str
    text: str
    priority: str
    strand_id: int
    strand: str
    theme_id: int | None
    theme: str  # "" when the action has no theme
    lead_agency_id: int | None
    lead_agency: str  # display name, "" when none
    lead_officer: str  # display name, "" when none
    timeframe: str  # the wording as written
    due_date: date | None
    rag: str | None  # this quarter's RAG, None = not updated this quarter
    previous_rag: str | None  # the previous quarter's RAG (None for Q1 or no update)
    completion: str  # completion status name as of this quarter
    completion_note: str
    is_complete: bool
    completed_this_quarter: bool  # complete now, not complete as of the previous quarter
    is_late: bool
    narrative: str  # this quarter's narrative ("" when not updated)
    updated_by: str  # display name of this quarter's update's author, "" when none
    updated_at: datetime | None
    # Added after the first version (hence the default): the priority the strand belongs to,
    # which the filtered action list filters on.
    priority_id: int | None = None
    # Added with the plan's year (issue 5), so defaulted for older snapshots: the partner
    # agencies' names ("NPS; London CRC"), the lettered sub-items one per line ("a) …"), and
    # whether this quarter's narrative is internal (kept off the public pages).
    partners: str = ""
    sub_items: str = ""
    internal: bool = False

    @property
    def movement(self) -> str | None:
        """ "improved", "worsened" or "same" since the previous quarter; None when either
        quarter has no update."""
        if self.rag is None or self.previous_rag is None:
            return None
        change = RAG_RANK[self.rag] - RAG_RANK[self.previous_rag]
        return "improved" if change > 0 else "worsened" if change < 0 else "same"


@dataclass(frozen=True)
class Figures:
    """Headline counts for a set of actions."""

    total: int = 0
    complete: int = 0
    on_track: int = 0  # green
    at_risk: int = 0  # amber
    off_track: int = 0  # red
    blue: int = 0  # rated blue (complete) this quarter
    late: int = 0
    not_updated: int = 0

    @property
    def percent_complete(self) -> int:
        """Whole per cent, rounded half up; 0 for no actions."""
        return (self.complete * 100 + self.total // 2) // self.total if self.total else 0

    @classmethod
    def of(cls, rows) -> "Figures":
        rows = list(rows)
        return cls(
            total=len(rows),
            complete=sum(r.is_complete for r in rows),
            on_track=sum(r.rag == "green" for r in rows),
            at_risk=sum(r.rag == "amber" for r in rows),
            off_track=sum(r.rag == "red" for r in rows),
            blue=sum(r.rag == "blue" for r in rows),
            late=sum(r.is_late for r in rows),
            not_updated=sum(r.rag is None for r in rows),
        )


@dataclass(frozen=True)
class Figure:
    """One figure a quarterly page shows, and the rows that make it up."""

    key: str  # its name in the filtered action list's address: ?figure=off_track
    label: str  # its column heading: "Off track"
    heading: str  # the filtered list's heading: "Off track actions"
    counts: Callable[[ActionRow], bool]


# Every figure the quarterly page links to its action list, in the order the page shows them.
FIGURES = {
    figure.key: figure
    for figure in (
        Figure("total", "Actions", "All actions", lambda row: True),
        Figure("complete", "Complete", "Complete actions", lambda row: row.is_complete),
        Figure("on_track", "On track", "On track actions", lambda row: row.rag == "green"),
        Figure("at_risk", "At risk", "At risk actions", lambda row: row.rag == "amber"),
        Figure("off_track", "Off track", "Off track actions", lambda row: row.rag == "red"),
        Figure("blue", "Blue (complete)", "Actions rated blue", lambda row: row.rag == "blue"),
        Figure("late", "Late", "Late actions", lambda row: row.is_late),
        Figure("not_updated", "Not updated", "Actions not updated", lambda row: row.rag is None),
        Figure(
            "completed_this_quarter",
            "Completed this quarter",
            "Actions completed",
            lambda row: row.completed_this_quarter,
        ),
        Figure(
            "improved", "Improved", "Actions whose RAG improved", lambda r: r.movement == "improved"
        ),
        Figure(
            "worsened", "Worsened", "Actions whose RAG worsened", lambda r: r.movement == "worsened"
        ),
    )
}

# What each kind of group filters on in an ActionRow.
GROUP_KINDS = {
    "priority": lambda row: row.priority_id,
    "strand": lambda row: row.strand_id,
    "theme": lambda row: row.theme_id,
    "agency": lambda row: row.lead_agency_id,
}


@dataclass(frozen=True)
class Breakdown:
    """The figures for one group of actions: a priority (with its strands as children), a
    strand, a theme or a lead agency. ``key`` is what the filtered action list filters on:
    ("priority", id), ("strand", id), ("theme", id or None), ("agency", id or None)."""

    label: str
    key: tuple[str, int | None]
    figures: Figures
    children: tuple["Breakdown", ...] = ()

    @property
    def filter_param(self) -> str:
        """The group as the filtered action list's query string has it: "strand=12", or
        "theme=none" for the actions with no theme."""
        kind, value = self.key
        return f"{kind}={'none' if value is None else value}"


# Indicators ----------------------------------------------------------------------------------
# What an indicator's row says about the quarter, in the order the figures list them.
INDICATOR_STATUSES = ("green", "amber", "red", "no_target", "not_reported", "not_due")


@dataclass(frozen=True)
class IndicatorPoint:
    """An indicator's value in one quarter up to the review's, for its trend."""

    quarter: int
    value: Decimal | None
    target: Decimal | None
    rating: str  # the rating shown (the override if any); "" when none
    due: bool  # whether a value was expected that quarter


@dataclass(frozen=True)
class IndicatorRow:
    """One performance indicator as it stood in the quarter (indicators app)."""

    indicator_id: int
    name: str
    unit: str  # Indicator.Unit
    direction: str  # Indicator.Direction
    frequency: str  # Indicator.Frequency
    baseline_value: Decimal | None
    baseline_period: str
    target: Decimal | None  # the quarter's target (its own, else the annual), None = none
    value: Decimal | None  # None = no value this quarter (not reported, or not due)
    due: bool  # a value is expected this quarter (Indicator.reported_in)
    rating: str  # the rating shown: the override if there is one; "" = not rated
    computed_rating: str  # the rating worked out from the value and target
    overridden: bool
    override_reason: str
    note: str
    source_agency: str  # display name, "" when none
    recorded_by: str
    trend: tuple[IndicatorPoint, ...] = ()  # Q1 to this quarter

    @property
    def status(self) -> str:
        """One of INDICATOR_STATUSES: the rating, or why there is none."""
        if self.value is None:
            return "not_reported" if self.due else "not_due"
        return self.rating or "no_target"


@dataclass(frozen=True)
class IndicatorFigures:
    """Headline counts of a plan's indicators by how they stand in the quarter. An annual
    indicator before Q4 (or a six-monthly one in Q1 or Q3) is not due, not "not reported"."""

    total: int = 0
    green: int = 0
    amber: int = 0
    red: int = 0
    no_target: int = 0  # reported, with no target to rate it against
    not_reported: int = 0  # due this quarter, no value yet
    not_due: int = 0

    @classmethod
    def of(cls, rows) -> "IndicatorFigures":
        rows = list(rows)
        counts = {status: 0 for status in INDICATOR_STATUSES}
        for row in rows:
            counts[row.status] += 1
        return cls(total=len(rows), **counts)


@dataclass
class QuarterlyReview:
    """A plan's quarter, rolled up."""

    plan_id: int
    plan_slug: str
    plan_title: str
    financial_year: int
    quarter: int
    quarter_label: str  # "Q3 2017-18"
    months_label: str  # "October to December 2017"
    generated_at: datetime
    figures: Figures
    by_priority: list[Breakdown]  # each priority, with its strands as children
    by_theme: list[Breakdown]
    by_agency: list[Breakdown]
    rows: list[ActionRow]  # every action, in plan order
    # The plan's figures for each quarter from Q1 to this one: [(quarter number, Figures)].
    trend: list[tuple[int, Figures]] = field(default_factory=list)
    closed_at: datetime | None = None
    closed_by: str = ""
    # The plan's performance indicators in the quarter (issue 7): defaulted, so that snapshots
    # taken before indicators existed load with none.
    indicators: list[IndicatorRow] = field(default_factory=list)
    indicator_figures: IndicatorFigures = field(default_factory=IndicatorFigures)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def exceptions(self) -> list[ActionRow]:
        """Red then amber actions: what the meeting talks about first."""
        return [r for r in self.rows if r.rag == "red"] + [r for r in self.rows if r.rag == "amber"]

    @property
    def completed_this_quarter(self) -> list[ActionRow]:
        return [r for r in self.rows if r.completed_this_quarter]

    @property
    def late(self) -> list[ActionRow]:
        return [r for r in self.rows if r.is_late]

    @property
    def not_updated(self) -> list[ActionRow]:
        return [r for r in self.rows if r.rag is None]

    @property
    def improved(self) -> list[ActionRow]:
        return [r for r in self.rows if r.movement == "improved"]

    @property
    def worsened(self) -> list[ActionRow]:
        return [r for r in self.rows if r.movement == "worsened"]

    @property
    def groups(self) -> dict[tuple[str, int | None], Breakdown]:
        """Every group of the breakdowns by its key: priorities, strands, themes, agencies."""
        found = {}
        for breakdown in [*self.by_priority, *self.by_theme, *self.by_agency]:
            found[breakdown.key] = breakdown
            for child in breakdown.children:
                found[child.key] = child
        return found

    def matching(self, figure: str = "total", groups=()) -> list[ActionRow]:
        """The rows behind a figure (a key of FIGURES), in plan order, within every group of
        ``groups`` (keys such as ("strand", 12)). Raises KeyError for an unknown figure or
        group kind."""
        counts = FIGURES[figure].counts
        tests = [(GROUP_KINDS[kind], value) for kind, value in groups]
        return [
            row
            for row in self.rows
            if counts(row) and all(value_of(row) == value for value_of, value in tests)
        ]

    def to_json(self) -> dict:
        """A JSON-ready dict (dates as ISO strings), for a closed quarter's snapshot."""
        return {
            "schema": SNAPSHOT_SCHEMA,
            "plan_id": self.plan_id,
            "plan_slug": self.plan_slug,
            "plan_title": self.plan_title,
            "financial_year": self.financial_year,
            "quarter": self.quarter,
            "quarter_label": self.quarter_label,
            "months_label": self.months_label,
            "generated_at": _datetime_json(self.generated_at),
            "figures": asdict(self.figures),
            "by_priority": [_breakdown_json(b) for b in self.by_priority],
            "by_theme": [_breakdown_json(b) for b in self.by_theme],
            "by_agency": [_breakdown_json(b) for b in self.by_agency],
            "rows": [_row_json(row) for row in self.rows],
            "trend": [[number, asdict(figures)] for number, figures in self.trend],
            "closed_at": _datetime_json(self.closed_at),
            "closed_by": self.closed_by,
            "indicators": [_indicator_json(row) for row in self.indicators],
            "indicator_figures": asdict(self.indicator_figures),
        }

    @classmethod
    def from_json(cls, data: dict) -> "QuarterlyReview":
        """The review a snapshot (``to_json``, possibly through JSON text) holds."""
        return cls(
            plan_id=data["plan_id"],
            plan_slug=data["plan_slug"],
            plan_title=data["plan_title"],
            financial_year=data["financial_year"],
            quarter=data["quarter"],
            quarter_label=data["quarter_label"],
            months_label=data["months_label"],
            generated_at=_datetime_from(data["generated_at"]),
            figures=_figures_from(data["figures"]),
            by_priority=[_breakdown_from(b) for b in data["by_priority"]],
            by_theme=[_breakdown_from(b) for b in data["by_theme"]],
            by_agency=[_breakdown_from(b) for b in data["by_agency"]],
            rows=[_row_from(row) for row in data["rows"]],
            trend=[(number, _figures_from(figures)) for number, figures in data["trend"]],
            closed_at=_datetime_from(data.get("closed_at")),
            closed_by=data.get("closed_by", ""),
            indicators=[_indicator_from(row) for row in data.get("indicators", ())],
            indicator_figures=IndicatorFigures(
                **_known(IndicatorFigures, data.get("indicator_figures") or {})
            ),
        )


# Snapshots: the dataclasses as JSON and back. Fields missing from an older snapshot take their
# dataclass defaults, and fields it has that the code no longer knows are ignored.


def _datetime_json(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime_from(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None


def _known(cls, data: dict) -> dict:
    names = {f.name for f in fields(cls)}
    return {name: value for name, value in data.items() if name in names}


def _figures_from(data: dict) -> Figures:
    return Figures(**_known(Figures, data))


def _breakdown_json(breakdown: Breakdown) -> dict:
    return {
        "label": breakdown.label,
        "key": list(breakdown.key),
        "figures": asdict(breakdown.figures),
        "children": [_breakdown_json(child) for child in breakdown.children],
    }


def _breakdown_from(data: dict) -> Breakdown:
    return Breakdown(
        label=data["label"],
        key=tuple(data["key"]),
        figures=_figures_from(data["figures"]),
        children=tuple(_breakdown_from(child) for child in data.get("children", ())),
    )


def _row_json(row: ActionRow) -> dict:
    data = asdict(row)
    data["due_date"] = row.due_date.isoformat() if row.due_date else None
    data["updated_at"] = _datetime_json(row.updated_at)
    return data


def _row_from(data: dict) -> ActionRow:
    values = _known(ActionRow, data)
    values["due_date"] = date.fromisoformat(data["due_date"]) if data.get("due_date") else None
    values["updated_at"] = _datetime_from(data.get("updated_at"))
    return ActionRow(**values)


def _decimal_json(value: Decimal | None) -> str | None:
    return str(value) if value is not None else None


def _decimal_from(value) -> Decimal | None:
    return Decimal(str(value)) if value is not None else None


def _indicator_json(row: IndicatorRow) -> dict:
    data = asdict(row)
    for name in ("baseline_value", "target", "value"):
        data[name] = _decimal_json(data[name])
    data["trend"] = [
        {**point, "value": _decimal_json(point["value"]), "target": _decimal_json(point["target"])}
        for point in data["trend"]
    ]
    return data


def _indicator_from(data: dict) -> IndicatorRow:
    values = _known(IndicatorRow, data)
    for name in ("baseline_value", "target", "value"):
        values[name] = _decimal_from(data.get(name))
    values["trend"] = tuple(
        IndicatorPoint(
            **{
                **_known(IndicatorPoint, point),
                "value": _decimal_from(point.get("value")),
                "target": _decimal_from(point.get("target")),
            }
        )
        for point in data.get("trend", ())
    )
    return IndicatorRow(**values)


# Building a review from the database ------------------------------------------------------------


def review_for(plan, quarter: int, on: date | None = None) -> QuarterlyReview:
    """The review of one quarter (1–4) of a plan: the closed quarter's snapshot if it is
    closed, else computed now from the database in a fixed number of queries.

    ``on`` is the day the review is taken (today by default): it decides lateness in the quarter
    in progress. Raises ValueError for a quarter outside 1–4.
    """
    from django.utils import timezone

    from plans.models import QuarterClosure

    period = plan.quarter(quarter)  # ValueError outside 1–4
    closure = (
        QuarterClosure.objects.filter(plan=plan, quarter=quarter).select_related("closed_by")
    ).first()
    if closure is not None:
        return closure.review()
    return _compute(plan, period, on or timezone.localdate())


def compute_review(plan, quarter: int, on: date | None = None) -> QuarterlyReview:
    """The review as the database stands now, even if the quarter is closed: what closing a
    quarter freezes."""
    from django.utils import timezone

    return _compute(plan, plan.quarter(quarter), on or timezone.localdate())


def _compute(plan, period, on: date) -> QuarterlyReview:
    from django.utils import timezone

    from plans.models import QuarterClosure

    data = _PlanData.fetch(plan)
    # The figures of earlier quarters that were closed are those reported at their meetings.
    closed_figures = dict(
        QuarterClosure.objects.filter(plan=plan, quarter__lt=period.number).values_list(
            "quarter", "snapshot__figures"
        )
    )
    rows = data.rows(period, on)
    figures = Figures.of(rows)
    trend = [
        (
            number,
            _figures_from(closed_figures[number])
            if number in closed_figures
            else Figures.of(data.rows(plan.quarter(number), on)),
        )
        for number in range(1, period.number)
    ]
    trend.append((period.number, figures))
    indicators = indicator_rows(plan, period.number)
    return QuarterlyReview(
        plan_id=plan.pk,
        plan_slug=plan.slug,
        plan_title=plan.title,
        financial_year=plan.financial_year,
        quarter=period.number,
        quarter_label=period.label,
        months_label=period.months_label,
        generated_at=timezone.now(),
        figures=figures,
        by_priority=data.by_priority(rows),
        by_theme=data.by_theme(rows),
        by_agency=data.by_agency(rows),
        rows=rows,
        trend=trend,
        indicators=indicators,
        indicator_figures=IndicatorFigures.of(indicators),
    )


def indicator_rows(plan, number: int) -> list[IndicatorRow]:
    """The plan's indicators in quarter ``number``, in the plan's order, each with its values
    from Q1 to that quarter: three queries (indicators, targets, values), however many."""
    from indicators.models import Indicator, IndicatorTarget, IndicatorValue
    from indicators.rating import target_for

    indicators = list(Indicator.objects.filter(plan=plan).select_related("source_agency"))
    targets: dict[int, list] = {}
    for target in IndicatorTarget.objects.filter(indicator__plan=plan):
        targets.setdefault(target.indicator_id, []).append(target)
    values: dict[int, dict[int, dict]] = {}
    for value in IndicatorValue.objects.filter(indicator__plan=plan, quarter__lte=number).values(
        "indicator_id",
        "quarter",
        "value",
        "note",
        "rating",
        "rating_override",
        "override_reason",
        "recorded_by__first_name",
        "recorded_by__last_name",
        "recorded_by__username",
    ):
        values.setdefault(value["indicator_id"], {})[value["quarter"]] = value
    rows = []
    for indicator in indicators:
        own_targets = targets.get(indicator.pk, [])
        own_values = values.get(indicator.pk, {})
        trend = []
        for quarter in range(1, number + 1):
            value = own_values.get(quarter)
            trend.append(
                IndicatorPoint(
                    quarter=quarter,
                    value=value["value"] if value else None,
                    target=target_for(indicator, quarter, own_targets),
                    rating=(value["rating_override"] or value["rating"]) if value else "",
                    due=indicator.reported_in(quarter),
                )
            )
        value = own_values.get(number)
        agency = indicator.source_agency
        rows.append(
            IndicatorRow(
                indicator_id=indicator.pk,
                name=indicator.name,
                unit=indicator.unit,
                direction=indicator.direction,
                frequency=indicator.frequency,
                baseline_value=indicator.baseline_value,
                baseline_period=indicator.baseline_period,
                target=trend[-1].target,
                value=value["value"] if value else None,
                due=indicator.reported_in(number),
                rating=trend[-1].rating,
                computed_rating=value["rating"] if value else "",
                overridden=bool(value and value["rating_override"]),
                override_reason=value["override_reason"] if value else "",
                note=value["note"] if value else "",
                source_agency=(agency.short_name or agency.name) if agency else "",
                recorded_by=_person(
                    value["recorded_by__first_name"],
                    value["recorded_by__last_name"],
                    value["recorded_by__username"],
                )
                if value
                else "",
                trend=tuple(trend),
            )
        )
    return rows


def _person(first_name, last_name, username) -> str:
    """A person's display name (agencies.models.display_name) from fetched values."""
    if username is None:
        return ""
    return f"{first_name} {last_name}".strip() or username


@dataclass
class _PlanData:
    """Everything a plan's reviews are computed from, fetched in six queries as plain values
    (no model instances: a plan may have thousands of actions and updates)."""

    priorities: list[dict]
    strands: list[dict]
    actions: list[dict]
    # action id -> {quarter: update values}
    updates: dict[int, dict[int, dict]]
    # action id -> partner agencies' names, and -> its sub-items as "a) text" lines
    partners: dict[int, list[str]] = field(default_factory=dict)
    sub_items: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def fetch(cls, plan) -> "_PlanData":
        from actions.models import Action, ActionSubItem, ProgressUpdate
        from priorities.models import Priority, Strand

        priorities = list(
            Priority.objects.filter(plan=plan).order_by("order", "id").values("id", "title")
        )
        strands = list(
            Strand.objects.filter(priority__plan=plan)
            .order_by("priority__order", "priority_id", "order", "id")
            .values("id", "title", "priority_id")
        )
        actions = list(
            Action.objects.filter(strand__priority__plan=plan)
            .order_by(
                "strand__priority__order",
                "strand__priority_id",
                "strand__order",
                "strand_id",
                "order",
                "id",
            )
            .values(
                "id",
                "reference",
                "text",
                "strand_id",
                "strand__title",
                "strand__priority_id",
                "strand__priority__title",
                "theme_id",
                "theme__name",
                "theme__order",
                "lead_agency_id",
                "lead_agency__name",
                "lead_agency__short_name",
                "lead_officer__first_name",
                "lead_officer__last_name",
                "lead_officer__username",
                "timeframe__wording",
                "timeframe__due_date",
                "completion_status_id",
                "completion_status__name",
                "completion_status__counts_as_complete",
                "completion_note",
            )
        )
        updates: dict[int, dict[int, dict]] = {}
        for update in ProgressUpdate.objects.filter(action__strand__priority__plan=plan).values(
            "action_id",
            "quarter",
            "rag_rating",
            "narrative",
            "completion_status_id",
            "completion_status__name",
            "completion_status__counts_as_complete",
            "updated_at",
            "internal",
            "author__first_name",
            "author__last_name",
            "author__username",
        ):
            updates.setdefault(update["action_id"], {})[update["quarter"]] = update
        partners: dict[int, list[str]] = {}
        for partner in (
            Action.partner_agencies.through.objects.filter(action__strand__priority__plan=plan)
            .order_by("agency__name", "agency_id")
            .values("action_id", "agency__short_name", "agency__name")
        ):
            partners.setdefault(partner["action_id"], []).append(
                partner["agency__short_name"] or partner["agency__name"]
            )
        sub_items: dict[int, list[str]] = {}
        for item in (
            ActionSubItem.objects.filter(action__strand__priority__plan=plan)
            .order_by("action_id", "order", "id")
            .values("action_id", "label", "text")
        ):
            sub_items.setdefault(item["action_id"], []).append(f"{item['label']}) {item['text']}")
        return cls(priorities, strands, actions, updates, partners, sub_items)

    def completion(self, action: dict, number: int) -> tuple[int, str, bool]:
        """(status id, name, counts as complete) of the action as of quarter ``number``: its
        latest update in or before the quarter, else its own."""
        updates = self.updates.get(action["id"], {})
        for earlier in range(number, 0, -1):
            if earlier in updates:
                update = updates[earlier]
                return (
                    update["completion_status_id"],
                    update["completion_status__name"],
                    update["completion_status__counts_as_complete"],
                )
        return (
            action["completion_status_id"],
            action["completion_status__name"],
            action["completion_status__counts_as_complete"],
        )

    def rows(self, period, on: date) -> list[ActionRow]:
        """Every action as it stood in the quarter, in plan order."""
        number = period.number
        # Late means due before the end of the quarter, or before today in the quarter in
        # progress (the same day ActionQuerySet.late and the dashboard use).
        late_before = min(period.end_date, on)
        rows = []
        no_updates: dict = {}
        earlier_quarters = range(number - 1, 0, -1)
        for action in self.actions:
            updates = self.updates.get(action["id"], no_updates)
            update = updates.get(number)
            previous = updates.get(number - 1)
            # The completion as of this quarter and as of the previous one (what
            # self.completion gives, worked out once per action: this loop runs for every
            # action of the plan in every quarter of the trend).
            latest_before = previous
            if latest_before is None and updates:
                for earlier in earlier_quarters:
                    if earlier in updates:
                        latest_before = updates[earlier]
                        break
            latest = update if update is not None else latest_before
            if latest is None:
                status_id = action["completion_status_id"]
                status_name = action["completion_status__name"]
                complete = action["completion_status__counts_as_complete"]
            else:
                status_id = latest["completion_status_id"]
                status_name = latest["completion_status__name"]
                complete = latest["completion_status__counts_as_complete"]
            was_complete = number > 1 and (
                action["completion_status__counts_as_complete"]
                if latest_before is None
                else latest_before["completion_status__counts_as_complete"]
            )
            due = action["timeframe__due_date"]
            rows.append(
                ActionRow(
                    action_id=action["id"],
                    reference=action["reference"],
                    text=action["text"],
                    priority=action["strand__priority__title"],
                    priority_id=action["strand__priority_id"],
                    strand_id=action["strand_id"],
                    strand=action["strand__title"],
                    theme_id=action["theme_id"],
                    theme=action["theme__name"] or "",
                    lead_agency_id=action["lead_agency_id"],
                    lead_agency=action["lead_agency__short_name"]
                    or action["lead_agency__name"]
                    or "",
                    lead_officer=_person(
                        action["lead_officer__first_name"],
                        action["lead_officer__last_name"],
                        action["lead_officer__username"],
                    ),
                    timeframe=action["timeframe__wording"] or "",
                    due_date=due,
                    rag=update["rag_rating"] if update else None,
                    previous_rag=previous["rag_rating"] if previous else None,
                    completion=status_name,
                    # The note qualifies the action's current completion ("within YOS and
                    # CER"): shown only while the quarter's completion is that one.
                    completion_note=action["completion_note"]
                    if status_id == action["completion_status_id"]
                    else "",
                    is_complete=bool(complete),
                    completed_this_quarter=bool(complete) and not was_complete,
                    is_late=due is not None and due < late_before and not complete,
                    narrative=update["narrative"] if update else "",
                    updated_by=_person(
                        update["author__first_name"],
                        update["author__last_name"],
                        update["author__username"],
                    )
                    if update
                    else "",
                    updated_at=update["updated_at"] if update else None,
                    partners="; ".join(self.partners.get(action["id"], ())),
                    sub_items="\n".join(self.sub_items.get(action["id"], ())),
                    internal=bool(update and update["internal"]),
                )
            )
        return rows

    def by_priority(self, rows: list[ActionRow]) -> list[Breakdown]:
        """Every priority of the plan with every one of its strands, in plan order (a strand
        with no actions shows zeros: it is part of the plan)."""
        by_strand: dict[int, list[ActionRow]] = {}
        for row in rows:
            by_strand.setdefault(row.strand_id, []).append(row)
        breakdowns = []
        for priority in self.priorities:
            strands = [s for s in self.strands if s["priority_id"] == priority["id"]]
            children = tuple(
                Breakdown(
                    strand["title"],
                    ("strand", strand["id"]),
                    Figures.of(by_strand.get(strand["id"], [])),
                )
                for strand in strands
            )
            members = [row for row in rows if row.priority_id == priority["id"]]
            breakdowns.append(
                Breakdown(
                    priority["title"], ("priority", priority["id"]), Figures.of(members), children
                )
            )
        return breakdowns

    def by_theme(self, rows: list[ActionRow]) -> list[Breakdown]:
        """The themes the plan's actions are in, in the plan's theme order; "No theme" last."""
        order = {a["theme_id"]: (a["theme__order"], a["theme_id"]) for a in self.actions}
        return _grouped(
            rows,
            kind="theme",
            value_of=lambda row: row.theme_id,
            label_of=lambda row: row.theme,
            sort_key=lambda theme_id, label: order[theme_id],
            none_label="No theme",
        )

    def by_agency(self, rows: list[ActionRow]) -> list[Breakdown]:
        """The agencies leading the plan's actions, by name; "No lead agency" last."""
        return _grouped(
            rows,
            kind="agency",
            value_of=lambda row: row.lead_agency_id,
            label_of=lambda row: row.lead_agency,
            sort_key=lambda agency_id, label: (label.casefold(), agency_id),
            none_label="No lead agency",
        )


def _grouped(rows, *, kind, value_of, label_of, sort_key, none_label) -> list[Breakdown]:
    groups: dict[int | None, list[ActionRow]] = {}
    labels: dict[int | None, str] = {}
    for row in rows:
        value = value_of(row)
        groups.setdefault(value, []).append(row)
        labels[value] = label_of(row)
    named = sorted((v for v in groups if v is not None), key=lambda v: sort_key(v, labels[v]))
    breakdowns = [Breakdown(labels[v], (kind, v), Figures.of(groups[v])) for v in named]
    if None in groups:
        breakdowns.append(Breakdown(none_label, (kind, None), Figures.of(groups[None])))
    return breakdowns


__all__ = [
    "FIGURES",
    "INDICATOR_STATUSES",
    "IndicatorFigures",
    "IndicatorPoint",
    "IndicatorRow",
    "RAG_ORDER",
    "ActionRow",
    "Breakdown",
    "Figure",
    "Figures",
    "QuarterlyReview",
    "compute_review",
    "review_for",
    "asdict",
]
