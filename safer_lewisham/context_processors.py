"""Values every page shows."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from partnerships.context import root_prefix
from partnerships.middleware import can_administer, partnerships_of
from sso.models import SingleSignOnProvider

# The service navigation's sections, each with the pages it covers: view names
# ("reviews:dashboard") and URL namespaces ("plans"). A page is in the first section that names
# its view, else in the first that names its namespace, so a section's own page can sit inside
# another section's namespace (the dashboard is a page of the reviews app).
SECTIONS = [
    ("dashboard", {"reviews:dashboard"}),
    ("mine", {"actions:mine", "bulkupdates"}),
    ("plans", {"home", "plans", "actions", "reviews", "indicators", "consultation"}),
    ("public", {"public"}),
    ("oversight", {"oversight"}),
    ("two-factor", {"twofactor"}),
    ("people", {"invitations"}),
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


def oversight_bodies_of(user) -> list:
    """The oversight bodies whose people the person is (none for someone signed out)."""
    if not user.is_authenticated:
        return []
    return list(user.oversight_bodies.all())


def service(request):
    """The partnership's name (of the page's partnership; the service's own name on the site's
    root pages) and the service's name, for the header, titles and footer; the partnerships the
    person may move between; and which section of the service navigation the page is in."""
    partnership = getattr(request, "partnership", None)
    return {
        "partnership": partnership,
        "partnership_name": partnership.name if partnership else settings.SERVICE_NAME,
        "my_partnerships": SimpleLazyObject(lambda: list(partnerships_of(request.user))),
        "site_root": root_prefix(),
        "my_oversight_bodies": SimpleLazyObject(lambda: oversight_bodies_of(request.user)),
        "can_administer": can_administer(request),
        "service_name": settings.SERVICE_NAME,
        "nav_section": current_section(getattr(request, "resolver_match", None)),
        # Whether the sign-in page offers single sign-on here: pages of apps below sso (an
        # invitation's) say so without importing it. Asked only where a page reads it.
        "single_sign_on_offered": SimpleLazyObject(
            lambda: SingleSignOnProvider.objects.offered_on(partnership)
        ),
    }
