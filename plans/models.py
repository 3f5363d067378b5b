"""Strategies and the annual plans that deliver them, with each plan's themes and principles, and
the quarters closed after the partnership's meetings."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from agencies.models import display_name, person_field
from partnerships.context import current_partnership, partnership_url
from partnerships.models import PartnershipOwned, partnership_field
from partnerships.scoping import SELF, partnership_manager

from .quarters import (
    QUARTER_NUMBERS,
    Quarter,
    financial_year_end,
    financial_year_label,
    financial_year_start,
)

# A quarter of a plan's financial year, as models store it: its number, 1 to 4.
QUARTER_CHOICES = [
    (1, "Q1 (April to June)"),
    (2, "Q2 (July to September)"),
    (3, "Q3 (October to December)"),
    (4, "Q4 (January to March)"),
]


def quarter_field():
    """The field of a row that belongs to one quarter of its plan's financial year."""
    return models.PositiveSmallIntegerField(
        choices=QUARTER_CHOICES,
        help_text="The quarter of the plan's financial year (Q1 is April to June).",
    )


def one_per_quarter(of: str, *, unique: str, valid: str) -> list[models.BaseConstraint]:
    """The constraints of a model that keeps one row per quarter of what it belongs to (an
    action's update, a plan's closure, an indicator's value): no second row for a quarter, and
    the quarter one of 1 to 4. `unique` and `valid` are the constraints' names."""
    return [
        models.UniqueConstraint(fields=[of, "quarter"], name=unique),
        models.CheckConstraint(
            condition=Q(quarter__gte=1, quarter__lte=4),
            name=valid,
            violation_error_message="The quarter must be 1, 2, 3 or 4.",
        ),
    ]


# Financial years the product accepts: a typing slip such as 20177 or 1917 is refused by the
# database, not only by the form.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2099


class Strategy(PartnershipOwned):
    """A multi-year strategy the annual plans deliver, e.g. the three-year Crime and Disorder
    Strategy, or the London Mayor's Police and Crime Plan 2017-2021."""

    partnership = partnership_field("strategies")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    start_year = models.PositiveSmallIntegerField(help_text="The first year of the period.")
    end_year = models.PositiveSmallIntegerField(help_text="The last year of the period.")
    statutory_basis = models.CharField(
        max_length=500,
        blank=True,
        help_text="The legislation that requires it, e.g. the Crime and Disorder Act 1998.",
    )
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    objects = partnership_manager("partnership")

    class Meta:
        ordering = ["-start_year", "title"]
        verbose_name_plural = "strategies"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "slug"], name="plans_strategy_unique_slug_per_partnership"
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=EARLIEST_YEAR, start_year__lte=LATEST_YEAR),
                name="plans_strategy_valid_start_year",
                violation_error_message=f"The first year must be between {EARLIEST_YEAR} and "
                f"{LATEST_YEAR}.",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year"), end_year__lte=LATEST_YEAR),
                name="plans_strategy_end_not_before_start",
                violation_error_message="The last year cannot be before the first year, or "
                f"after {LATEST_YEAR}.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def period(self):
        """ "2017 to 2021"."""
        return f"{self.start_year} to {self.end_year}"


class PlanStatus(models.TextChoices):
    """Where a plan is in its year: drafted, circulated for comment, signed off, delivered,
    closed."""

    DRAFT = "draft", "Draft"
    CONSULTATION = "consultation", "Out for consultation"
    SIGNED_OFF = "signed_off", "Signed off"
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"

    @classmethod
    def home_page_order(cls):
        return [cls.ACTIVE, cls.SIGNED_OFF, cls.CONSULTATION, cls.DRAFT, cls.CLOSED]

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour the pages show the status in (plain, in GOV.UK Frontend 6, is
        blue)."""
        return _STATUS_TAG_CLASSES[self]


_STATUS_TAG_CLASSES = {
    PlanStatus.DRAFT: "govuk-tag--grey",
    PlanStatus.CONSULTATION: "govuk-tag--yellow",
    PlanStatus.SIGNED_OFF: "",
    PlanStatus.ACTIVE: "govuk-tag--green",
    PlanStatus.CLOSED: "govuk-tag--grey",
}

# The plan statuses in which officers record progress: the one list of them
# (AnnualPlan.objects.taking_updates and AnnualPlan.accepts_updates read it).
UPDATABLE_STATUSES = frozenset({PlanStatus.SIGNED_OFF, PlanStatus.ACTIVE})


class AnnualPlanQuerySet(models.QuerySet):
    def taking_updates(self):
        """The plans officers record progress on: signed off, until they are closed."""
        return self.filter(status__in=UPDATABLE_STATUSES)

    def by_status(self):
        """Plans grouped as the home page lists them: in-year plans first, closed plans last."""
        order = models.Case(
            *[
                models.When(status=status, then=position)
                for position, status in enumerate(PlanStatus.home_page_order())
            ],
            output_field=models.IntegerField(),
        )
        return self.annotate(status_position=order).order_by(
            "status_position", "-financial_year", "title"
        )


class AnnualPlan(PartnershipOwned):
    """One financial year's plan of a partnership: its priorities, strands and actions."""

    Status = PlanStatus

    partnership = partnership_field("plans")
    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plans",
        help_text="The multi-year strategy this plan delivers.",
    )
    title = models.CharField(max_length=200, help_text="e.g. “Safer Lewisham Plan 17-18”.")
    slug = models.SlugField(max_length=100, help_text="Used in the plan's web address.")
    financial_year = models.PositiveSmallIntegerField(
        help_text="The calendar year the plan's financial year starts in: 2017 for 1 April 2017 "
        "to 31 March 2018."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(blank=True, help_text="A paragraph introducing the plan.")
    # Set by the sign-off transition (plans/lifecycle.py), kept once the plan moves on.
    signed_off_at = models.DateTimeField(null=True, blank=True, editable=False)
    signed_off_by = person_field("+", editable=False)
    # A published plan has a read-only page open to the public (/public/<slug>/).
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the plan was published on the public pages; empty when it is not.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    objects = partnership_manager("partnership", AnnualPlanQuerySet, plan=SELF)

    class Meta:
        ordering = ["-financial_year", "title"]
        permissions = [
            ("change_plan_status", "Can open a plan for comment, start it and close it"),
            ("sign_off_plan", "Can sign off a plan after consultation"),
            ("publish_plan", "Can publish a signed-off plan on the public pages"),
            ("roll_forward_plan", "Can roll a plan forward into next year's plan"),
            ("import_plan", "Can import a plan's actions from a spreadsheet"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "slug"], name="plans_annualplan_unique_slug_per_partnership"
            ),
            models.CheckConstraint(
                condition=Q(financial_year__gte=EARLIEST_YEAR, financial_year__lte=LATEST_YEAR),
                name="plans_annualplan_valid_financial_year",
                violation_error_message=f"The financial year must start between {EARLIEST_YEAR} "
                f"and {LATEST_YEAR}.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values),
                name="plans_annualplan_valid_status",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        previous_year = (
            AnnualPlan.objects.filter(pk=self.pk).values_list("financial_year", flat=True).first()
            if self.pk
            else None
        )
        super().save(*args, **kwargs)
        if previous_year is not None and previous_year != self.financial_year:
            # "March 18" means a different day in another year: read the wordings again so
            # that due dates (and so lateness) follow the corrected year.
            for timeframe in self.timeframes.filter(set_by_hand=False):
                timeframe.save()

    def clean(self):
        super().clean()
        if self.strategy_id is not None and self.strategy.partnership_id != self.partnership_id:
            raise ValidationError({"strategy": "Choose a strategy of this plan's partnership."})

    def get_absolute_url(self):
        if getattr(current_partnership(), "pk", None) == self.partnership_id:
            return reverse("plans:detail", kwargs={"slug": self.slug})
        return partnership_url(self.partnership, "plans:detail", slug=self.slug)

    @property
    def status_tag_class(self) -> str:
        return PlanStatus(self.status).tag_class

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def structure_locked(self) -> bool:
        """Once signed off, a plan's priorities, strands and actions change only in admin."""
        return self.status in {PlanStatus.SIGNED_OFF, PlanStatus.ACTIVE, PlanStatus.CLOSED}

    @property
    def financial_year_label(self):
        """ "2017-18"."""
        return financial_year_label(self.financial_year)

    @property
    def start_date(self) -> date:
        return financial_year_start(self.financial_year)

    @property
    def end_date(self) -> date:
        return financial_year_end(self.financial_year)

    def quarter(self, number: int) -> Quarter:
        """Quarter 1–4 of this plan's financial year."""
        return Quarter(self.financial_year, number)

    @property
    def quarters(self) -> list[Quarter]:
        return [self.quarter(number) for number in QUARTER_NUMBERS]

    @property
    def accepts_updates(self) -> bool:
        """Officers record progress on a plan once it is signed off, until it is closed."""
        return self.status in UPDATABLE_STATUSES

    def why_no_updates(self, on: date | None = None) -> str | None:
        """Why progress cannot be recorded on the plan's actions now, as a sentence for the
        officer; None when it can."""
        if self.status == PlanStatus.CLOSED:
            return "This plan is closed: progress can no longer be recorded."
        if self.status == PlanStatus.DRAFT:
            return "This plan is still a draft: progress can be recorded once it is signed off."
        if self.status == PlanStatus.CONSULTATION:
            return (
                "This plan is out for consultation: progress can be recorded once it is signed off."
            )
        if self.reporting_quarter(on) is None:
            return (
                "This plan’s year has not started: progress can be recorded from "
                f"{date_format(self.start_date, 'j F Y')}."
            )
        if not self.open_quarters(on):
            return (
                "Every quarter of this plan so far has been closed after the partnership’s "
                "meetings: progress can no longer be recorded."
            )
        return None

    def reporting_quarter(self, on: date | None = None) -> Quarter | None:
        """The quarter progress is being reported for: the current quarter during the plan's
        year; its last quarter once the year is over (final updates are still coming in until
        the plan is closed); None before the year starts."""
        on = on or timezone.localdate()
        if on < self.start_date:
            return None
        return self.current_quarter(on) or self.quarter(4)

    def open_quarters(self, on: date | None = None) -> list[Quarter]:
        """The quarters officers may record progress for: those that have begun and have not
        been closed after the partnership's meeting (QuarterClosure), while the plan accepts
        updates."""
        reporting = self.reporting_quarter(on)
        if not self.accepts_updates or reporting is None:
            return []
        closed = set(self.quarter_closures.values_list("quarter", flat=True)) if self.pk else set()
        return [q for q in self.quarters[: reporting.number] if q.number not in closed]

    def current_quarter(self, on: date | None = None) -> Quarter | None:
        """The plan's quarter that contains the given day (today by default), or None outside
        the plan's year."""
        on = on or timezone.localdate()
        if not self.start_date <= on <= self.end_date:
            return None
        return Quarter.containing(on)


class OrderedPlanPart(models.Model):
    """A short, ordered list item that belongs to a plan (a principle, a question, a driver)."""

    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    class Meta:
        abstract = True
        ordering = ["order", "id"]


class Principle(OrderedPlanPart):
    """A cross-cutting principle at the core of delivery of every action in a plan, e.g.
    "Victim-centred approach"."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="principles")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    objects = partnership_manager("plan__partnership")
    history = HistoricalRecords()

    class Meta(OrderedPlanPart.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "name"], name="plans_principle_unique_name_per_plan"
            ),
        ]

    def __str__(self):
        return self.name


class OrderedPlanText(OrderedPlanPart):
    """An ordered list item of a plan that is a sentence or two of text."""

    text = models.TextField()

    class Meta(OrderedPlanPart.Meta):
        abstract = True

    def __str__(self):
        return self.text


class KeyQuestion(OrderedPlanText):
    """A question the partnership wants the plan to answer, e.g. "How do we become a less
    violent society?"."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="key_questions")

    objects = partnership_manager("plan__partnership")
    history = HistoricalRecords()


class Driver(OrderedPlanText):
    """Something that shapes the plan's direction: a regional strategy, a review, an inspection."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="drivers")

    objects = partnership_manager("plan__partnership")
    history = HistoricalRecords()


class Theme(OrderedPlanPart):
    """How the actions within each strand of a plan are grouped, e.g. "Awareness raising",
    "Prevention", "Action / intervention / enforcement", "Analytical review"."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)

    objects = partnership_manager("plan__partnership")
    history = HistoricalRecords()

    class Meta(OrderedPlanPart.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "slug"], name="plans_theme_unique_slug_per_plan"
            ),
            models.UniqueConstraint(
                fields=["plan", "name"], name="plans_theme_unique_name_per_plan"
            ),
        ]

    def __str__(self):
        return self.name


class QuarterClosure(models.Model):
    """A quarter of a plan closed after the partnership's meeting, with its review as it stood
    then. While it exists, officers cannot add or change that quarter's updates (plans/year.py
    closes, reopens and refuses)."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="quarter_closures")
    quarter = quarter_field()
    closed_at = models.DateTimeField(default=timezone.now)
    closed_by = person_field("closed_quarters")
    # Written and read by the reviews app; the plans only keep it.
    snapshot = models.JSONField(
        help_text="The quarterly review as it stood when the quarter was closed, as the reviews "
        "app wrote it."
    )

    objects = partnership_manager("plan__partnership")
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "quarter"]
        permissions = [
            ("close_quarter", "Can close a quarter after its meeting"),
            ("reopen_quarter", "Can reopen a closed quarter"),
        ]
        constraints = one_per_quarter(
            "plan",
            unique="plans_quarterclosure_once_per_quarter",
            valid="plans_quarterclosure_valid_quarter",
        )

    def __str__(self):
        return f"{self.period.label} of {self.plan}, closed"

    @property
    def period(self) -> Quarter:
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
