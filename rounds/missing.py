"""The quarterly page's part of the update round: before the quarter's window closes, when
updates are due; once it has closed (or the quarter or the plan has been closed), who has not
updated, by agency and lead officer.

The quarterly review's view calls ``missing_updates`` and hands the result to the template
(rounds/includes/missing_updates.html), so that rendering queries nothing.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from actions.models import Action
from plans.models import AnnualPlan, PlanStatus

from .due import due_indicators
from .models import UpdateWindow
from .windows import planned_window

NO_AGENCY = "No lead agency"
NO_OFFICER = "No lead officer named"


@dataclass
class AgencyMissing:
    """One agency's missing updates: its actions by lead officer, and its indicators."""

    name: str
    # [(officer's name, [the review's rows of their actions])]
    officers: list = field(default_factory=list)
    indicators: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(rows) for _, rows in self.officers) + len(self.indicators)


@dataclass
class MissingUpdates:
    """What the quarterly page says about the quarter's update round.

    ``show`` is "note" (when updates are due: ``window`` and ``has_opened``), "missing" (the
    window has closed: ``agencies``, the missing updates), or None (nothing to say: a plan not
    yet signed off, or closed before its window opened).
    """

    show: str | None
    quarter_label: str = ""
    window: UpdateWindow | None = None
    has_opened: bool = False
    agencies: list[AgencyMissing] = field(default_factory=list)


def missing_updates(
    plan: AnnualPlan, review_rows, quarter: int, *, closed: bool, on: date | None = None
) -> MissingUpdates:
    """The update round's part of a quarter's page, on a day (today by default).

    ``review_rows`` are the quarterly review's action rows (each with action_id, reference,
    text, lead_agency and lead_officer names): the missing actions are shown as the review shows
    them. ``closed`` says whether the quarter has been closed after its meeting. Three queries,
    whatever the size of the plan: the window, the ids of the actions without their update and
    the indicators without their value.
    """
    if plan.status in (PlanStatus.DRAFT, PlanStatus.CONSULTATION):
        return MissingUpdates(None)
    on = on or timezone.localdate()
    label = plan.quarter(quarter).label
    window = planned_window(plan, quarter)
    if not (closed or window.has_closed_by(on) or plan.status == PlanStatus.CLOSED):
        return MissingUpdates(
            "note" if plan.accepts_updates else None,
            label,
            window,
            has_opened=on >= window.opens_on,
        )
    # Once the window (or the quarter) has closed, no update is due any more: those still
    # missing are listed whether or not the quarter takes them now.
    missing_ids = set(
        Action.objects.filter(strand__priority__plan=plan)
        .without_update_for(quarter)
        .values_list("pk", flat=True)
    )
    return MissingUpdates(
        "missing",
        label,
        window,
        agencies=_by_agency(review_rows, missing_ids, list(due_indicators(window))),
    )


def _by_agency(review_rows, missing_ids, indicators) -> list[AgencyMissing]:
    """The actions still without an update for the quarter, as the review shows them, and the
    indicators without a value, grouped by agency (by name, those with none last) and, for
    actions, by lead officer."""
    agencies: dict[str, AgencyMissing] = {}
    officers: dict[tuple[str, str], list] = {}
    for row in review_rows:
        if row.action_id not in missing_ids:
            continue
        agency = row.lead_agency or NO_AGENCY
        agencies.setdefault(agency, AgencyMissing(agency))
        officers.setdefault((agency, row.lead_officer or NO_OFFICER), []).append(row)
    for indicator in indicators:
        agency = indicator.source_agency.display_name if indicator.source_agency else NO_AGENCY
        agencies.setdefault(agency, AgencyMissing(agency)).indicators.append(indicator)
    for (agency, officer), rows in officers.items():
        agencies[agency].officers.append((officer, rows))
    for entry in agencies.values():
        entry.officers.sort(key=lambda item: (item[0] == NO_OFFICER, item[0].lower()))
    return sorted(
        agencies.values(), key=lambda entry: (entry.name == NO_AGENCY, entry.name.lower())
    )
