"""Single sign-on with OpenID Connect: the organisations' sign-in services (a council's
Microsoft Entra ID tenant, a force's, a Google Workspace) and the link between a person here and
their account there.

A provider serves some partnerships (its button is on their sign-in pages) and/or some e-mail
domains (the site's "Sign in with your organisation's account" form picks it by the address).
Signing in with it never makes an account: it signs in someone who is already a member of a
partnership it serves (``sso.matching``). See docs/single-sign-on.md.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower

from partnerships.models import Partnership


def email_domain(address: str) -> str:
    """The domain of an e-mail address, lower case ("" for something that is not one)."""
    local, at, domain = (address or "").strip().rpartition("@")
    return domain.lower() if at and local else ""


def domains_in(text: str) -> list[str]:
    """The domains of a comma- or space-separated list, lower case, without blanks or a
    leading "@"."""
    return [
        part.strip().lstrip("@").lower()
        for part in (text or "").replace(",", " ").split()
        if part.strip().lstrip("@")
    ]


class SingleSignOnProviderQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def serving(self, partnership):
        """The active providers whose button a partnership's sign-in page shows."""
        return self.active().filter(partnerships=partnership).order_by("name")

    def offered_on(self, partnership) -> bool:
        """Whether a sign-in page (a partnership's, or the site's root: None) offers single
        sign-on: a provider serves the partnership, or some provider serves e-mail domains."""
        served = partnership is not None and self.serving(partnership).exists()
        return served or self.active().exclude(email_domains="").exists()

    def for_email(self, address: str):
        """The active provider that serves the address's domain, or None."""
        domain = email_domain(address)
        if not domain:
            return None
        candidates = self.active().filter(email_domains__contains=domain).order_by("pk")
        return next((p for p in candidates if domain in p.domains), None)

    def barring_passwords_for(self, address: str):
        """The active providers serving the address's domain that do not let its people sign
        in with a password."""
        domain = email_domain(address)
        if not domain:
            return []
        candidates = self.active().filter(email_domains__contains=domain, allows_password=False)
        return [p for p in candidates if domain in p.domains]


class SingleSignOnProvider(models.Model):
    """An organisation's OpenID Connect sign-in service, as registered there for this site:
    where it is (its issuer), who we are to it (client id and secret), and whom it serves."""

    name = models.CharField(
        max_length=120,
        help_text="Shown on the button: “Sign in with …”, e.g. “Lewisham Council (Microsoft)”.",
    )
    issuer = models.URLField(
        max_length=300,
        help_text="The provider's issuer, exactly as its /.well-known/openid-configuration "
        "says, e.g. https://login.microsoftonline.com/{tenant id}/v2.0 (Microsoft Entra ID) "
        "or https://accounts.google.com (Google).",
    )
    client_id = models.CharField(
        max_length=255, help_text="The client (application) id the provider gave this site."
    )
    client_secret = models.CharField(
        max_length=500,
        help_text="The client secret the provider gave this site. It is never shown again.",
    )
    partnerships = models.ManyToManyField(
        Partnership,
        blank=True,
        related_name="single_sign_on_providers",
        help_text="Partnerships whose sign-in page has its button. Their members may sign in "
        "with it.",
    )
    email_domains = models.CharField(
        max_length=500,
        blank=True,
        help_text="The e-mail domains it serves, separated by commas, e.g. “lewisham.gov.uk, "
        "met.police.uk”: people with those addresses may use it from any sign-in page, and "
        "only addresses of these domains are accepted from it.",
    )
    trusts_unconfirmed_email = models.BooleanField(
        "e-mail addresses are verified without the email_verified claim",
        default=False,
        help_text="Tick for a provider that only issues addresses it owns but does not send "
        "the email_verified claim (Microsoft Entra ID for the tenant's own domains). Left "
        "unticked, a token without that claim is refused.",
    )
    allows_password = models.BooleanField(
        "people of its domains may also sign in with a password",
        default=True,
        help_text="Untick to make the people of its e-mail domains sign in with it only.",
    )
    is_active = models.BooleanField(default=True, help_text="Untick to stop its use.")

    objects = SingleSignOnProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "single sign-on provider"
        constraints = [
            models.UniqueConstraint(Lower("name"), name="sso_provider_unique_name"),
            models.UniqueConstraint(
                fields=["issuer", "client_id"], name="sso_provider_unique_client"
            ),
            models.CheckConstraint(
                condition=models.Q(email_domains=Lower("email_domains")),
                name="sso_provider_domains_lower_case",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def domains(self) -> list[str]:
        return domains_in(self.email_domains)

    def serves_domain_of(self, address: str) -> bool:
        return email_domain(address) in self.domains

    def clean(self):
        # The issuer is kept exactly as typed: the ID token's "iss" must equal it.
        self.issuer = (self.issuer or "").strip()
        self.email_domains = ", ".join(self.domains)
        if self.is_active:
            # One provider per domain: the e-mail form must have one answer.
            others = SingleSignOnProvider.objects.active().exclude(pk=self.pk)
            taken = sorted(
                {domain for other in others for domain in other.domains} & set(self.domains)
            )
            if taken:
                raise ValidationError(
                    {"email_domains": "Another active provider already serves " + ", ".join(taken)}
                )


class SignInIdentity(models.Model):
    """A person's account at a provider, by the provider's own identifier for it (the ID
    token's ``sub``), recorded at their first sign-in with it. Later sign-ins are matched by it
    first, so that an e-mail address changed or reused at the provider cannot sign in someone
    else."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sign_in_identities"
    )
    provider = models.ForeignKey(
        SingleSignOnProvider, on_delete=models.CASCADE, related_name="identities"
    )
    subject = models.CharField(max_length=255, help_text="The provider's “sub” for the person.")
    linked_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sign-in identity"
        verbose_name_plural = "sign-in identities"
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="sso_identity_unique_subject"
            ),
            models.UniqueConstraint(
                fields=["provider", "user"], name="sso_identity_one_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.user} at {self.provider}"
