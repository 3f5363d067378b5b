"""Closing a plan's quarter once the partnership has met: its updates can no longer be changed,
and its review is kept exactly as it stood (a snapshot), so that the page, the meeting pack and
the exports say what the meeting was shown."""

from datetime import date

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from agencies.models import display_name
from plans.models import AnnualPlan
from plans.quarters import QUARTER_NUMBERS


class QuarterNotEnded(Exception):
    """A quarter can only be closed once it has ended."""

    def __init__(self, period):
        super().__init__(
            f"{period.label} can only be closed once it has ended, after "
            f"{date_format(period.end_date, 'j F Y')}."
        )
        self.period = period


class QuarterAlreadyClosed(Exception):
    """Someone closed the quarter first (perhaps the same person, pressing twice)."""

    def __init__(self, closure):
        super().__init__(closure.summary)
        self.closure = closure


class QuarterClosureQuerySet(models.QuerySet):
    def close(self, plan: AnnualPlan, quarter: int, *, by, on: date | None = None):
        """Close a quarter of the plan that has ended, keeping its review as it stands now.

        Raises QuarterNotEnded, or QuarterAlreadyClosed if it is closed already.
        """
        from .rollup import compute_review

        on = on or timezone.localdate()
        period = plan.quarter(quarter)
        if not period.end_date < on:
            raise QuarterNotEnded(period)
        try:
            with transaction.atomic():
                # First statement: a no-op update that takes the plan row's write lock (as
                # actions.concurrency.claim does for an action). record_progress takes the same
                # lock before it checks for a closure, so an update is either in the snapshot
                # below or refused; never saved into a closed quarter without being shown.
                AnnualPlan.objects.filter(pk=plan.pk).update(status=F("status"))
                closure = self.model(plan=plan, quarter=quarter, closed_by=by)
                review = compute_review(plan, quarter, on=on)
                review.closed_at, review.closed_by = closure.closed_at, display_name(by)
                closure.snapshot = review.to_json()
                closure._history_user = by  # also outside a request (shell, tests)
                closure.save()
        except IntegrityError:
            raise QuarterAlreadyClosed(self.get(plan=plan, quarter=quarter)) from None
        return closure

    def reopen(self, plan: AnnualPlan, quarter: int, *, by):
        """Reopen a closed quarter: its closure is deleted (its history keeps who closed and
        reopened it, when, and the snapshot). Returns the deleted closure, or None if the
        quarter was not closed."""
        closure = self.filter(plan=plan, quarter=quarter).first()
        if closure is None:
            return None
        closure._history_user = by
        closure.delete()
        return closure


class QuarterClosure(models.Model):
    """A quarter of a plan closed after the partnership's meeting, with its review as it stood
    then. While it exists, officers cannot add or change that quarter's updates."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="quarter_closures")
    quarter = models.PositiveSmallIntegerField(
        choices=[(n, f"Quarter {n}") for n in QUARTER_NUMBERS],
        help_text="The quarter of the plan's financial year (Q1 is April to June).",
    )
    closed_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="closed_quarters",
    )
    snapshot = models.JSONField(
        help_text="The quarterly review as it stood when the quarter was closed "
        "(reviews.rollup.QuarterlyReview.to_json)."
    )

    history = HistoricalRecords()

    objects = QuarterClosureQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "quarter"]
        permissions = [
            ("close_quarter", "Can close a quarter after its meeting"),
            ("reopen_quarter", "Can reopen a closed quarter"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "quarter"], name="reviews_quarterclosure_once_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4),
                name="reviews_quarterclosure_valid_quarter",
                violation_error_message="The quarter must be 1, 2, 3 or 4.",
            ),
        ]

    def __str__(self):
        return f"{self.period.label} of {self.plan}, closed"

    @property
    def period(self):
        return self.plan.quarter(self.quarter)

    @property
    def closed_on(self) -> str:
        """ "5 January 2018", in London time."""
        return date_format(timezone.localtime(self.closed_at), "j F Y")

    @property
    def summary(self) -> str:
        """ "Q2 2017-18 was closed by Catherine Holloway on 12 October 2017." """
        by = display_name(self.closed_by)
        return f"{self.period.label} was closed{f' by {by}' if by else ''} on {self.closed_on}."

    @property
    def refusal(self) -> str:
        """Why an officer cannot record progress for the quarter, as a sentence."""
        return (
            f"{self.period.label} was closed after the partnership’s meeting on "
            f"{self.closed_on}: its updates can no longer be changed."
        )

    def review(self):
        """The quarterly review as it stood when the quarter was closed."""
        from .rollup import QuarterlyReview

        review = QuarterlyReview.from_json(self.snapshot)
        review.closed_at = self.closed_at
        review.closed_by = display_name(self.closed_by)
        return review


def closure_refusal(plan: AnnualPlan, quarter: int) -> str | None:
    """Why progress cannot be recorded for a quarter of the plan because it is closed, or None
    when it is not closed (for the progress form's message)."""
    closure = QuarterClosure.objects.filter(plan=plan, quarter=quarter).first()
    return closure.refusal if closure else None
