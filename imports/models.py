"""Spreadsheet imports of a plan's actions: the uploaded file, kept between its preview and the
administrator's confirmation, and the record of what was imported, by whom and when."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from partnerships.scoping import partnership_manager
from plans.models import AnnualPlan


class PlanImport(models.Model):
    """One uploaded spreadsheet for one plan. Nothing in the plan changes until it is
    confirmed; then it is applied in one transaction."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed, not imported"
        IMPORTED = "imported", "Imported"

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255)
    content = models.BinaryField(help_text="The file as uploaded.")
    add_structure = models.BooleanField(
        default=False,
        verbose_name="add priorities, strands and themes",
        help_text="Create the priorities, strands and themes the file names that the plan does "
        "not have yet. Without it, a strand the plan does not have is a problem to fix.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(
        default=dict, blank=True, help_text="What the import created and changed, in counts."
    )

    history = HistoricalRecords(excluded_fields=["content"])

    objects = partnership_manager("plan__partnership", oversight=False)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "plan import"

    def __str__(self):
        return f"{self.filename} into {self.plan}"
