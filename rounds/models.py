"""The quarterly update round: each plan's window for updates per quarter, and every e-mail the
round sends (so that none is sent twice and a failed one is retried, never dropped)."""

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from partnerships.scoping import partnership_manager
from plans.models import AnnualPlan, one_per_quarter, quarter_field


class UpdateWindow(models.Model):
    """When officers update a plan's actions and indicators for one quarter, e.g. from two weeks
    before the quarter ends to ten days after."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="update_windows")
    quarter = quarter_field()
    opens_on = models.DateField()
    closes_on = models.DateField()

    history = HistoricalRecords()

    objects = partnership_manager("plan__partnership", oversight=False)

    class Meta:
        ordering = ["plan", "quarter"]
        constraints = [
            *one_per_quarter(
                "plan", unique="rounds_window_one_per_quarter", valid="rounds_window_valid_quarter"
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="rounds_window_closes_after_opening",
                violation_error_message="The window cannot close before it opens.",
            ),
        ]

    def __str__(self):
        return f"{self.plan} Q{self.quarter}: {self.opens_on} to {self.closes_on}"

    @property
    def period(self):
        """The quarter (plans.quarters.Quarter) the window collects updates for."""
        return self.plan.quarter(self.quarter)

    @property
    def reminder_on(self) -> date:
        """The day the reminder goes: UPDATE_REMINDER_DAYS_BEFORE_CLOSE days before the window
        closes (three by default), but never before it opens."""
        day = self.closes_on - timedelta(days=settings.UPDATE_REMINDER_DAYS_BEFORE_CLOSE)
        return max(day, self.opens_on)

    def is_open_on(self, day: date) -> bool:
        return self.opens_on <= day <= self.closes_on

    def has_closed_by(self, day: date) -> bool:
        """Whether the window had closed by this day (it is open all of its closing day)."""
        return day > self.closes_on

    def is_reminding_on(self, day: date) -> bool:
        """Whether the day falls between the reminder day and the closing day, inclusive."""
        return self.reminder_on <= day <= self.closes_on


class RoundEmail(models.Model):
    """One e-mail of an update round to one person: the window's opening e-mail or its reminder.
    Unique per (window, recipient, kind), which is what makes the round idempotent."""

    class Kind(models.TextChoices):
        OPENING = "opening", "Window opened"
        REMINDER = "reminder", "Reminder before the window closes"

    class Status(models.TextChoices):
        PENDING = "pending", "Not sent yet"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed (will be retried)"
        GAVE_UP = "gave_up", "Failed too many times"

    window = models.ForeignKey(UpdateWindow, on_delete=models.CASCADE, related_name="emails")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="round_emails"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    to_address = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField(help_text="The plain-text part, as sent.")
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = partnership_manager("window__plan__partnership", oversight=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "update round e-mail"
        constraints = [
            models.UniqueConstraint(
                fields=["window", "recipient", "kind"], name="rounds_email_once_per_kind"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.to_address} ({self.get_status_display()})"
