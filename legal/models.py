"""The legal pages every UK public-sector service needs: its accessibility statement, privacy
notice and cookies page. Each partnership may write its own; until it does, its pages show the
default text written for this service (legal/defaults.py), filled with its name and contact
details."""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from partnerships.models import PartnershipOwned, partnership_field
from partnerships.scoping import partnership_manager

from .defaults import DEFAULTS_WRITTEN, default_text
from .text import blocks_of

TEXT_FORMAT_HINT = (
    "Plain text. A blank line starts a new paragraph. A line starting “## ” is a heading, "
    "“### ” a smaller heading. Lines starting “- ” are the items of a list, one item a line. "
    "E-mail addresses and web addresses starting https:// become links. HTML is shown as "
    "typed, never run."
)


class Kind(models.TextChoices):
    """The legal pages, each at its own address (``/p/<slug>/<value>/``)."""

    ACCESSIBILITY = "accessibility", "Accessibility statement"
    PRIVACY = "privacy", "Privacy notice"
    COOKIES = "cookies", "Cookies"


def title_of(kind: str) -> str:
    """A page's heading: the accessibility statement names the service, as the GOV.UK model
    statement does."""
    if kind == Kind.ACCESSIBILITY:
        return f"Accessibility statement for {settings.SERVICE_NAME}"
    return Kind(kind).label


@dataclass(frozen=True)
class ShownPage:
    """A legal page as it is shown: the partnership's own text, or the default."""

    kind: str
    text: str
    updated_on: date
    is_default: bool

    @property
    def title(self) -> str:
        return title_of(self.kind)

    @cached_property
    def blocks(self):
        return blocks_of(self.text)


class LegalPageQuerySet(models.QuerySet):
    def shown(self, kind: str, partnership) -> ShownPage:
        """The page of that kind as the partnership shows it: its own text if it has written
        one, else the default filled with its details (the installation's own default at the
        site's root, ``partnership`` None)."""
        own = None
        if partnership is not None:
            own = self.filter(kind=kind, partnership=partnership).first()
        if own is not None:
            return ShownPage(kind, own.text, timezone.localdate(own.updated_at), is_default=False)
        return ShownPage(kind, default_text(kind, partnership), DEFAULTS_WRITTEN, is_default=True)


class LegalPage(PartnershipOwned):
    """A partnership's own text of one of its legal pages, in place of the default. Deleting
    it brings the default back."""

    Kind = Kind

    partnership = partnership_field("legal_pages")
    kind = models.CharField("page", max_length=20, choices=Kind.choices)
    text = models.TextField(help_text=TEXT_FORMAT_HINT)
    updated_at = models.DateTimeField("last updated", auto_now=True)

    history = HistoricalRecords()

    # Read by oversight bodies' people too: the pages are public, whoever reads them.
    objects = partnership_manager("partnership", LegalPageQuerySet)

    class Meta:
        ordering = ["partnership", "kind"]
        verbose_name = "legal page"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kind"],
                name="legal_legalpage_one_per_kind_per_partnership",
                violation_error_message="The partnership already has its own text of this "
                "page: change that one.",
            ),
        ]

    def __str__(self):
        return self.get_kind_display()

    @property
    def title(self) -> str:
        return title_of(self.kind)
