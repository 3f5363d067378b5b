"""Site-wide views that belong to no one app."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.templatetags.static import static


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (admin's): send them ours.
    Looked up per request, because hashed static names exist only after collectstatic."""
    return redirect(static("images/favicon.svg"), permanent=True)
