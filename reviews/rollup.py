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
"""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime

RAG_ORDER = ("red", "amber", "green", "blue")
# Higher is better: used to say whether an action's RAG improved or worsened.
RAG_RANK = {"red": 0, "amber": 1, "green": 2, "blue": 3}


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
class Breakdown:
    """The figures for one group of actions: a priority (with its strands as children), a
    strand, a theme or a lead agency. ``key`` is what the filtered action list filters on:
    ("priority", id), ("strand", id), ("theme", id or None), ("agency", id or None)."""

    label: str
    key: tuple[str, int | None]
    figures: Figures
    children: tuple["Breakdown", ...] = ()


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

    def to_json(self) -> dict:
        """A JSON-ready dict (dates as ISO strings), for a closed quarter's snapshot."""
        raise NotImplementedError  # implemented with review_for

    @classmethod
    def from_json(cls, data: dict) -> "QuarterlyReview":
        raise NotImplementedError  # implemented with review_for


def review_for(plan, quarter: int, on: date | None = None) -> QuarterlyReview:
    """The review of one quarter (1–4) of a plan: the closed quarter's snapshot if it is
    closed, else computed now from the database in a fixed number of queries."""
    raise NotImplementedError


__all__ = [
    "RAG_ORDER",
    "ActionRow",
    "Breakdown",
    "Figures",
    "QuarterlyReview",
    "review_for",
    "asdict",
]
