"""The invitation's e-mail, in the partnership's name, sent with a new link by the background job
(``tasks.send_invitation``) once the invitation is saved.

The link's secret is made here, just before it is e-mailed, and only its hash is saved: it is
never put on the job queue nor in the jobs' results, where the secret would be readable."""

from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import Invitation


def link(invitation, token: str) -> str:
    """The invitation's address, on the site's address as people reach it (SITE_URL): it is
    e-mailed, outside any request. Made in the invitation's partnership."""
    path = reverse("invitations:accept", kwargs={"token": token})
    return settings.SITE_URL.rstrip("/") + path


def send_new_link(invitation_id) -> bool:
    """E-mail an open invitation with a new link (any link sent before stops working) and a new
    week to use it. The new link is saved only if the e-mail has gone: if it cannot be sent, the
    error is raised (for the job to try again) and the invitation is as it was. An invitation
    accepted or withdrawn meanwhile is not sent: returns whether it was. Works in the
    invitation's partnership (``partnerships.context.acting_in``)."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("partnership", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or not invitation.is_open:
            return False
        token = invitation.set_new_link()
        invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
        send(invitation, token)
    return True


def send(invitation, token: str):
    """The welcome e-mail, in the partnership's name (its name as the sender's, its contact
    address to reply to)."""
    partnership = invitation.partnership
    context = {
        "invitation": invitation,
        "partnership": partnership,
        "link": link(invitation, token),
        "inviter": invitation.invited_by,
        "expires_at": invitation.expires_at,
        "service_name": settings.SERVICE_NAME,
    }
    subject = render_to_string("invitations/email/subject.txt", context).strip()
    text = render_to_string("invitations/email/invitation.txt", context)
    html = render_to_string("invitations/email/invitation.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=formataddr((partnership.name, settings.DEFAULT_FROM_EMAIL)),
        to=[invitation.email],
        reply_to=[partnership.contact_email] if partnership.contact_email else None,
    )
    message.attach_alternative(html, "text/html")
    message.send()
