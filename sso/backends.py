"""Signing in with an organisation's OpenID Connect provider (mozilla-django-oidc's backend,
configured per sign-in from the provider's record instead of global settings), and keeping
people of a domain whose provider does not allow passwords from signing in with one.

mozilla-django-oidc (5.0) checks the ID token's signature, expiry and nonce, but not its
audience, issuer or ``azp``, gives no leeway, and lets an expired token's error escape as a
server error. ``verify_token`` here checks all of them and refuses with a reason.
"""

import logging
import time

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from . import discovery
from .matching import person_for, remember
from .models import SingleSignOnProvider
from .refusals import ProviderNotAnswering, Reason, SignInRefused

logger = logging.getLogger(__name__)

# The only signing algorithm accepted (Entra ID's, Google's; an HS256 token would be signed with
# our own client secret, and "none" with nothing).
ALGORITHM = "RS256"
# How old an ID token may be when it arrives: it is made for this sign-in, seconds ago.
LONGEST_TOKEN_AGE_SECONDS = 10 * 60


def provider_settings(provider):
    """mozilla-django-oidc's settings for one provider's sign-in."""
    return {
        "OIDC_RP_CLIENT_ID": provider.client_id,
        "OIDC_RP_CLIENT_SECRET": provider.client_secret,
        "OIDC_RP_SIGN_ALGO": ALGORITHM,
        "OIDC_RP_SCOPES": "openid email profile",
        "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:callback",
        "OIDC_USE_NONCE": True,
        "OIDC_USE_PKCE": True,
        "OIDC_CREATE_USER": False,
        "OIDC_ALLOW_UNSECURED_JWT": False,
        "OIDC_STORE_ACCESS_TOKEN": False,
        "OIDC_STORE_ID_TOKEN": False,
        "OIDC_VERIFY_SSL": True,
        "OIDC_TIMEOUT": settings.SSO_TIMEOUT_SECONDS,
    }


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """Authenticates the authorization code of a sign-in begun with ``sso_provider`` (the
    callback view passes it, with the state's nonce and PKCE verifier). Any other call
    (a password form's) is not for it: None.

    It grants no permission of its own: a person's permissions are their role's in the
    partnership in force (partnerships.backends), whichever way they signed in."""

    def __init__(self, *args, **kwargs):
        # Not the library's __init__: it reads one provider from global settings.
        self.UserModel = get_user_model()
        self.provider = None
        self.id_token = None

    def get_settings(self, attr, *args):
        if self.provider is not None:
            configured = provider_settings(self.provider)
            if attr in configured:
                return configured[attr]
        return import_from_settings(attr, *args)

    def _use(self, provider):
        endpoints = discovery.configuration(provider)
        self.provider = provider
        self.OIDC_OP_TOKEN_ENDPOINT = endpoints["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = endpoints.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = endpoints["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        self.OIDC_RP_CLIENT_SECRET = provider.client_secret
        self.OIDC_RP_SIGN_ALGO = ALGORITHM
        self.OIDC_RP_IDP_SIGN_KEY = None

    def authenticate(self, request, sso_provider=None, nonce=None, code_verifier=None, **kwargs):
        """The person signed in, or SignInRefused (raised, not None: the page says why)."""
        if sso_provider is None or request is None:
            return None
        if not nonce:
            raise SignInRefused(Reason.NOT_COMPLETED, "no nonce was kept for this state")
        self._use(sso_provider)
        try:
            person = super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except SignInRefused:
            raise
        except (requests.ConnectionError, requests.Timeout) as error:
            raise ProviderNotAnswering(f"{sso_provider}: {error}") from error
        except requests.HTTPError as error:
            status = error.response.status_code if error.response is not None else None
            if status is None or status >= 500:
                raise ProviderNotAnswering(f"{sso_provider}: {error}") from error
            # The provider refused the code (used already, expired, not ours).
            raise SignInRefused(Reason.NOT_COMPLETED, f"{sso_provider}: {error}") from error
        except (SuspiciousOperation, ValueError, KeyError) as error:
            raise SignInRefused(Reason.TOKEN_REFUSED, f"{sso_provider}: {error}") from error
        if person is None:
            raise SignInRefused(Reason.NOT_COMPLETED, "the callback had no code")
        return person

    def verify_token(self, token, **kwargs):
        """The ID token's claims, once its signature (the provider's published RS256 key),
        issuer, audience, ``azp``, expiry, issue time and nonce are all right."""
        nonce = kwargs.get("nonce")
        if not token:
            raise SignInRefused(Reason.TOKEN_REFUSED, "the token response has no id_token")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise SignInRefused(Reason.TOKEN_REFUSED, f"unreadable ID token: {error}") from error
        if header.get("alg") != ALGORITHM:
            raise SignInRefused(Reason.TOKEN_REFUSED, f"ID token signed with {header.get('alg')}")
        key = self.retrieve_matching_jwk(token)
        client_id = self.provider.client_id
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=client_id,
                issuer=self.provider.issuer,
                leeway=settings.SSO_CLOCK_LEEWAY_SECONDS,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]},
            )
        except jwt.InvalidTokenError as error:
            raise SignInRefused(Reason.TOKEN_REFUSED, f"ID token: {error}") from error
        audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        # OpenID Connect Core 3.1.3.7: with several audiences, azp must be present; if present,
        # it must be our client id.
        if (len(audience) > 1 or "azp" in claims) and claims.get("azp") != client_id:
            raise SignInRefused(Reason.TOKEN_REFUSED, f"ID token azp is {claims.get('azp')!r}")
        age = time.time() - claims["iat"]
        if age > LONGEST_TOKEN_AGE_SECONDS + settings.SSO_CLOCK_LEEWAY_SECONDS:
            raise SignInRefused(Reason.TOKEN_REFUSED, f"ID token issued {age:.0f} seconds ago")
        if not nonce or claims.get("nonce") != nonce:
            raise SignInRefused(Reason.TOKEN_REFUSED, "ID token nonce is not this sign-in's")
        return claims

    def retrieve_matching_jwk(self, token):
        try:
            return super().retrieve_matching_jwk(token)
        except SuspiciousOperation as error:
            raise SignInRefused(Reason.TOKEN_REFUSED, f"signing key: {error}") from error
        except requests.HTTPError as error:
            raise ProviderNotAnswering(f"keys of {self.provider}: {error}") from error
        except (jwt.PyJWKError, ValueError, KeyError) as error:
            raise SignInRefused(Reason.TOKEN_REFUSED, f"signing key: {error}") from error

    def store_tokens(self, access_token, id_token):
        # Kept by the callback view for signing out at the provider (id_token_hint).
        self.id_token = id_token

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims; where it carries no e-mail address, the provider's userinfo
        endpoint's (for the same ``sub``: OpenID Connect Core 5.3.2)."""
        claims = dict(payload)
        if claims.get("email") or not self.OIDC_OP_USER_ENDPOINT:
            return claims
        extra = super().get_userinfo(access_token, id_token, payload)
        if str(extra.get("sub")) != str(payload["sub"]):
            raise SignInRefused(Reason.TOKEN_REFUSED, "userinfo is of another sub")
        for name in ("email", "email_verified"):
            if name in extra:
                claims[name] = extra[name]
        return claims

    def get_or_create_user(self, access_token, id_token, payload):
        """The person the claims sign in (``sso.matching.person_for``), linked to the
        provider's ``sub``. Never made: a stranger is refused."""
        claims = self.get_userinfo(access_token, id_token, payload)
        # One transaction: an invitation accepted (and the account it made) is undone if the
        # link cannot be recorded.
        with transaction.atomic():
            person = person_for(self.provider, claims)
            remember(self.provider, person, str(claims["sub"]))
        return person

    def get_user(self, user_id):
        user = self.UserModel._default_manager.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None

    # No permissions of its own (ModelBackend's would be the global groups'): see the docstring.
    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return set()

    def has_perm(self, user_obj, perm, obj=None):
        return False

    def has_module_perms(self, user_obj, app_label):
        return False

    def with_perm(self, perm, is_active=True, include_superusers=True, obj=None):
        return self.UserModel._default_manager.none()


class PasswordsWhereAllowed:
    """Refuses a password sign-in (the site's and admin's) for a person whose e-mail domain is
    served by an active provider that does not allow passwords: they sign in with their
    organisation. Site administrators keep their password (they must be able to mend a broken
    provider). Placed before the backends that check passwords. Not a BaseBackend: it has no
    ``get_user``, so that it never becomes a session's backend (``force_login`` takes the first
    backend that has one).

    Only the right password is refused this way (a wrong one fails as any other does), and the
    sign-in page then says which organisation's account to use
    (``request.sso_password_refused_by``): nobody learns a person's organisation from their
    username alone."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        person = (
            get_user_model()
            ._default_manager.filter(**{get_user_model().USERNAME_FIELD: username})
            .only("email", "is_superuser")
            .first()
        )
        if person is None or person.is_superuser or not person.email:
            return None
        barring = SingleSignOnProvider.objects.barring_passwords_for(person.email)
        if barring and person.check_password(password):
            if request is not None:
                request.sso_password_refused_by = barring[0]
            logger.info(
                "Password sign-in refused for user %s: %s signs in with %s",
                person.pk,
                person.email.rpartition("@")[2],
                barring[0],
            )
            raise PermissionDenied("This person signs in with their organisation's account.")
        return None
