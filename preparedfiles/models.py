"""A file being prepared for someone by a background job: a meeting pack too large to draw while
the page waits (docs/background-jobs.md). The person is shown its page, which says how far the
job has got and, once it is ready, links to the file; the file itself is kept in the site's
default storage (the server's disk, or S3) for a week, then removed.

What a file is (``key``: "the meeting pack of plan 12's Q3, as its partnership reads it") and
what it was drawn from (``fingerprint``) are the asking app's to say: a second person asking for
the same while it is being prepared, or while a ready one was drawn from the same figures, is
sent to that one rather than starting another job.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from partnerships.models import partnership_field
from partnerships.scoping import partnership_manager

# How long a finished file is kept: a week, long enough to come back for it after the meeting's
# papers go out; removed after that (``PreparedFileQuerySet.remove_expired``).
KEPT_FOR = timedelta(days=7)
# A file still waiting or being prepared this long after it was asked for has been lost (its
# worker died and the job is gone, or the database was out when the job failed): it is shown as
# failed and asked for again. Longer than a job's time limit and its retries together.
GIVE_UP_AFTER = timedelta(hours=1)
LOST = "It was not ready an hour after it was asked for: the job preparing it has stopped."


def stored_name(prepared, filename: str) -> str:
    """Where the file goes in storage: ``prepared/<random>/<download name>``, so that one file's
    name tells nothing of another's, and two files of the same name never meet."""
    return f"prepared/{secrets.token_hex(16)}/{filename}"


class PreparedFileQuerySet(models.QuerySet):
    def in_progress(self, now=None):
        """Waiting for a worker or being prepared, and not lost (``GIVE_UP_AFTER``)."""
        return self.filter(
            state__in=PreparedFile.IN_PROGRESS,
            created_at__gt=(now or timezone.now()) - GIVE_UP_AFTER,
        )

    def lost(self, now=None):
        """Still said to be in progress long after anything could have been preparing them."""
        return self.filter(
            state__in=PreparedFile.IN_PROGRESS,
            created_at__lte=(now or timezone.now()) - GIVE_UP_AFTER,
        )

    def unexpired(self, now=None):
        """Those whose page and file may still be shown: a week from being asked for."""
        return self.filter(expires_at__gt=now or timezone.now())

    def remove_expired(self, now=None) -> int:
        """Delete the files past their expiry, from storage and here; the number removed."""
        expired = list(self.filter(expires_at__lte=now or timezone.now()))
        for prepared in expired:
            if prepared.file:
                prepared.file.delete(save=False)
            prepared.delete()
        return len(expired)


class PreparedFile(models.Model):
    """A file a background job prepares for someone (a large meeting pack), with how far the
    job has got, and the file once it is ready."""

    class State(models.TextChoices):
        WAITING = "waiting", "Waiting to be prepared"
        PREPARING = "preparing", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    IN_PROGRESS = (State.WAITING, State.PREPARING)

    partnership = partnership_field("prepared_files")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prepared_files",
        help_text="Who asked for it first.",
    )
    key = models.CharField(
        max_length=200,
        help_text="What it is, as the app that asked says it (the same key is the same file, "
        "drawn from the figures of its fingerprint).",
    )
    fingerprint = models.CharField(
        max_length=64, blank=True, help_text="A hash of what the file is drawn from."
    )
    title = models.CharField(
        max_length=300, help_text="What it is, for people: “Meeting pack, Q3 2017-18, …”."
    )
    counting = models.CharField(
        max_length=40, blank=True, help_text="What its progress counts (“actions”)."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.WAITING)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=stored_name, max_length=300, blank=True)
    content_type = models.CharField(max_length=100)
    download_name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField(default=0, help_text="The file's size in bytes.")
    task_id = models.CharField(
        max_length=255, blank=True, help_text="The job's id, as the site's Task results list it."
    )
    error = models.TextField(blank=True, help_text="Why it failed, as the person is told.")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()

    objects = partnership_manager("partnership", PreparedFileQuerySet)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One job at a time for the same file: a second person asking meanwhile is sent to
            # this one (preparedfiles.preparing.ask_for).
            models.UniqueConstraint(
                fields=["partnership", "key"],
                condition=Q(state__in=["waiting", "preparing"]),
                name="preparedfiles_preparedfile_one_in_progress",
            ),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")),
                name="preparedfiles_preparedfile_done_of_total",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = self.created_at + KEPT_FOR
        super().save(*args, **kwargs)

    @property
    def reason(self) -> str:
        """Why it failed, as the person is told."""
        return self.error or (LOST if self.is_lost else "")

    @property
    def is_lost(self) -> bool:
        return self.state in self.IN_PROGRESS and self.created_at <= timezone.now() - GIVE_UP_AFTER

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY

    @property
    def has_failed(self) -> bool:
        return self.state == self.State.FAILED or self.is_lost

    @property
    def is_in_progress(self) -> bool:
        return self.state in self.IN_PROGRESS and not self.is_lost
