"""Applying a confirmed import, as a background job (docs/background-jobs.md): a large file
takes longer than a page should wait. ``start_applying`` marks the import as being imported
and queues ``apply_import``; without a job queue (``make run``, the tests) the job runs at once,
and the administrator ends on the result as before there were jobs."""

import logging
from contextlib import contextmanager, suppress
from datetime import timedelta
from functools import partial
from types import SimpleNamespace

from celery import Task, shared_task
from django.contrib.auth import get_user_model
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django_scopes import scopes_disabled
from simple_history.models import HistoricalRecords

from actions.progress import ProgressConflict
from partnerships.context import acting_in
from plans.year import QuarterClosed

from .applying import import_file, planned_from, remember_layout
from .models import PlanImport
from .reading import UnreadableFile

logger = logging.getLogger("safer_lewisham.jobs")

# What the administrator is told when nothing was imported; the error itself, if any, is in
# the site's Task results.
CHANGED = (
    "Nothing was imported: the plan has changed since the preview was shown. This is the "
    "preview as the plan stands now; check it and confirm again."
)
PROBLEMS = (
    "Nothing was imported: the file now has problems with the plan as it stands. Fix them in "
    "the spreadsheet and upload it again."
)
CONFLICT = (
    "Nothing was imported: progress was recorded on one of the file's actions, or the quarter "
    "was closed, after the preview was shown. This is the preview as the plan stands now; "
    "check it and confirm again."
)
WENT_WRONG = (
    "Nothing was imported: something went wrong while the file was being imported. The error "
    "has been recorded for the site’s administrators; the plan is as it was."
)
NOT_STARTED = (
    "Nothing was imported: the background job that imports the file could not be started. "
    "The plan is as it was; confirm again in a few minutes."
)

LOST = (
    "Nothing was imported: the background job that imports the file had not finished an hour "
    "after it was confirmed. The plan is as it was; confirm again."
)
# Longer than a job may run (its time limit) with some waiting in the queue: a job not done by
# then has been lost (the queue emptied, say). Should it run after all, it finds the import no
# longer being imported and does nothing.
GIVE_UP_AFTER = timedelta(hours=1)


def start_applying(import_id: int, user, digest: str) -> PlanImport:
    """Mark a previewed import as being imported and run its job: with a job queue, by a worker
    once that is committed; without one, here and now, as the page waits. ``digest``: the
    preview the administrator confirmed. Returns the import as it stands then: being imported
    (queued), or, without a queue, imported or back to previewed with its ``error``. One
    already imported or being imported is left as it is: never applied twice."""
    with transaction.atomic():
        record = PlanImport.objects.select_for_update().select_related("plan").get(pk=import_id)
        if record.status != PlanImport.Status.PREVIEWED:
            return record
        record.status = PlanImport.Status.APPLYING
        record.error = ""
        record.confirmed_at = timezone.now()
        record.save(update_fields=["status", "error", "confirmed_at"])
        arguments = (record.pk, user.pk if user else None, digest)
        eager = apply_import.app.conf.task_always_eager
        if not eager:
            transaction.on_commit(partial(_queue, record.pk, arguments))
    if eager:
        # A failure has been written on the import by on_failure before Celery raises it.
        with suppress(Exception):
            apply_import.apply(args=arguments, throw=False)
    record.refresh_from_db()
    return record


def give_up_if_lost(record: PlanImport) -> None:
    """An import still being imported ``GIVE_UP_AFTER`` its confirmation is marked previewed,
    saying so, for the administrator to confirm again."""
    if (
        record.status == PlanImport.Status.APPLYING
        and record.confirmed_at is not None
        and record.confirmed_at < timezone.now() - GIVE_UP_AFTER
    ):
        _give_up(record.pk, LOST)
        record.refresh_from_db()


def _queue(import_id: int, arguments) -> None:
    try:
        apply_import.apply_async(args=arguments)
    except Exception:  # the broker out, after Celery's own retries of the sending
        logger.exception("Background job %s could not be queued", apply_import.name)
        _give_up(import_id, NOT_STARTED)


def _give_up(import_id: int, message: str) -> None:
    with scopes_disabled():
        PlanImport.objects.filter(pk=import_id, status=PlanImport.Status.APPLYING).update(
            status=PlanImport.Status.PREVIEWED, error=message
        )


class ApplyingJob(Task):
    """Once the job has failed for good (its retries spent, or an error not worth one), the
    import is back to previewed with a message saying so: the plan is unchanged, as the apply
    is one transaction, and the administrator may confirm again."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        _give_up(args[0], WENT_WRONG)


@contextmanager
def recorded_as(user):
    """The history of what the job writes names ``user`` as its author, as it does a page's
    (simple_history's middleware sets the request; a worker has none). Inside a request (no
    job queue) that request's own is put back after."""
    context = HistoricalRecords.context
    before = getattr(context, "request", None)
    if user is not None:
        context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if before is not None:
            context.request = before
        elif hasattr(context, "request"):
            del context.request


@shared_task(
    name="imports.apply_import",
    base=ApplyingJob,
    # The database out for a moment: try again, waiting about 10 seconds, then 20, 40, up to
    # two minutes, at random up to that, three times; nothing was written meanwhile.
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=10,
    retry_backoff_max=2 * 60,
    retry_jitter=True,
    max_retries=3,
    soft_time_limit=10 * 60,
    time_limit=11 * 60,
)
def apply_import(import_id: int, user_id: int | None, digest: str) -> str:
    """Apply a confirmed import, as ``user_id`` (its history's author), if it still gives the
    preview the administrator confirmed (``digest``). Only an import marked as being imported
    is applied, under its row's lock: run twice, the second finds it imported and does
    nothing."""
    with scopes_disabled():
        partnership = PlanImport.objects.select_related("plan__partnership").get(pk=import_id)
        partnership = partnership.plan.partnership
    user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    with acting_in(partnership), recorded_as(user), transaction.atomic():
        record = PlanImport.objects.select_for_update().select_related("plan").get(pk=import_id)
        if record.status != PlanImport.Status.APPLYING:
            return f"not applied: {record.get_status_display().lower()}"
        try:
            outcome = planned_from(record, import_file, expected_digest=digest, user=user)
        except UnreadableFile as error:
            message = str(error)
        except (ProgressConflict, QuarterClosed):
            # Progress recorded, or the quarter closed, since the preview: nothing was written.
            message = CONFLICT
        else:
            if outcome.imported:
                record.status = PlanImport.Status.IMPORTED
                record.imported_at = timezone.now()
                record.summary = outcome.summary
                record.save()
                remember_layout(record, outcome.preview, user)
                return f"imported: {outcome.summary}"
            message = CHANGED if outcome.changed else PROBLEMS
        record.status = PlanImport.Status.PREVIEWED
        record.error = message
        record.save(update_fields=["status", "error"])
        return f"not imported: {message}"
