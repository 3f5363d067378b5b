"""The legal pages, open to everyone: the accessibility statement, privacy notice and cookies
page of the partnership whose address it is (its own text, or the default), or the
installation's own at the site's root."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from partnerships.context import current_partnership

from .models import LegalPage


@login_not_required
@require_safe
def legal_page(request, kind):
    """One legal page. Public information, so open to anyone, signed in or not, of the
    partnership or not (partnerships/middleware.py lets the "legal" pages through)."""
    page = LegalPage.objects.shown(kind, current_partnership())
    return render(request, "legal/page.html", {"page": page})
