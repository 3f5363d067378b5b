"""Why a single sign-on did not sign anyone in: one reason per page the person sees
(``sso/refused.html``), with the status the page is answered with. The detail is for the log
only: it may name the token's fault, never shown to the person."""

from django.db import models


class Reason(models.TextChoices):
    NOT_ANSWERING = "not_answering", "The organisation's sign-in service is not answering"
    NOT_COMPLETED = "not_completed", "The sign-in did not complete"
    TOKEN_REFUSED = "token_refused", "The sign-in could not be confirmed"
    EMAIL_UNVERIFIED = "email_unverified", "The e-mail address is not confirmed"
    NO_ACCESS = "no_access", "No access"

    @property
    def status(self) -> int:
        return {
            Reason.NOT_ANSWERING: 503,
            Reason.NOT_COMPLETED: 400,
        }.get(self, 403)


class SignInRefused(Exception):
    """Nobody is signed in, for ``reason``; ``detail`` says why, for the log."""

    def __init__(self, reason: Reason, detail: str):
        super().__init__(f"{reason.value}: {detail}")
        self.reason = reason
        self.detail = detail


class ProviderNotAnswering(SignInRefused):
    """The provider could not be reached, answered too slowly, or answered with an error of
    its own (a 5xx, something that is not its discovery document)."""

    def __init__(self, detail: str):
        super().__init__(Reason.NOT_ANSWERING, detail)
