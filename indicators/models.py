"""Performance indicators: what a plan measures, against which targets, and the values the
source agency's officers report each period, rated green, amber or red against the target."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from actions.models import Action, Versioned
from agencies.models import Agency, agency_id_of, person_field
from partnerships.scoping import partnership_manager
from plans.models import AnnualPlan, one_per_quarter, quarter_field
from plans.quarters import QUARTER_NUMBERS
from plans.ratings import IndicatorRating
from priorities.models import Strand

# How a value stands against its target: green, amber or red.
Rating = IndicatorRating


class IndicatorQuerySet(models.QuerySet):
    def recordable_by(self, user):
        """The indicators a person may record values for. Officers (who may add indicator
        values) record those their agency is the source of; administrators (and anyone who may
        change indicators) record any. Everyone else, none. Views that record a value fetch the
        indicator from here, so a forgotten check fails closed."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if not user.has_perm("indicators.add_indicatorvalue"):
            return self.none()
        if user.has_perm("indicators.change_indicator"):
            return self
        agency_id = agency_id_of(user)
        if not agency_id:
            return self.none()
        return self.filter(source_agency_id=agency_id)


class Unit(models.TextChoices):
    NUMBER = "number", "Number"
    PERCENTAGE = "percentage", "Percentage"
    RATE_PER_1000 = "rate_per_1000", "Rate per 1,000"


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Frequency(models.TextChoices):
    QUARTERLY = "quarterly", "Quarterly"
    SIX_MONTHLY = "six_monthly", "Six-monthly (Q2 and Q4)"
    ANNUAL = "annual", "Annual (Q4 only)"


class IndicatorDefinition(models.Model):
    """A measure defined once for every partnership that reports it, e.g. "Knife crime with
    injury, police recorded, per quarter", so that an oversight body can compare it across
    them. Kept by site administrators; a partnership's indicator follows one by choosing it."""

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(
        blank=True, verbose_name="what it counts", help_text="What is counted, and how."
    )
    source = models.CharField(
        max_length=200, blank=True, help_text="Where the figures come from, e.g. “Police recorded”."
    )
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.NUMBER)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.LOWER)
    frequency = models.CharField(
        max_length=20,
        choices=Frequency.choices,
        default=Frequency.QUARTERLY,
        verbose_name="reported",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "shared indicator definition"

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """Something a plan measures, e.g. "Domestic Violence Protection Orders applied for", for the
    plan as a whole, one strand or one action."""

    Unit = Unit
    Direction = Direction
    Frequency = Frequency

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="indicators")
    definition = models.ForeignKey(
        IndicatorDefinition,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        verbose_name="shared definition",
        help_text="Follow a definition shared across partnerships, so that oversight bodies can "
        "compare it: its unit, direction and frequency are then the definition's.",
    )
    strand = models.ForeignKey(
        Strand, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(
        blank=True, verbose_name="what it counts", help_text="What is counted, and how."
    )
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.NUMBER)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    frequency = models.CharField(
        max_length=20,
        choices=Frequency.choices,
        default=Frequency.QUARTERLY,
        verbose_name="reported",
    )
    baseline_value = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    baseline_period = models.CharField(
        max_length=50, blank=True, help_text="What the baseline is for, e.g. “2016-17”."
    )
    annual_target = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="The target for the year: what a period is rated against when it has no "
        "target of its own.",
    )
    tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        help_text="How far from the target, in the indicator's unit, a value is still amber "
        "rather than red.",
    )
    source_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
        help_text="The agency whose officers report its values.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords()

    objects = partnership_manager("plan__partnership", IndicatorQuerySet)

    class Meta:
        ordering = ["plan", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(strand__isnull=True) | Q(action__isnull=True),
                name="indicators_indicator_one_subject",
                violation_error_message="An indicator is for the plan, one strand or one "
                "action: not a strand and an action at once.",
            ),
            models.CheckConstraint(
                condition=Q(tolerance__gte=0),
                name="indicators_indicator_tolerance_not_negative",
                violation_error_message="The tolerance cannot be negative.",
            ),
            models.UniqueConstraint(
                fields=["plan", "name"], name="indicators_indicator_unique_name_per_plan"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.follow_definition()
        super().save(*args, **kwargs)
        # The annual target, tolerance or direction may have changed what the values rate.
        self.rerate_values()

    def get_absolute_url(self):
        return reverse("indicators:detail", kwargs={"pk": self.pk})

    def follow_definition(self):
        """An indicator that follows a shared definition counts what it counts, in its unit and
        direction and as often."""
        if self.definition_id is not None:
            definition = self.definition
            self.unit = definition.unit
            self.direction = definition.direction
            self.frequency = definition.frequency

    def rerate_values(self):
        """Work out again the rating of each of the indicator's values, after its targets,
        tolerance or direction changed. Written with an UPDATE, not a save: the value itself
        has not changed, so its version (and any officer's open form) stays valid; the change
        that caused it is in the indicator's or target's own history."""
        from .rating import rate, target_for

        targets = list(self.targets.all())
        for value in self.values.all():
            rating = rate(
                value.value,
                target_for(self, value.quarter, targets),
                self.direction,
                self.tolerance,
            )
            if rating != value.rating:
                IndicatorValue.objects.filter(pk=value.pk).update(rating=rating)

    def reported_in(self, quarter: int) -> bool:
        """Whether a value is expected for this quarter (1–4) of the plan's year."""
        if self.frequency == self.Frequency.ANNUAL:
            return quarter == 4
        if self.frequency == self.Frequency.SIX_MONTHLY:
            return quarter in (2, 4)
        return quarter in QUARTER_NUMBERS


class IndicatorTarget(models.Model):
    """The target for one quarter, where it differs from the annual target (e.g. incremental
    targets, quarter by quarter)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    quarter = quarter_field()
    value = models.DecimalField(max_digits=12, decimal_places=2)

    history = HistoricalRecords()

    objects = partnership_manager("indicator__plan__partnership")

    class Meta:
        ordering = ["indicator", "quarter"]
        constraints = one_per_quarter(
            "indicator",
            unique="indicators_target_one_per_quarter",
            valid="indicators_target_valid_quarter",
        )

    def __str__(self):
        return f"{self.indicator} Q{self.quarter}: {self.value}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.indicator.rerate_values()

    def delete(self, *args, **kwargs):
        indicator = self.indicator
        result = super().delete(*args, **kwargs)
        indicator.rerate_values()
        return result


class IndicatorValue(Versioned):
    """The value reported for one period (a quarter of the plan's year) of an indicator, rated
    against the target; an administrator may override the rating, giving a reason."""

    Rating = Rating

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    quarter = quarter_field()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.TextField(blank=True)
    # Worked out from the value and the target when the value is saved (indicators/rating.py).
    rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    rating_override = models.CharField(max_length=10, choices=Rating.choices, blank=True)
    override_reason = models.TextField(blank=True)
    recorded_by = person_field("indicator_values")
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["version"])

    objects = partnership_manager("indicator__plan__partnership")

    class Meta:
        ordering = ["indicator", "quarter"]
        permissions = [("override_rating", "Can override an indicator value's rating")]
        constraints = [
            *one_per_quarter(
                "indicator",
                unique="indicators_value_one_per_quarter",
                valid="indicators_value_valid_quarter",
            ),
            models.CheckConstraint(
                condition=Q(rating_override="") | ~Q(override_reason=""),
                name="indicators_value_override_has_reason",
                violation_error_message="Give a reason for overriding the rating.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} Q{self.quarter}: {self.value}"

    def save(self, *args, **kwargs):
        # The rating is always the one the value and target give (indicators/rating.py).
        from .rating import rate, target_for

        indicator = self.indicator
        self.rating = rate(
            self.value,
            target_for(indicator, self.quarter),
            indicator.direction,
            indicator.tolerance,
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "rating"}
        super().save(*args, **kwargs)

    @property
    def is_overridden(self) -> bool:
        return bool(self.rating_override)

    @property
    def final_rating(self) -> str:
        """The rating shown: the override if there is one, else the computed rating."""
        return self.rating_override or self.rating
