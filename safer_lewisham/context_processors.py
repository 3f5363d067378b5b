"""Values every page shows."""

from django.conf import settings


def service(request):
    """The partnership's name and the service's name, for the header, titles and footer."""
    return {
        "partnership_name": settings.PARTNERSHIP_NAME,
        "service_name": settings.SERVICE_NAME,
    }
