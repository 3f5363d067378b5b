"""Preparing a file in the background: asking for one (``ask_for``), starting its job
(``start``), and what the job calls as it goes (``begin``, ``Progress``, ``finish``; a job that
fails for good is marked by ``PreparingJob.on_failure``).

A job that prepares a file is a Celery task with ``base=PreparingJob`` whose first two
arguments are the partnership's id and the file's: only ids go on the queue.
"""

import logging
import time
from contextlib import suppress
from functools import partial

from celery import Task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from celery.utils import uuid
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnerships.context import acting_in
from partnerships.models import Partnership

from .models import LOST, PreparedFile

logger = logging.getLogger("safer_lewisham.jobs")

# What the person is told of a failure; the error itself is in the site's Task results.
WENT_WRONG = (
    "Something went wrong while it was being prepared. The error has been recorded for the "
    "site’s administrators."
)
TOO_LONG = "It took longer than a background job is allowed."
NOT_STARTED = "The background job that prepares it could not be started."


def ask_for(
    *, key: str, fingerprint: str, title: str, counting: str, content_type: str,
    download_name: str, person,
) -> tuple[PreparedFile, bool]:  # fmt: skip
    """The file to send the person to, in the partnership in force: the one being prepared for
    ``key``, or a ready one drawn from the same figures (``fingerprint``); otherwise a new one,
    waiting for its job (``start``). Returns it, and whether it is new.

    The partnership's files past their expiry are removed first, and any of this key given up
    (``GIVE_UP_AFTER``) marked failed. Two people asking at the same moment get the same file:
    the database allows one in progress per key."""
    now = timezone.now()
    PreparedFile.objects.remove_expired(now)
    files = PreparedFile.objects.filter(key=key)
    files.lost(now).update(state=PreparedFile.State.FAILED, error=LOST, finished_at=now)
    current = (
        files.filter(state=PreparedFile.State.READY, fingerprint=fingerprint).unexpired(now).first()
    ) or files.in_progress(now).first()
    if current is not None:
        return current, False
    try:
        with transaction.atomic():
            return PreparedFile.objects.create(
                key=key,
                fingerprint=fingerprint,
                title=title,
                counting=counting,
                content_type=content_type,
                download_name=download_name,
                requested_by=person,
                created_at=now,
            ), True
    except IntegrityError:
        # Someone else's request made it between our look and our insert: theirs it is.
        return files.in_progress().get(), False


def start(prepared: PreparedFile, task, *args) -> None:
    """Run ``task``, which prepares the file: with a job queue, by a worker once the file's row
    is saved; without one (``make run``, a small installation), here and now, the page waiting
    for it as it did before there were jobs. Either way a failure is written on the file (and
    logged, and kept in the site's Task results), not raised here: its page says so."""
    prepared.task_id = uuid()
    PreparedFile.objects.filter(pk=prepared.pk).update(task_id=prepared.task_id)
    arguments = (prepared.partnership_id, prepared.pk, *args)
    if task.app.conf.task_always_eager:
        # The job's failure has been recorded by its on_failure before Celery raises it again.
        with suppress(Exception):
            task.apply(args=arguments, task_id=prepared.task_id, throw=False)
        prepared.refresh_from_db()
    else:
        transaction.on_commit(partial(_queue, prepared, task, arguments))


def _queue(prepared: PreparedFile, task, arguments) -> None:
    try:
        task.apply_async(args=arguments, task_id=prepared.task_id)
    except Exception:  # the broker out, after Celery's own retries of the sending
        logger.exception("Background job %s could not be queued", task.name)
        PreparedFile.objects.filter(pk=prepared.pk).update(
            state=PreparedFile.State.FAILED, error=NOT_STARTED, finished_at=timezone.now()
        )


def begin(prepared: PreparedFile) -> None:
    """The job has started (again, after a retry): its progress starts from nothing."""
    prepared.state = PreparedFile.State.PREPARING
    prepared.started_at = timezone.now()
    prepared.done = prepared.total = 0
    prepared.save(update_fields=["state", "started_at", "done", "total"])


class Progress:
    """The job's progress (``done`` of ``total``), written on the file for its page to show:
    at most once a second (each is a query) but always the first and the last."""

    def __init__(self, prepared: PreparedFile, every: float = 1.0):
        self.prepared = prepared
        self.every = every
        self.written_at = None

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if self.written_at is not None and now - self.written_at < self.every and done < total:
            return
        self.written_at = now
        PreparedFile.objects.filter(pk=self.prepared.pk).update(done=done, total=total)
        self.prepared.done, self.prepared.total = done, total


def finish(prepared: PreparedFile, content: bytes, fingerprint: str) -> None:
    """The file is ready: kept in the default storage, and its page links to it.
    ``fingerprint``: what it was actually drawn from (the figures may have changed since it was
    asked for)."""
    prepared.file.save(prepared.download_name, ContentFile(content), save=False)
    prepared.state = PreparedFile.State.READY
    prepared.size = len(content)
    prepared.fingerprint = fingerprint
    prepared.done = prepared.total
    prepared.finished_at = timezone.now()
    prepared.error = ""
    prepared.save(
        update_fields=["file", "state", "size", "fingerprint", "done", "finished_at", "error"]
    )


class PreparingJob(Task):
    """The base of a job that prepares a file (its first two arguments the partnership's id and
    the file's). Once it has failed for good (its retries spent, or an error not worth one),
    the file is marked failed, so that its page says so and offers to try again."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        error = (
            TOO_LONG if isinstance(exc, SoftTimeLimitExceeded | TimeLimitExceeded) else WENT_WRONG
        )
        partnership = Partnership.objects.get(pk=args[0])
        with acting_in(partnership):
            PreparedFile.objects.filter(pk=args[1], state__in=PreparedFile.IN_PROGRESS).update(
                state=PreparedFile.State.FAILED, error=error, finished_at=timezone.now()
            )
