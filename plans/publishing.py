"""Publishing a plan on the public pages (/public/<slug>/), where anyone may read it without
signing in, and taking it off them."""

from django.db import transaction
from django.utils import timezone

from .models import AnnualPlan, PlanStatus

# Only a plan the partnership has signed off is shown to the public.
PUBLISHABLE_STATUSES = frozenset({PlanStatus.SIGNED_OFF, PlanStatus.ACTIVE, PlanStatus.CLOSED})


class NotPublishable(Exception):
    """The plan cannot be published; the message says why, for the administrator."""


def published_plans():
    """The plans anyone may read on the public pages."""
    return AnnualPlan.objects.filter(
        published_at__isnull=False, status__in=PUBLISHABLE_STATUSES
    ).order_by("-financial_year", "title")


def why_not_publishable(plan: AnnualPlan) -> str | None:
    """Why the plan cannot be published, as a sentence; None when it can."""
    if plan.status in PUBLISHABLE_STATUSES:
        return None
    return (
        f"{plan.title} is {plan.get_status_display().lower()}: only a plan that has been signed "
        "off can be published."
    )


def publish(plan: AnnualPlan, *, by) -> bool:
    """Publish the plan (from now); False if it already was. Raises NotPublishable."""
    with transaction.atomic():
        plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
        reason = why_not_publishable(plan)
        if reason:
            raise NotPublishable(reason)
        if plan.is_published:
            return False
        plan.published_at = timezone.now()
        _save(plan, "Published on the public pages", by)
    return True


def unpublish(plan: AnnualPlan, *, by) -> bool:
    """Take the plan off the public pages; False if it was not on them."""
    with transaction.atomic():
        plan = AnnualPlan.objects.select_for_update().get(pk=plan.pk)
        if not plan.is_published:
            return False
        plan.published_at = None
        _save(plan, "Unpublished", by)
    return True


def _save(plan, reason, by):
    plan._change_reason = reason
    plan._history_user = by
    plan.save(update_fields=["published_at", "updated_at"])
