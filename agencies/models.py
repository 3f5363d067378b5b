"""The partner organisations of a Community Safety Partnership, and their officers."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django_scopes import scopes_disabled
from simple_history.models import HistoricalRecords

from partnerships.context import current_partnership_id
from partnerships.models import Partnership, PartnershipOwned
from partnerships.scoping import partnership_manager


class Agency(models.Model):
    """A partner organisation: the council, the police, probation, health, a charity... One
    record however many partnerships it serves (the Met serves 32): each partnership chooses
    its partners, and sees only them."""

    class Kind(models.TextChoices):
        COUNCIL = "council", "Local authority"
        POLICE = "police", "Police"
        PROBATION = "probation", "Probation"
        HEALTH = "health", "Health"
        FIRE = "fire", "Fire and rescue"
        YOUTH_OFFENDING = "youth_offending", "Youth offending service"
        VOLUNTARY = "voluntary", "Voluntary and community sector"
        EDUCATION = "education", "Education"
        HOUSING = "housing", "Housing"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, help_text="The organisation's full name.")
    short_name = models.CharField(
        max_length=60,
        blank=True,
        help_text="How it is shown in tables, e.g. “Met Police”. The full name is used if blank.",
    )
    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    is_active = models.BooleanField(
        default=True, help_text="Untick for an agency that no longer takes part in the partnership."
    )
    partnerships = models.ManyToManyField(
        Partnership,
        blank=True,
        related_name="partners",
        help_text="The partnerships it is a partner of.",
    )

    objects = partnership_manager("partnerships", many=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="agencies_agency_unique_name",
                violation_error_message="An organisation of this name is already in the service, "
                "as a partner of another partnership: ask a site administrator to make it one "
                "of yours.",
            ),
        ]

    def __str__(self):
        return self.name

    # An agency's name and address are unique across the installation, not only among the
    # partnership's partners: check them against every agency.
    def validate_unique(self, exclude=None):
        with scopes_disabled():
            super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude=None):
        with scopes_disabled():
            super().validate_constraints(exclude=exclude)

    @property
    def display_name(self):
        return self.short_name or self.name


class Profile(models.Model):
    """What the partnership knows about a signed-in person beyond their login: their agency."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officers",
        help_text="The partner agency this person works for.",
    )
    job_title = models.CharField(max_length=200, blank=True)

    objects = partnership_manager("user__memberships__partnership", many=True, oversight=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "user__username"]

    def __str__(self):
        return f"{display_name(self.user)} ({self.agency or 'no agency'})"


def person_field(related_name: str, **options) -> models.ForeignKey:
    """A person who did something the record keeps (led an action, wrote an update, closed a
    quarter): optional, and left empty rather than deleting the record if their account is
    removed, so that the partnership's history outlives its staff changes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        **options,
    )


class AgencyAlias(PartnershipOwned):
    """What a partnership has confirmed a name in its spreadsheets means ("LBB" is the London
    Borough of Bexley), so that its next import finds the agency without asking again. Each
    partnership has its own: another's "LBB" may be the London Borough of Brent."""

    # Made on one of the partnership's pages, an alias belongs to it without asking (as
    # partnership_field does); deleted with the partnership, as it is only its memory.
    partnership = models.ForeignKey(
        Partnership,
        on_delete=models.CASCADE,
        related_name="agency_aliases",
        default=current_partnership_id,
        editable=False,
    )
    alias = models.CharField(max_length=200, help_text="The name as the spreadsheet writes it.")
    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        related_name="aliases",
        help_text="The agency the partnership confirmed it means.",
    )
    confirmed_by = person_field("confirmed_agency_aliases", verbose_name="confirmed by")
    confirmed_at = models.DateTimeField("confirmed", auto_now_add=True)

    # The import's memory, not the plan: never read by an oversight body.
    objects = partnership_manager("partnership", oversight=False)

    class Meta:
        ordering = ["alias"]
        verbose_name = "agency alias"
        verbose_name_plural = "agency aliases"
        constraints = [
            models.UniqueConstraint(
                "partnership",
                Lower("alias"),
                name="agencies_agencyalias_unique_alias",
                violation_error_message="The partnership has already said what this name "
                "means: delete that alias first.",
            ),
        ]

    def __str__(self):
        return f"{self.alias} → {self.agency}"


def display_name(user):
    """A person's name as colleagues write it, falling back to their username."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def agency_id_of(user) -> int | None:
    """The id of the partner agency a person works for (their profile's), or None: for someone
    signed out, without a profile, or whose profile names no agency."""
    if not user.is_authenticated:
        return None
    return Profile.objects.filter(user=user).values_list("agency_id", flat=True).first()


def agency_ids_of(users) -> dict[int, int]:
    """{user id: agency id} for the people (users) who work for an agency, in one query."""
    return dict(
        Profile.objects.filter(user__in=users, agency__isnull=False).values_list(
            "user_id", "agency_id"
        )
    )
