"""Removing the prepared files past their week, every night: the scheduler starts it
(``CELERY_BEAT_SCHEDULE`` in the settings; docs/background-jobs.md), as
``manage.py remove_expired_files`` does by hand."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from partnerships.context import everywhere

from .models import PreparedFile


@shared_task(
    name="preparedfiles.remove_expired_files",
    # The database or the storage out for a moment: try again a little later.
    autoretry_for=(ConnectionError, TimeoutError, OperationalError, InterfaceError),
    retry_backoff=5 * 60,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=3,
)
def remove_expired_files() -> int:
    """Every partnership's expired prepared files, from the storage and the database; how many."""
    with everywhere():
        return PreparedFile.objects.remove_expired()
