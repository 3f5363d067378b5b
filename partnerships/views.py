"""The partnership's own pages."""

import mimetypes

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_safe


@require_safe
@login_not_required
def logo(request):
    """The partnership's logo (its header, its public pages): public, as the public pages are."""
    partnership = request.partnership
    if partnership is None or not partnership.logo:
        raise Http404("No logo.")
    try:
        file = partnership.logo.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404("No logo.") from None
    content_type = mimetypes.guess_type(partnership.logo.name)[0] or "application/octet-stream"
    response = FileResponse(file, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
