"""The quarterly page's part of the update round: once the quarter's update window has closed,
who still has not updated (by agency and officer); before then, when updates are due."""

from dataclasses import dataclass, field

from django import template
from django.utils import timezone

from plans.models import AnnualPlan, PlanStatus

from ..due import due_actions, due_indicators
from ..windows import planned_window

register = template.Library()

NO_AGENCY = "No lead agency"
NO_OFFICER = "No lead officer named"


@dataclass
class AgencyMissing:
    """One agency's missing updates: its actions by lead officer, and its indicators."""

    name: str
    # [(officer's name, [ActionRow])]
    officers: list = field(default_factory=list)
    indicators: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(rows) for _, rows in self.officers) + len(self.indicators)


@register.inclusion_tag("rounds/includes/missing_updates.html", takes_context=True)
def missing_updates(context, review):
    """The "Missing updates" section of a quarter's page (reviews.rollup.QuarterlyReview), or the
    line saying when updates are due. Three queries, whatever the size of the plan: the window,
    the ids of the actions still due and the indicators without a value (the actions are shown
    from the review's own rows)."""
    plan = context.get("plan")
    if plan is None or plan.pk != review.plan_id:
        plan = AnnualPlan.objects.get(pk=review.plan_id)
    if plan.status in (PlanStatus.DRAFT, PlanStatus.CONSULTATION):
        return {"show": None}
    today = timezone.localdate()
    window = planned_window(plan, review.quarter)
    final = review.is_closed or window.has_closed_by(today) or plan.status == PlanStatus.CLOSED
    if not final:
        return {
            "show": "note" if plan.accepts_updates else None,
            "window": window,
            "review": review,
            "has_opened": today >= window.opens_on,
        }
    return {
        "show": "missing",
        "window": window,
        "review": review,
        "agencies": _by_agency(
            review,
            set(due_actions(window).values_list("pk", flat=True)),
            list(due_indicators(window)),
        ),
    }


def _by_agency(review, missing_ids, indicators) -> list[AgencyMissing]:
    """The actions still without an update for the quarter (``missing_ids``: not complete and
    not updated, the round's own rule in rounds.due), as the review shows them, and the
    indicators without a value, grouped by agency (by name, those with none last) and, for
    actions, by lead officer."""
    agencies: dict[str, AgencyMissing] = {}
    officers: dict[tuple[str, str], list] = {}
    for row in review.rows:
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
