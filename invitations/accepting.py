"""Accepting an invitation: the link's owner becomes a member of the partnership.

Used by the invitation's page (views.py) and by single sign-on (the ``sso`` app, a layer above):
a person who signs in through their organisation with a verified e-mail address that has a
pending invitation is matched to it (``pending_for_email``), given an account if they have none
(``account_for``) and made a member (``accept``).

- ``find(token)``: the invitation a link's secret opens, whatever its state, or None.
- ``pending_for_email(email, partnerships=None)``: pending invitations for an address.
- ``account_for(invitation)``: the existing account of the invited address, or a new one
  (username: the address; no usable password until the person chooses one).
- ``accept(invitation, user)``: one transaction; refuses (``InvitationUnusable``) a link
  already used, withdrawn or expired; adds the membership (never a second account).
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.models import Profile
from partnerships.context import acting_in, everywhere
from partnerships.models import Membership

from .models import Invitation, split_name, token_hash


class InvitationUnusable(Exception):
    """The link cannot be used (any more): the message says why, in the invitee's words."""

    def __init__(self, invitation, message):
        super().__init__(message)
        self.invitation = invitation
        self.message = message


def find(token: str):
    """The invitation whose link carries ``token``, in any partnership (the secret itself is
    the permission to see it), or None."""
    if not token or len(token) > 100:
        return None
    with everywhere():
        return (
            Invitation.objects.select_related("partnership", "agency")
            .filter(token_hash=token_hash(token))
            .first()
        )


def refusal(invitation) -> str | None:
    """Why the invitation can no longer be accepted, or None if it can."""
    status = invitation.status
    contact = invitation.partnership.contact_email
    ask = (
        f"ask {invitation.partnership.name} ({contact}) to send you a new one"
        if contact
        else f"ask the administrator of {invitation.partnership.name} to send you a new one"
    )
    if status == Invitation.Status.ACCEPTED:
        return "This invitation has already been used. Sign in instead."
    if status == Invitation.Status.REVOKED:
        return f"This invitation has been withdrawn. If you still need access, {ask}."
    if status == Invitation.Status.EXPIRED:
        return f"This invitation has expired: links work for 7 days. To join, {ask}."
    if not invitation.partnership.is_active:
        return "This partnership’s pages are closed."
    return None


def pending_for_email(email: str, partnerships=None) -> list:
    """The pending invitations for an e-mail address (in the given partnerships, or any)."""
    with everywhere():
        invitations = Invitation.objects.pending().for_email(email).select_related("partnership")
        if partnerships is not None:
            invitations = invitations.filter(partnership__in=list(partnerships))
        return list(invitations)


def accounts_with_email(email: str):
    """The accounts whose e-mail address is this one (letter case aside)."""
    return get_user_model().objects.filter(email__iexact=email.strip())


def account_for(invitation):
    """The account the invitation is for: the one already using its e-mail address (the
    person may belong to another partnership), else a new one, with the address as its
    username and no usable password yet."""
    existing = accounts_with_email(invitation.email).order_by("pk").first()
    if existing is not None:
        return existing
    User = get_user_model()
    username = base = invitation.email.strip().lower()[:150]
    number = 1
    while User.objects.filter(username__iexact=username).exists():
        number += 1
        username = f"{base[:140]}-{number}"
    first_name, last_name = split_name(invitation.name)
    user = User(
        username=username,
        email=invitation.email.strip(),
        first_name=first_name[:150],
        last_name=last_name[:150],
    )
    user.set_unusable_password()
    user.save()
    return user


def accept(invitation, user) -> Membership:
    """Make ``user`` a member of the invitation's partnership with its role, and use the
    invitation up. The invitation is locked and checked again inside the transaction, so a
    link followed twice at once is used once."""
    with transaction.atomic(), everywhere():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        locked.partnership = invitation.partnership
        message = refusal(locked)
        if not message and not user.is_active:
            message = (
                "Your account has been disabled. Ask the administrator of "
                f"{locked.partnership.name} to enable it."
            )
        if message:
            raise InvitationUnusable(locked, message)
        now = timezone.now()
        with acting_in(locked.partnership):
            membership, created = Membership.objects.get_or_create(
                user=user,
                partnership=locked.partnership,
                defaults={"role": locked.role},
            )
            if not created and membership.role != locked.role:
                membership.role = locked.role
                membership.save(update_fields=["role"])
        profile, _ = Profile._base_manager.get_or_create(user=user)
        if locked.agency_id and profile.agency_id is None:
            profile.agency_id = locked.agency_id
            profile.save(update_fields=["agency"])
        locked.accepted_at = now
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
        invitation.accepted_at, invitation.accepted_by = now, user
        return membership
