"""The quarterly page's part of the update round, as a template tag until the quarterly view
passes rounds.missing.missing_updates to its template itself (then this module goes)."""

from django import template

from plans.models import AnnualPlan

from ..missing import missing_updates as missing_updates_of

register = template.Library()


@register.inclusion_tag("rounds/includes/missing_updates.html", takes_context=True)
def missing_updates(context, review):
    """The "Missing updates" section of a quarter's page (the quarterly review), or the line
    saying when updates are due: rounds.missing.missing_updates."""
    plan = context.get("plan")
    if plan is None or plan.pk != review.plan_id:
        plan = AnnualPlan.objects.get(pk=review.plan_id)
    return {
        "missing": missing_updates_of(plan, review.rows, review.quarter, closed=review.is_closed)
    }
