"""A plan's priorities ("Violence") and their strands ("Violence against women and girls")."""

from django.db import models
from simple_history.models import HistoricalRecords

from partnerships.scoping import partnership_manager
from plans.models import AnnualPlan


class Priority(models.Model):
    """Where a plan focuses most of the partnership's resources in its year, e.g. "Violence"."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="priorities")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords()

    objects = partnership_manager("plan__partnership")

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "slug"], name="priorities_priority_unique_slug_per_plan"
            ),
        ]

    def __str__(self):
        return self.title


class Strand(models.Model):
    """One part of a priority, with the scope paragraph that says what it covers."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="strands")
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100)
    scope = models.TextField(blank=True, help_text="What the strand covers, as the plan says it.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords()

    objects = partnership_manager("priority__plan__partnership")

    class Meta:
        ordering = ["priority__plan", "priority__order", "priority_id", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "slug"], name="priorities_strand_unique_slug_per_priority"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def plan(self):
        return self.priority.plan
