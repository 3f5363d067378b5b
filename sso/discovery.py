"""A provider's endpoints, read from its discovery document
(``<issuer>/.well-known/openid-configuration``) and kept for a few minutes, so that a provider
that moves an endpoint or rotates its keys is followed without anyone changing a setting."""

import hashlib

import requests
from django.conf import settings
from django.core.cache import cache

from .refusals import ProviderNotAnswering

REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def _cache_key(provider) -> str:
    return "sso:discovery:" + hashlib.sha256(provider.issuer.encode()).hexdigest()


def configuration(provider) -> dict:
    """The provider's discovery document. Raises ProviderNotAnswering when it cannot be read
    within SSO_TIMEOUT_SECONDS, or is not a discovery document of this issuer (which would be a
    mistake in the provider's record, or someone else answering)."""
    key = _cache_key(provider)
    document = cache.get(key)
    if document is not None:
        return document
    url = discovery_url(provider.issuer)
    try:
        response = requests.get(url, timeout=settings.SSO_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderNotAnswering(f"discovery at {url}: {error}") from error
    if not isinstance(document, dict) or any(not document.get(name) for name in REQUIRED):
        raise ProviderNotAnswering(f"discovery at {url}: not a discovery document")
    if document["issuer"] != provider.issuer:
        # OpenID Connect Discovery 1.0, 4.3: the issuer must be the one asked for.
        raise ProviderNotAnswering(
            f"discovery at {url}: its issuer is {document['issuer']!r}, "
            f"the provider's record says {provider.issuer!r}"
        )
    cache.set(key, document, settings.SSO_DISCOVERY_CACHE_SECONDS)
    return document


def forget(provider):
    """Read the discovery document again next time (after a change of the provider's record)."""
    cache.delete(_cache_key(provider))
