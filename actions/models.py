"""Actions: the lines of a plan's table, their timeframes, completion and quarterly progress."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Subquery, When
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agencies.models import Agency, agency_id_of, person_field
from partnerships.scoping import partnership_manager
from plans import ratings
from plans.models import (
    UPDATABLE_STATUSES,
    AnnualPlan,
    QuarterClosure,
    Theme,
    one_per_quarter,
    quarter_field,
)
from plans.quarters import Quarter
from plans.year import late_cutoff
from priorities.models import Strand

from .timeframes import parse_timeframe


class Versioned(models.Model):
    """A row that counts its saves, so that a form can tell whether what it was showing is still
    what the database holds (optimistic concurrency: see actions/concurrency.py)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            # Counted by the database, not from what this instance last read, so that a save
            # from a stale copy can never reuse a version number someone else already had.
            self.version = F("version") + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
            super().save(*args, **kwargs)
            self.refresh_from_db(fields=["version"])
        else:
            super().save(*args, **kwargs)


class CompletionStatus(models.Model):
    """One entry of the list of completion states administrators keep ("Complete with caveats",
    "Deferred"...), and whether it counts as complete in the figures."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")
    counts_as_complete = models.BooleanField(
        default=False, help_text="Tick if an action in this state counts as done."
    )
    counts_as_not_started = models.BooleanField(
        default=False,
        help_text="Tick if an action in this state has not started yet. An action neither "
        "complete nor not started counts as in progress.",
    )
    is_default = models.BooleanField(
        default=False, help_text="The state a new action starts in. Only one can be the default."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "id"]
        verbose_name_plural = "completion statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="actions_completionstatus_single_default",
                violation_error_message="Only one completion status can be the default.",
            ),
            models.CheckConstraint(
                condition=~Q(counts_as_complete=True, counts_as_not_started=True),
                name="actions_completionstatus_not_complete_and_not_started",
                violation_error_message="A state cannot count as both complete and not started.",
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def default(cls):
        return cls.objects.filter(is_default=True).first() or cls.objects.first()


def default_completion_status_pk():
    """The default completion status for a new action (used as the field default)."""
    status = CompletionStatus.default()
    return status.pk if status else None


class Timeframe(models.Model):
    """A timeframe exactly as a plan writes it ("Sept 17 March 18", "Review quarterly"), with the
    start, due date and review cadence read from it for the plan's financial year.

    Actions of one plan that share a wording share one timeframe, so an administrator who
    corrects the dates of a wording the reader could not understand corrects it once.
    """

    class Cadence(models.TextChoices):
        # The values are the parser's (timeframes.Cadence); a test keeps the two lists equal.
        NONE = "none", "None"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        SIX_MONTHLY = "six_monthly", "Six-monthly"
        ANNUALLY = "annually", "Yearly"
        AS_REQUIRED = "as_required", "As required"
        ONGOING = "ongoing", "Ongoing"

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="timeframes")
    wording = models.CharField(max_length=300, help_text="Exactly as the plan writes it.")
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    cadence = models.CharField(
        max_length=20, choices=Cadence.choices, default=Cadence.NONE, verbose_name="review cadence"
    )
    understood = models.BooleanField(
        default=True,
        help_text="Whether the dates could be read from the wording. Wording that could not be "
        "read is kept and flagged for an administrator to set the dates by hand.",
    )
    explanation = models.CharField(max_length=300, blank=True)
    set_by_hand = models.BooleanField(
        default=False,
        help_text="Tick to keep the dates and cadence as entered here instead of reading them "
        "from the wording.",
    )
    review_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why an administrator should check these dates although the wording was "
        "read, e.g. a dated timeframe carried forward from last year's plan. Cleared when an "
        "administrator saves the timeframe.",
    )

    history = HistoricalRecords()

    objects = partnership_manager("plan__partnership")

    class Meta:
        ordering = ["plan", "due_date", "wording"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "wording"], name="actions_timeframe_unique_wording_per_plan"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(due_date__gte=models.F("start_date")),
                name="actions_timeframe_due_not_before_start",
                violation_error_message="The due date cannot be before the start date.",
            ),
        ]

    def __str__(self):
        return self.wording

    def save(self, *args, **kwargs):
        self.read_wording()
        super().save(*args, **kwargs)

    @property
    def needs_review(self):
        """Flagged for an administrator: the wording could not be read and nobody has set the
        dates by hand, or something else asks for the dates to be checked (review_reason)."""
        return (not self.understood and not self.set_by_hand) or bool(self.review_reason)

    def read_wording(self):
        """Derive the dates and cadence from the wording, unless an administrator set them."""
        if self.set_by_hand:
            self.understood = True
            self.explanation = "Dates set by hand by an administrator."
            return
        parsed = parse_timeframe(self.wording, self.plan.financial_year)
        self.start_date = parsed.start_date
        self.due_date = parsed.due_date
        self.cadence = parsed.cadence.value
        self.understood = parsed.understood
        self.explanation = parsed.explanation[: self._meta.get_field("explanation").max_length]

    @classmethod
    def for_wording(cls, plan, wording):
        """The plan's timeframe with this wording, created (and read) if new; None for blank
        wording."""
        wording = (wording or "").strip()
        if not wording:
            return None
        timeframe, _ = cls.objects.get_or_create(plan=plan, wording=wording)
        return timeframe


# Actions in the order their plan lists them: by priority, then strand, then their own order.
PLAN_ORDER = (
    "strand__priority__order",
    "strand__priority_id",
    "strand__order",
    "strand_id",
    "order",
    "id",
)


class ActionQuerySet(models.QuerySet):
    def in_plan_order(self):
        """In the order their plan lists them (PLAN_ORDER)."""
        return self.order_by(*PLAN_ORDER)

    def for_display(self):
        """Everything a list of actions shows, fetched up front rather than row by row."""
        return self.select_related(
            "strand__priority__plan",
            "theme",
            "lead_agency",
            "lead_officer",
            "timeframe",
            "completion_status",
        ).prefetch_related("partner_agencies", "sub_items")

    def complete(self):
        return self.filter(completion_status__counts_as_complete=True)

    def not_complete(self):
        return self.exclude(completion_status__counts_as_complete=True)

    def late(self, on: date | None = None):
        """Past their due date and not complete, on a day (today by default)."""
        return self.filter(_late(late_cutoff(on)))

    def without_update_for(self, quarter: int):
        """Not complete, and no progress update for the quarter (1–4) of their plan's year:
        the updates a quarter is missing, whether or not it still takes them."""
        return self.filter(_without_update_for(quarter))

    def due_an_update(self, quarter: int):
        """Due an update for the quarter (1–4) of their plan's year: missing one (see
        without_update_for) while the plan takes updates and the quarter has not been closed
        after the partnership's meeting. A closed quarter takes no update, so none is due."""
        return self.filter(_due_an_update(quarter))

    def with_progress(self, on: date | None = None):
        """Annotate what a list of actions shows about progress: the latest RAG rating and the
        quarter it was given for, the due date, whether the action is late (``is_late``: past due
        on the day and not complete), and whether an update is due (``update_due``: see
        due_an_update) for its plan's reporting quarter (AnnualPlan.reporting_quarter)."""
        on = on or timezone.localdate()
        # Correlated to an action of the (scoped) outer query: not scoped again (partnerships).
        latest = ProgressUpdate._base_manager.filter(action=OuterRef("pk")).order_by("-quarter")
        # A plan's reporting quarter (AnnualPlan.reporting_quarter) depends only on its year:
        # this year's plans report for the current quarter, earlier years' plans for their Q4,
        # later years' plans not yet. So two conditions cover any number of plans.
        current = Quarter.containing(on)
        update_due = [
            When(
                Q(strand__priority__plan__financial_year=current.financial_year)
                & _due_an_update(current.number),
                then=True,
            ),
            When(
                Q(strand__priority__plan__financial_year__lt=current.financial_year)
                & _due_an_update(4),
                then=True,
            ),
        ]
        return self.annotate(
            latest_rag=Subquery(latest.values("rag_rating")[:1]),
            latest_quarter=Subquery(latest.values("quarter")[:1]),
            due_date=F("timeframe__due_date"),
            is_late=Case(
                When(_late(late_cutoff(on)), then=True),
                default=False,
                output_field=models.BooleanField(),
            ),
            update_due=Case(*update_due, default=False, output_field=models.BooleanField()),
        )

    def led_by(self, user):
        """The actions a person is responsible for: they are its lead officer, or their agency
        is its lead agency."""
        if not user.is_authenticated:
            return self.none()
        leads = Q(lead_officer=user)
        agency_id = agency_id_of(user)
        if agency_id:
            leads |= Q(lead_agency_id=agency_id)
        return self.filter(leads)

    def editable_by(self, user):
        """The actions a person may record progress on. Administrators (and anyone given
        "update any action") may update all; officers (who may add progress updates) only the
        actions they or their agency lead; everyone else, none. Views that change an action
        fetch it from here, so a forgotten check fails closed."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.has_perm("actions.update_any_action"):
            return self
        if not user.has_perm("actions.add_progressupdate"):
            return self.none()
        return self.led_by(user)


class Action(Versioned):
    """One thing a plan says will be done: a line of the plan's table."""

    strand = models.ForeignKey(Strand, on_delete=models.CASCADE, related_name="actions")
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    reference = models.CharField(
        max_length=20,
        blank=True,
        help_text="A short reference people can quote in meetings, e.g. “1.4”. Unique in its "
        "strand.",
    )
    text = models.TextField(help_text="What will be done, as the plan words it.")
    outcome = models.TextField(
        "outcome or measure",
        blank=True,
        help_text="How the partnership will know the action worked, as the plan words it, e.g. "
        "“Fewer repeat victims referred to MARAC”.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="led_actions"
    )
    lead_officer = person_field("led_actions")
    partner_agencies = models.ManyToManyField(Agency, blank=True, related_name="partner_actions")
    timeframe = models.ForeignKey(
        Timeframe, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    completion_status = models.ForeignKey(
        CompletionStatus,
        on_delete=models.PROTECT,
        default=default_completion_status_pk,
        related_name="actions",
        verbose_name="completion",
    )
    completion_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="Qualifies the completion, e.g. “within YOS and CER”.",
    )
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
        help_text="The unfinished action of an earlier plan this one was carried forward from.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[partner_agencies], excluded_fields=["version"])

    objects = partnership_manager("strand__priority__plan__partnership", ActionQuerySet)

    class Meta:
        ordering = ["strand", "order", "id"]
        permissions = [
            ("update_any_action", "Can record progress on any action, whoever leads it"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["strand", "reference"],
                condition=~Q(reference=""),
                name="actions_action_unique_reference_per_strand",
                violation_error_message="Another action in this strand has this reference.",
            ),
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 80 else self.text[:79] + "…"
        return f"{self.reference} {text}" if self.reference else text

    def get_absolute_url(self):
        return reverse("actions:detail", kwargs={"pk": self.pk})

    @property
    def plan(self):
        return self.strand.priority.plan

    @property
    def is_complete(self):
        return self.completion_status.counts_as_complete

    def clean(self):
        super().clean()
        if self.theme_id and self.strand_id and self.theme.plan_id != self.strand.priority.plan_id:
            raise ValidationError({"theme": "Choose a theme of this action's own plan."})
        if self.timeframe_id and self.strand_id:
            if self.timeframe.plan_id != self.strand.priority.plan_id:
                raise ValidationError({"timeframe": "Choose a timeframe of this action's plan."})


class ActionSubItem(models.Model):
    """One item of an action's lettered list ("a) Domestic Violence Protection Orders")."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="sub_items")
    label = models.CharField(max_length=10, help_text="The letter or number, e.g. “a”.")
    text = models.TextField()
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords()

    objects = partnership_manager("action__strand__priority__plan__partnership")

    class Meta:
        ordering = ["action", "order", "id"]
        verbose_name = "sub-item"
        constraints = [
            models.UniqueConstraint(
                fields=["action", "label"], name="actions_actionsubitem_unique_label_per_action"
            ),
        ]

    def __str__(self):
        return f"{self.label}) {self.text}"


class ProgressUpdate(Versioned):
    """What an officer reported about an action for one quarter of its plan's year."""

    RAG = ratings.RAG

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_updates")
    quarter = quarter_field()
    completion_status = models.ForeignKey(
        CompletionStatus,
        on_delete=models.PROTECT,
        related_name="progress_updates",
        verbose_name="completion",
    )
    rag_rating = models.CharField(max_length=10, choices=RAG.choices, verbose_name="RAG rating")
    narrative = models.TextField(blank=True)
    internal = models.BooleanField(
        default=False,
        verbose_name="internal",
        help_text="Keep this narrative to the partnership: it is left off the public pages.",
    )
    author = person_field("progress_updates")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["version"])

    objects = partnership_manager("action__strand__priority__plan__partnership")

    class Meta:
        ordering = ["action", "quarter"]
        constraints = [
            # A second update in the same quarter amends the first: one row per quarter.
            *one_per_quarter(
                "action",
                unique="actions_progressupdate_one_per_quarter",
                valid="actions_progressupdate_valid_quarter",
            ),
            models.CheckConstraint(
                condition=Q(rag_rating__in=["red", "amber", "green", "blue"]),
                name="actions_progressupdate_valid_rag",
            ),
        ]

    def __str__(self):
        return f"{self.action.reference or self.action_id} Q{self.quarter}: {self.rag_rating}"

    @property
    def period(self) -> Quarter:
        """The calendar dates of the quarter this update reports on."""
        return self.action.plan.quarter(self.quarter)


# The rules behind ActionQuerySet's filters and with_progress's annotations, as expressions on
# an action, so that a filter and an annotation are the same rule.

_NOT_COMPLETE = ~Q(completion_status__counts_as_complete=True)


def _late(cutoff: date) -> Q:
    """Due before the cutoff (plans.year.late_cutoff) and not complete."""
    return Q(timeframe__due_date__lt=cutoff) & _NOT_COMPLETE


def _without_update_for(quarter: int) -> Q:
    return _NOT_COMPLETE & ~Exists(
        ProgressUpdate._base_manager.filter(action=OuterRef("pk"), quarter=quarter)
    )


def _due_an_update(quarter: int) -> Q:
    closed = QuarterClosure._base_manager.filter(
        plan=OuterRef("strand__priority__plan"), quarter=quarter
    )
    return (
        Q(strand__priority__plan__status__in=UPDATABLE_STATUSES)
        & ~Exists(closed)
        & _without_update_for(quarter)
    )
