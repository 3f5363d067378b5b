"""The default text of each legal page: what a partnership's page says until the partnership
writes its own, and where its administrators start from when they do.

The texts are templates (``legal/defaults/<kind>.txt``) in the pages' text format
(legal/text.py), filled with the partnership's name, area, contact e-mail and partners, and with
what the service's settings make true (its cookies' names and lifetimes, how long a sign-in
lasts, sign-in throttling). At the site's root they are the installation's own, naming no
partnership. Change DEFAULTS_WRITTEN whenever the texts change: pages show it as their date.
"""

import re
from datetime import date

from django.conf import settings
from django.template.loader import render_to_string

# When the default texts were last written or reviewed: the pages' "last updated" date, and the
# accessibility statement's date of preparation and of its last test.
DEFAULTS_WRITTEN = date(2026, 12, 7)
# Django's default lifetime of the CSRF cookie, when the settings do not say (52 weeks).
CSRF_COOKIE_AGE_DEFAULT = 60 * 60 * 24 * 7 * 52


def default_text(kind: str, partnership=None) -> str:
    """The default text of the page of that kind for the partnership (None: the site's root)."""
    text = render_to_string(f"legal/defaults/{kind}.txt", _facts(partnership))
    # The templates' tags leave spaces and extra blank lines behind: tidy them, so that the
    # text administrators start from reads as if typed.
    text = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return re.sub(r"\n{3,}", "\n\n", text) + "\n"


def _facts(partnership) -> dict:
    return {
        "partnership": partnership,
        "service_name": settings.SERVICE_NAME,
        "address": settings.SITE_URL + (partnership.prefix if partnership else "/"),
        "contact_email": partnership.contact_email if partnership else "",
        "partners": _partners(partnership),
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "idle": duration(settings.SESSION_COOKIE_AGE // 60),
        "csrf_age": duration(
            (getattr(settings, "CSRF_COOKIE_AGE", None) or CSRF_COOKIE_AGE_DEFAULT) // 60
        ),
        "failure_limit": getattr(settings, "AXES_FAILURE_LIMIT", None),
        "cooloff": duration(int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
        if getattr(settings, "AXES_COOLOFF_TIME", None)
        else "",
        "written": DEFAULTS_WRITTEN,
    }


def _partners(partnership) -> list[str]:
    """The names of the partnership's partner organisations (its agencies), for the privacy
    notice: they act jointly as the partnership."""
    if partnership is None:
        return []
    return list(
        partnership.partners.filter(is_active=True).order_by("name").values_list("name", flat=True)
    )


def duration(minutes: int) -> str:
    """ "2 hours", "90 minutes", "1 year", in words."""
    units = [(60 * 24 * 7 * 52, "year"), (60 * 24 * 7, "week"), (60 * 24, "day"), (60, "hour")]
    for size, name in units:
        if minutes >= size and minutes % size == 0:
            count = minutes // size
            return f"{count} {name}{'s' if count != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
