"""Invitations: how a person joins a partnership. An administrator invites them by e-mail with a
role (and, for an officer, their organisation); the e-mail carries a single-use link that
expires after seven days; following it, the person chooses a password or signs in with their
organisation's account, and becomes a member. The link's secret is never stored, only its hash.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agencies.models import Agency, person_field
from partnerships.models import PartnershipOwned, Role, partnership_field
from partnerships.scoping import partnership_manager

# How long an invitation's link works: a week, as the issue of this feature and most services
# (GOV.UK Notify's own invitations among them) choose.
VALID_FOR = timedelta(days=7)


def token_hash(token: str) -> str:
    """What is stored of a link's secret: its SHA-256, so that the database alone lets nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None):
        """Sent, neither accepted nor withdrawn, and not yet expired: the link works."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )

    def expired(self, now=None):
        """Never accepted nor withdrawn, and past their expiry: they can be sent again."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__lte=now or timezone.now()
        )

    def open(self):
        """Not accepted nor withdrawn (pending or expired): at most one per e-mail address."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def for_email(self, email: str):
        return self.filter(email__iexact=email.strip())


class Invitation(PartnershipOwned):
    """An invitation to one person to join a partnership with a role."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        EXPIRED = "expired", "Expired"
        ACCEPTED = "accepted", "Accepted"
        REVOKED = "revoked", "Withdrawn"

    partnership = partnership_field("invitations")
    email = models.EmailField("e-mail address")
    name = models.CharField(max_length=150, help_text="Their full name, as colleagues write it.")
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name="organisation",
        help_text="The partner organisation they work for (an officer's is needed).",
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = person_field("invitations_sent")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(help_text="When the link was last sent.")
    expires_at = models.DateTimeField()
    times_sent = models.PositiveSmallIntegerField(default=1)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = person_field("invitations_accepted")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = person_field("+")

    objects = partnership_manager("partnership", InvitationQuerySet, oversight=False)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["-sent_at", "email"]
        constraints = [
            # One open invitation per person and partnership: a second is a resend.
            models.UniqueConstraint(
                Lower("email"),
                "partnership",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitations_invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitations_invitation_accepted_or_revoked",
            ),
        ]

    def __str__(self):
        return f"{self.name} <{self.email}> – {self.get_role_display()}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.EXPIRED)

    def set_new_link(self, now=None) -> str:
        """A new secret for the link (the old link stops working) and a new week to use it:
        the secret to put in the e-mail."""
        now = now or timezone.now()
        token = new_token()
        self.token_hash = token_hash(token)
        self.sent_at = now
        self.expires_at = now + VALID_FOR
        return token


def split_name(name: str) -> tuple[str, str]:
    """First and last name from a full name ("Jo de la Cruz" → "Jo", "de la Cruz" is not
    attempted: the last word is the last name), for the account's fields."""
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    return " ".join(words[:-1]), words[-1]
