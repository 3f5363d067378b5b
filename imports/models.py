"""Spreadsheet imports of a plan's actions: the uploaded file, kept between its preview and the
administrator's confirmation, and the record of what was imported, by whom and when."""

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from simple_history.models import HistoricalRecords

from partnerships.models import partnership_field
from partnerships.scoping import partnership_manager
from plans.models import AnnualPlan
from spreadsheets.kept import delete_kept_file, kept_name, read_kept


def import_file_name(record, filename):
    """imports/<partnership id>/<random name>: in the default storage (spreadsheets/kept.py)."""
    return kept_name("imports", record.plan.partnership_id, filename)


class PlanImport(models.Model):
    """One uploaded spreadsheet for one plan. Nothing in the plan changes until it is
    confirmed; then it is applied in one transaction, by a background job (imports/tasks.py)."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed, not imported"
        APPLYING = "applying", "Being imported"
        IMPORTED = "imported", "Imported"

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="imports")
    filename = models.CharField(max_length=255)
    file = models.FileField(
        upload_to=import_file_name,
        max_length=255,
        help_text="The file as uploaded, in the default storage (its own name is filename).",
    )
    add_structure = models.BooleanField(
        default=False,
        verbose_name="add priorities, strands and themes",
        help_text="Create the priorities, strands and themes the file names that the plan does "
        "not have yet. Without it, a strand the plan does not have is a problem to fix.",
    )
    sheet_name = models.CharField(
        max_length=100, blank=True, help_text="The sheet read; blank for the one proposed."
    )
    mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text="The field each column is read as (column number from 0 -> field), as the "
        "administrator chose or the partnership's remembered layout gave; empty for the "
        "proposal.",
    )
    mapping_source = models.CharField(max_length=20, blank=True)
    options = models.JSONField(
        default=dict,
        blank=True,
        help_text="Where priorities and strands come from, and the quarter of the progress.",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was last confirmed, and its job started."
    )
    imported_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(
        default=dict, blank=True, help_text="What the import created and changed, in counts."
    )
    error = models.TextField(
        blank=True,
        help_text="Why the last confirmation imported nothing (the plan changed, the file has "
        "problems, the job failed), for the administrator; blank otherwise.",
    )

    # The file is the upload's, never changed: its history would say nothing.
    history = HistoricalRecords(excluded_fields=["file"])

    objects = partnership_manager("plan__partnership", oversight=False)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "plan import"

    def __str__(self):
        return f"{self.filename} into {self.plan}"

    def read_file(self) -> bytes:
        """The file as uploaded. Raises UnreadableFile if the storage no longer has it."""
        return read_kept(self.file)


# Deleting an import (or its plan) deletes its file.
post_delete.connect(delete_kept_file, sender=PlanImport, dispatch_uid="imports_planimport_file")


class ImportLayout(models.Model):
    """A spreadsheet layout a partnership has imported before (its headings in their places),
    and how it was read: the field of each column and where priorities and strands come from.
    The next file of the same layout (next quarter's, say) is read the same way without anyone
    choosing again."""

    partnership = partnership_field("import_layouts")
    fingerprint = models.CharField(max_length=64)
    headings = models.JSONField(default=list, help_text="The headings, for people to read.")
    mapping = models.JSONField(default=dict)
    options = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = partnership_manager("partnership", oversight=False)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "fingerprint"], name="imports_layout_one_per_fingerprint"
            )
        ]

    def __str__(self):
        return ", ".join(self.headings[:4]) or "A layout"
