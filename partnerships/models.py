"""The partnerships that share an installation, the people of each and their role there.

A Community Safety Partnership is the unit of the product: every strategy and plan (and so
everything of a plan: its actions, updates, indicators, comments, imports, windows, closures and
e-mails) belongs to exactly one. One installation may serve many (a county's districts, a PCC's
area, MOPAC's 32 boroughs). People belong to partnerships through a membership with a role.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from simple_history.models import HistoricalRecords

from .context import current_partnership_id
from .scoping import partnership_manager

# The addresses a partnership's slug may not take: the slug is a path segment of its own
# ("/p/<slug>/"), so nothing collides today, but these read as pages, not partnerships.
RESERVED_SLUGS = {"admin", "static", "media", "sign-in", "sign-out", "public", "oversight", "p"}


class Partnership(models.Model):
    """A Community Safety Partnership: its name, the address of its pages (``/p/<slug>/``), the
    area it covers, and how people contact it."""

    name = models.CharField(
        max_length=200, help_text="Its full name, e.g. “Safer Lewisham Partnership”."
    )
    short_name = models.CharField(
        max_length=60,
        blank=True,
        help_text="How it is shown in tables and the header, e.g. “Safer Lewisham”. "
        "The full name is used if blank.",
    )
    slug = models.SlugField(
        max_length=60,
        unique=True,
        validators=[
            RegexValidator(
                r"^(?!(" + "|".join(sorted(RESERVED_SLUGS)) + r")$)",
                message="That address is used by the service itself: choose another.",
            )
        ],
        help_text="Its pages' address: /p/ followed by this. Lower-case letters, digits and "
        "hyphens.",
    )
    area = models.CharField(
        max_length=200,
        blank=True,
        help_text="The area it covers, e.g. “London Borough of Lewisham”.",
    )
    logo = models.ImageField(
        upload_to="partnership-logos/",
        blank=True,
        help_text="Optional: shown in the header of its pages and on its meeting packs.",
    )
    contact_email = models.EmailField(
        blank=True, help_text="Where people write to the partnership; shown on its public pages."
    )
    is_active = models.BooleanField(
        default=True,
        help_text="Untick to close the partnership's pages: its data stays, nobody can reach it.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("name"), name="partnerships_partnership_unique_name"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        return self.short_name or self.name

    @property
    def prefix(self) -> str:
        """The path every page of the partnership starts with."""
        return f"/p/{self.slug}/"


class Role(models.TextChoices):
    """What a person may do in a partnership. Each role's permissions are those of the Django
    group of the same name (agencies/roles.py makes them; a superuser may change them)."""

    ADMINISTRATOR = "administrator", "Administrator"
    CHAIR = "chair", "Chair or member"
    OFFICER = "officer", "Officer"


# The Django group whose permissions each role has.
ROLE_GROUPS = {
    Role.ADMINISTRATOR: "Administrators",
    Role.CHAIR: "Chair and members",
    Role.OFFICER: "Officers",
}


class Membership(models.Model):
    """A person's role in one partnership. One person may belong to several (an inspector
    covering two boroughs), with a role in each."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    objects = partnership_manager("partnership", oversight=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership__name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership"], name="partnerships_membership_once_per_partnership"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} of {self.partnership}"

    @property
    def group_name(self) -> str:
        return ROLE_GROUPS[self.role]


class OversightBody(models.Model):
    """A body above partnerships that receives and monitors their plans: a Police and Crime
    Commissioner's office, MOPAC, a county council's community safety team. Its people read the
    covered partnerships' signed-off work, never change it, and never see drafts or
    confidential work."""

    class Kind(models.TextChoices):
        PCC = "pcc", "Police and Crime Commissioner's office"
        MOPAC = "mopac", "Mayor's Office for Policing and Crime"
        COUNTY = "county", "County community safety team"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True, help_text="Its dashboard's address.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    covers = models.ManyToManyField(
        Partnership,
        blank=True,
        related_name="overseen_by",
        help_text="The partnerships whose plans and quarters it receives.",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="oversight_bodies",
        help_text="Its people: they read the covered partnerships' signed-off work.",
    )

    history = HistoricalRecords(m2m_fields=[covers])

    class Meta:
        ordering = ["name"]
        verbose_name = "oversight body"
        verbose_name_plural = "oversight bodies"

    def __str__(self):
        return self.name


def partnership_field(related_name: str) -> models.ForeignKey:
    """The partnership a record belongs to. Made on one of the partnership's pages (a form,
    admin), a record belongs to that partnership without asking (the field's default); made
    anywhere else, it must be told, or the database refuses it."""
    return models.ForeignKey(
        Partnership,
        on_delete=models.PROTECT,
        related_name=related_name,
        default=current_partnership_id,
        editable=False,
    )


class PartnershipOwned(models.Model):
    """A record that belongs to one partnership (a strategy, an annual plan), with a
    ``partnership = partnership_field(...)``: its uniqueness rules (a plan's address, say) hold
    within the partnership, and forms, which leave the partnership out, still check them."""

    class Meta:
        abstract = True

    def validate_constraints(self, exclude=None):
        if exclude and self.partnership_id is not None:
            exclude = set(exclude) - {"partnership"}
        super().validate_constraints(exclude=exclude)
