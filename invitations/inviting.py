"""Inviting people to a partnership: checking who may be invited, sending the invitation's
e-mail in the partnership's name (a background job: ``tasks.py``, ``emails.py``), sending it
again, withdrawing it.

Every function works in the partnership in force (``partnerships.context.acting_in``): the
invitations, members and organisations it sees are that partnership's.
"""

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from partnerships.models import Membership, Role

from . import emails, tasks
from .accepting import accounts_with_email
from .models import Invitation


class InvitationRefused(Exception):
    """An invitation that cannot be made or changed: the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Invitee:
    """Who to invite, as an administrator typed them or a spreadsheet's row gave them."""

    name: str
    email: str
    role: str
    agency: Agency | None = None


def problems_with(partnership, invitee: Invitee, *, by_site_administrator=False) -> list[str]:
    """Why this person cannot be invited to the partnership now (empty: they can). The
    messages say what to do, in an administrator's words. A site administrator may invite
    the administrator of another partnership (a county team's, say); a partnership may not."""
    problems = []
    if not invitee.name.strip():
        problems.append("Enter their full name")
    email = invitee.email.strip()
    if not email:
        problems.append("Enter their e-mail address")
    else:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(
                "Enter an e-mail address in the correct format, like name@example.gov.uk"
            )
            email = ""
    if invitee.role not in Role.values:
        problems.append("Choose their role: administrator, chair or member, or officer")
    elif invitee.role == Role.OFFICER and invitee.agency is None:
        problems.append("Choose the organisation an officer works for")
    if not email:
        return problems
    accounts = list(accounts_with_email(email))
    if Membership.objects.filter(user__in=accounts, partnership=partnership).exists():
        problems.append(f"{email} is already a member of {partnership.name}")
    elif not by_site_administrator and any(
        _administers_elsewhere(account, partnership) for account in accounts
    ):
        # Someone who administers another partnership (or the whole site) joins a partnership
        # only through a site administrator: a partnership's invitation must not be a way to
        # reach an account with that much power, nor to tie it to another partnership's say.
        problems.append(
            f"{email} belongs to an administrator of another partnership on this service: "
            "ask a site administrator to add them"
        )
    elif Invitation.objects.open().for_email(email).exists():
        problems.append(
            f"{email} has already been invited: send the invitation again from the list "
            "of invitations instead"
        )
    return problems


def _administers_elsewhere(account, partnership) -> bool:
    if account.is_superuser:
        return True
    return (
        Membership._base_manager.filter(user=account, role=Role.ADMINISTRATOR)
        .exclude(partnership=partnership)
        .exists()
    )


def invite(partnership, invitee: Invitee, *, invited_by, by_site_administrator=False) -> Invitation:
    """Make the invitation and send its e-mail (``send_link``), or refuse (InvitationRefused)
    with every problem."""
    problems = problems_with(partnership, invitee, by_site_administrator=by_site_administrator)
    if problems:
        raise InvitationRefused("; ".join(problems))
    with transaction.atomic():
        invitation = Invitation(
            partnership=partnership,
            email=invitee.email.strip(),
            name=invitee.name.strip(),
            role=invitee.role,
            agency=invitee.agency,
            invited_by=invited_by if getattr(invited_by, "pk", None) else None,
        )
        token = invitation.set_new_link()
        invitation.save()
        send_link(invitation, token)
    return invitation


def resend(invitation, *, by) -> Invitation:
    """Send a pending or expired invitation again with a new link (the old one stops working)
    and a new week to use it."""
    if not invitation.is_open:
        raise InvitationRefused(
            f"The invitation to {invitation.email} has been "
            f"{invitation.get_status_display().lower()}: it cannot be sent again."
        )
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_open:
            raise InvitationRefused(f"The invitation to {invitation.email} was used meanwhile.")
        # The old link stops working now, not only once the new e-mail has gone.
        token = locked.set_new_link()
        locked.times_sent += 1
        locked.save(update_fields=["token_hash", "sent_at", "expires_at", "times_sent"])
        send_link(locked, token)
    return locked


def revoke(invitation, *, by) -> Invitation:
    """Withdraw an invitation that has not been accepted: its link stops working."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not locked.is_open:
            raise InvitationRefused(
                f"The invitation to {invitation.email} has been "
                f"{locked.get_status_display().lower()}: there is nothing to withdraw."
            )
        locked.revoked_at = timezone.now()
        locked.revoked_by = by if getattr(by, "pk", None) else None
        locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def send_link(invitation, token: str):
    """E-mail the invitation's link. With a job queue (CELERY_BROKER_URL), by a background job
    once the transaction is saved (``send_after_commit``). Without one (``make run``, a small
    installation), now, inside the transaction, as the page's own work: a mail server that
    refuses it undoes the invitation, and the page says so."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        emails.send(invitation, token)
    else:
        send_after_commit(invitation)


def send_after_commit(invitation):
    """Send the invitation's e-mail, with a new link, as a background job once the transaction
    that made or renewed it has been saved (invitations/tasks.py): the job finds the row, and a
    transaction undone sends nothing. The mail server out for a while delays the e-mail rather
    than refusing the invitation: the job tries again, and a job that fails for good shows in
    the site's admin (docs/background-jobs.md)."""
    transaction.on_commit(
        partial(tasks.send_invitation.delay, invitation.partnership_id, invitation.pk)
    )
