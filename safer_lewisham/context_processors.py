"""Values every page shows."""

from django.conf import settings

# The service navigation's sections, each with the pages it covers: view names
# ("reviews:dashboard") and URL namespaces ("plans"). A page is in the first section that names
# its view, else in the first that names its namespace, so a section's own page can sit inside
# another section's namespace (the dashboard is a page of the reviews app).
SECTIONS = [
    ("dashboard", {"reviews:dashboard"}),
    ("mine", {"actions:mine"}),
    ("plans", {"home", "plans", "actions", "reviews", "indicators", "consultation"}),
    ("public", {"public"}),
]


def current_section(resolver_match) -> str:
    """The navigation section of the page a request resolved to ("" for none: sign-in, admin,
    an address that matched nothing)."""
    if resolver_match is None:
        return ""
    for names in (resolver_match.view_name, resolver_match.namespace):
        for section, pages in SECTIONS:
            if names in pages:
                return section
    return ""


def service(request):
    """The partnership's name and the service's name, for the header, titles and footer; and
    which section of the service navigation the page is in."""
    return {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "service_name": settings.SERVICE_NAME,
        "nav_section": current_section(getattr(request, "resolver_match", None)),
    }
