"""The quarterly review's rows and figures: what a plan's actions and indicators looked like at
the end of a quarter, and the counts the quarterly page, the dashboard, the meeting pack and the
exports show.

A ``QuarterlyReview`` is built from the database by reviews/building.py (``review_for``), or
read back from a closed quarter's snapshot by reviews/snapshot.py, so that a closed quarter's
page, pack and exports stay as they stood at the meeting.

Rules:
- An action's RAG for a quarter is its progress update for that quarter (there is at most one:
  a second update in a quarter amends the first). An action with no update counts as *not
  updated*, never as green.
- Its completion as of the quarter is that of its latest update in or before the quarter, else
  the action's own completion status.
- It is *late* when its due date is before the quarter's late cutoff (plans.year.late_cutoff:
  the end of the quarter, or today for the quarter in progress) and it is not complete as of
  the quarter.
- It was *completed this quarter* when it is complete as of the quarter and was not as of the
  quarter before (for Q1: when it is complete as of Q1).
- Its *movement* compares this quarter's RAG with the previous quarter's, when both exist.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from plans.ratings import RAG, RAG_RANK, RAG_RATINGS, IndicatorRating


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
    # Added after the first snapshots were taken, so defaulted for them: the priority the
    # strand belongs to (the filtered action list filters on it), the partner agencies' names
    # ("NPS; London CRC"), the lettered sub-items one per line ("a) …"), and whether this
    # quarter's narrative is internal (kept off the public pages).
    priority_id: int | None = None
    partners: str = ""
    sub_items: str = ""
    internal: bool = False
    # Added with the completion breakdown (complete / in progress / not started): whether its
    # completion as of the quarter counts as not started. Older snapshots' rows say no.
    is_not_started: bool = False

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
    """Headline counts for a set of actions. By completion as of the quarter, every action is
    complete, not started or in progress (complete + in progress + not started = total); of
    those not complete, ``open_green``, ``open_amber`` and ``open_red`` are rated so this
    quarter (the rest are not updated, or rated blue though not complete), as councils report
    to scrutiny: "114 actions: 64 complete, 49 in progress, 1 not started; of those not
    complete 21 green, 21 amber, 7 red"."""

    total: int = 0
    complete: int = 0
    not_started: int = 0
    open_green: int = 0
    open_amber: int = 0
    open_red: int = 0
    # By this quarter's RAG rating (plans.ratings: each rating's ``figure``).
    on_track: int = 0  # green
    at_risk: int = 0  # amber
    off_track: int = 0  # red
    rated_complete: int = 0  # blue: rated complete this quarter
    late: int = 0
    not_updated: int = 0

    @property
    def in_progress(self) -> int:
        """Neither complete nor not started."""
        return self.total - self.complete - self.not_started

    @property
    def not_complete(self) -> int:
        return self.total - self.complete

    @property
    def percent_complete(self) -> int:
        """Whole per cent, rounded half up; 0 for no actions."""
        return (self.complete * 100 + self.total // 2) // self.total if self.total else 0

    @classmethod
    def of(cls, rows) -> "Figures":
        # One pass over the rows, not one per count: a review of a large plan counts its
        # 2,000 rows some eight times over (the quarter, the trend, each breakdown).
        total = complete = not_started = late = 0
        by_rag: Counter = Counter()
        open_by_rag: Counter = Counter()
        for row in rows:
            total += 1
            by_rag[row.rag] += 1
            if row.is_complete:
                complete += 1
            else:
                open_by_rag[row.rag] += 1
                not_started += bool(row.is_not_started)
            late += bool(row.is_late)
        return cls(
            total=total,
            complete=complete,
            not_started=not_started,
            open_green=open_by_rag[RAG.GREEN],
            open_amber=open_by_rag[RAG.AMBER],
            open_red=open_by_rag[RAG.RED],
            late=late,
            **{RAG_RATINGS[rag].figure: count for rag, count in by_rag.items()},
        )


@dataclass(frozen=True)
class Figure:
    """One figure a quarterly page shows, and the rows that make it up."""

    key: str  # its name in the filtered action list's address: ?figure=off_track
    label: str  # its column heading: "Off track"
    heading: str  # the filtered list's heading: "Off track actions"
    counts: Callable[[ActionRow], bool]
    # The Figures count it is, when not named as its key (addresses keep "blue").
    field: str = ""

    def count_in(self, figures: Figures) -> int:
        """Its number in a set of Figures (only for the figures Figures counts)."""
        return getattr(figures, self.field or self.key)


# Every figure the quarterly page links to its action list, in the order the page shows them.
FIGURES = {
    figure.key: figure
    for figure in (
        Figure("total", "Actions", "All actions", lambda row: True),
        Figure("complete", "Complete", "Complete actions", lambda row: row.is_complete),
        Figure(
            "in_progress",
            "In progress",
            "Actions in progress",
            lambda row: not row.is_complete and not row.is_not_started,
        ),
        Figure(
            "not_started",
            "Not started",
            "Actions not started",
            lambda row: row.is_not_started and not row.is_complete,
        ),
        Figure(
            "open_green",
            "Green, not complete",
            "Actions not complete and on track (green)",
            lambda row: not row.is_complete and row.rag == RAG.GREEN,
        ),
        Figure(
            "open_amber",
            "Amber, not complete",
            "Actions not complete and at risk (amber)",
            lambda row: not row.is_complete and row.rag == RAG.AMBER,
        ),
        Figure(
            "open_red",
            "Red, not complete",
            "Actions not complete and off track (red)",
            lambda row: not row.is_complete and row.rag == RAG.RED,
        ),
        Figure("on_track", "On track", "On track actions", lambda row: row.rag == RAG.GREEN),
        Figure("at_risk", "At risk", "At risk actions", lambda row: row.rag == RAG.AMBER),
        Figure("off_track", "Off track", "Off track actions", lambda row: row.rag == RAG.RED),
        Figure(
            "blue",
            "Blue (complete)",
            "Actions rated blue",
            lambda row: row.rag == RAG.BLUE,
            field="rated_complete",
        ),
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
INDICATOR_STATUSES = (*IndicatorRating.values, "no_target", "not_reported", "not_due")


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
    # The plan's performance indicators in the quarter: defaulted, so that snapshots taken
    # before indicators existed load with none.
    indicators: list[IndicatorRow] = field(default_factory=list)
    indicator_figures: IndicatorFigures = field(default_factory=IndicatorFigures)

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def exceptions(self) -> list[ActionRow]:
        """Red then amber actions: what the meeting talks about first."""
        red = [row for row in self.rows if row.rag == RAG.RED]
        return red + [row for row in self.rows if row.rag == RAG.AMBER]

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
