"""The dashboard: every plan in delivery at a glance, the chair and members' landing page."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..dashboard import plans_at_a_glance


@require_safe
@permission_required("plans.view_annualplan", raise_exception=True)
def dashboard(request):
    """Every plan in delivery: its reporting quarter's figures, linking to the quarterly page,
    and its trend over the quarters so far."""
    context = {"glances": plans_at_a_glance()}
    return render(request, "reviews/dashboard.html", context)
