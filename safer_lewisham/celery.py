"""The Celery application: background jobs (docs/background-jobs.md).

Its settings are Django's, those named ``CELERY_...`` (safer_lewisham/settings.py); each app's
jobs are in its ``tasks.py``, found by ``autodiscover_tasks``. With no broker
(``CELERY_BROKER_URL`` unset: ``make run``, the tests) every job runs at once in the process
that asks for it. A job that fails for good is logged at ERROR here, and kept, with its error,
in the site's admin (django-celery-results: *Celery Results → Task results*).
"""

import logging
import os

from celery import Celery
from celery.signals import task_failure

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safer_lewisham.settings")

app = Celery("safer_lewisham")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("safer_lewisham.jobs")


@task_failure.connect
def log_failed_job(sender=None, task_id=None, exception=None, **kwargs):
    """A job that has failed for good (its retries spent, or an error not worth retrying): one
    ERROR line, with the job's name and id to find it in the site's admin. Its arguments are
    left out: they may name people."""
    logger.error(
        "Background job %s failed: %s: %s",
        getattr(sender, "name", sender),
        type(exception).__name__,
        exception,
        extra={
            "task_name": getattr(sender, "name", str(sender)),
            "task_id": task_id,
            "error": f"{type(exception).__name__}: {exception}",
        },
    )
