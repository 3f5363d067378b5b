"""The update round as a background job: the scheduler starts it every morning
(``CELERY_BEAT_SCHEDULE`` in the settings; docs/background-jobs.md). It does what
``manage.py send_update_round`` does, by the same function (``rounds.sending.run_round``), so it
is as safe to run twice: each e-mail goes once per person and window."""

import smtplib
from datetime import date

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .sending import run_round


class RoundEmailsGaveUp(Exception):
    """Some of the round's e-mails have failed ROUND_EMAIL_MAX_ATTEMPTS times: no retry will
    send them, so the job ends failed, for the site's admin and the logs to show."""


class RoundEmailsFailed(Exception):
    """Some of the round's e-mails could not be sent (each is recorded on its row): the job is
    run again a little later, which tries those again and skips every e-mail already sent."""


@shared_task(
    name="rounds.send_update_round",
    # The mail server or the database out for a moment: try again later, waiting longer each
    # time (about 5, 10, 20 minutes, at random up to that, so that workers do not retry in
    # step). Three retries use four of an e-mail's ROUND_EMAIL_MAX_ATTEMPTS tries (5 by default),
    # leaving the next morning's round one more.
    autoretry_for=(
        RoundEmailsFailed,
        smtplib.SMTPException,
        ConnectionError,
        TimeoutError,
        OperationalError,
        InterfaceError,
    ),
    retry_backoff=5 * 60,
    retry_backoff_max=60 * 60,
    retry_jitter=True,
    max_retries=3,
    # Every partnership's officers in one run: longer than the default limits.
    soft_time_limit=50 * 60,
    time_limit=55 * 60,
)
def send_update_round(today: str | None = None) -> dict:
    """Send what the round owes today (or on ``today``, YYYY-MM-DD): the opening e-mails of the
    windows open and, from the reminder day, the reminders. Returns the counts, which the site's
    admin shows with the job (not the addresses)."""
    outcome = run_round(date.fromisoformat(today) if today else None)
    counts = {
        "windows": len(outcome.windows),
        "sent": len(outcome.sent),
        "skipped": outcome.skipped,
        "failed": len(outcome.failed),
        "gave_up": len(outcome.gave_up),
    }
    if outcome.failed:
        raise RoundEmailsFailed(
            f"{len(outcome.failed)} e-mail(s) of the update round could not be sent "
            f"({counts}); see Update round e-mails in each partnership's admin."
        )
    if outcome.gave_up:
        raise RoundEmailsGaveUp(
            f"The update round gave up on {len(outcome.gave_up)} e-mail(s) after too many "
            f"failures ({counts}); see Update round e-mails in each partnership's admin."
        )
    return counts
