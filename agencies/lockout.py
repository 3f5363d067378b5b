"""Login throttling with django-axes: the lockout page, and whose address a sign-in comes from.

Settings (safer_lewisham/settings.py) name these functions: AXES_LOCKOUT_CALLABLE and
AXES_CLIENT_IP_CALLABLE. See docs/security.md.
"""

from django.conf import settings
from django.shortcuts import render


def cooloff_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(request, original_response=None, credentials=None):
    """The GOV.UK page for a sign-in refused after too many wrong passwords (429 Too Many
    Requests): how long to wait, and the way out through a password reset. Retry-After says
    the wait to browsers and scripts too, in seconds."""
    response = render(
        request,
        "registration/locked_out.html",
        {"cooloff_minutes": cooloff_minutes()},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def client_ip(request):
    """The address a sign-in comes from. Behind the TLS-terminating proxy (BEHIND_TLS_PROXY)
    every request arrives from the proxy, so the address is the last one of X-Forwarded-For: the
    one the proxy itself appended. Earlier entries are whatever the client chose to send."""
    if settings.BEHIND_TLS_PROXY:
        forwarded = [
            address.strip()
            for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if address.strip()
        ]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")
