"""A spreadsheet of progress an officer uploaded: kept between its preview and their
confirmation, and afterwards as the record of what it recorded."""

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete

from partnerships.scoping import partnership_manager
from plans.models import AnnualPlan, quarter_field
from spreadsheets.kept import delete_kept_file, kept_name, read_kept


def upload_file_name(record, filename):
    """progress-spreadsheets/<partnership id>/<random name>: in the default storage
    (spreadsheets/kept.py)."""
    return kept_name("progress-spreadsheets", record.plan.partnership_id, filename)


class ProgressUpload(models.Model):
    """One uploaded progress spreadsheet, for one quarter of one plan. Nothing is recorded
    until its uploader confirms the preview; then every row to record is recorded in one
    transaction, or none is."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed, not recorded"
        APPLIED = "applied", "Recorded"

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="progress_uploads")
    quarter = quarter_field()
    filename = models.CharField(max_length=255)
    file = models.FileField(
        upload_to=upload_file_name,
        max_length=255,
        help_text="The file as uploaded, in the default storage (its own name is filename).",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREVIEWED)
    applied_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(
        default=dict,
        blank=True,
        help_text="What confirming it did: how many rows were recorded, and the conflicts.",
    )

    objects = partnership_manager("plan__partnership", oversight=False)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = "progress spreadsheet"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4),
                name="bulkupdates_progressupload_valid_quarter",
            ),
        ]

    def __str__(self):
        return f"{self.filename} for Q{self.quarter} of {self.plan}"

    @property
    def period(self):
        return self.plan.quarter(self.quarter)

    def read_file(self) -> bytes:
        """The file as uploaded. Raises UnreadableFile if the storage no longer has it."""
        return read_kept(self.file)


# Deleting an upload (or its plan) deletes its file.
post_delete.connect(
    delete_kept_file, sender=ProgressUpload, dispatch_uid="bulkupdates_progressupload_file"
)
