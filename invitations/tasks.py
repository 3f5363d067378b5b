"""Invitations' background jobs: e-mailing an invitation (made or sent again by
``inviting.invite`` and ``inviting.resend``, which ask for it once their transaction is saved)."""

import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError

from partnerships.context import acting_in
from partnerships.models import Partnership

from .emails import send_new_link


@shared_task(
    name="invitations.send_invitation",
    # The mail server or the database out for a moment: try again, waiting about 30 seconds,
    # then a minute, two... up to 30 minutes, at random up to that (so that the retries of many
    # invitations do not arrive together), six times before the job fails for good.
    autoretry_for=(
        smtplib.SMTPException,
        ConnectionError,
        TimeoutError,
        OperationalError,
        InterfaceError,
    ),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=6,
)
def send_invitation(partnership_id: int, invitation_id: int) -> str:
    """E-mail an invitation with a new link, in its partnership, unless it has been accepted or
    withdrawn meanwhile. Only ids go on the queue: the link's secret is made by the job."""
    partnership = Partnership.objects.get(pk=partnership_id)
    with acting_in(partnership):
        sent = send_new_link(invitation_id)
    return "sent" if sent else "not sent: accepted or withdrawn meanwhile"
