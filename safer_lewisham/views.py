"""Site-wide views that belong to no one app."""

import logging
import sys
from itertools import groupby

from django.contrib.auth.decorators import login_not_required, permission_required
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.http import require_safe

from actions.views.mine import my_actions_summary
from actions.views.recording import typed_text
from actions.views.update import TYPED_FIELDS
from agencies.views import landing_url
from oversight.views import bodies_of
from partnerships.context import acting_in
from partnerships.middleware import chosen_partnership, partnerships_of
from plans.models import AnnualPlan

logger = logging.getLogger(__name__)

# How long browsers (and anything retrying) are told to wait when the database is out (seconds).
RETRY_AFTER_SECONDS = 120


@require_safe
def home(request):
    """A partnership's home page (its plans); at the site's root, the choice of partnership."""
    if request.partnership is None:
        return choose_partnership(request)
    return partnership_home(request)


def choose_partnership(request):
    """The site's root page: where the person's work starts in their partnership, or, for
    someone of several, the list of them to choose from (the header moves between them too)."""
    mine = list(partnerships_of(request.user))
    bodies = list(bodies_of(request.user))
    choosing = bool(request.GET.get("choose"))
    last = chosen_partnership(request)
    if not choosing and (len(mine) == 1 and not bodies or last is not None):
        partnership = last or mine[0]
        with acting_in(partnership):
            return redirect(landing_url(request.user))
    if not choosing and not mine and len(bodies) == 1:
        return redirect("oversight:dashboard", slug=bodies[0].slug)
    return render(request, "choose_partnership.html", {"partnerships": mine, "bodies": bodies})


@permission_required("plans.view_annualplan", raise_exception=True)
def partnership_home(request):
    """The partnership's landing page: every plan, grouped by where it is in its year (in
    delivery first, closed last); and, for someone who leads actions, how many and how many
    need an update."""
    plans = list(AnnualPlan.objects.by_status().select_related("strategy"))
    groups = [
        (AnnualPlan.Status(status).label, list(group))
        for status, group in groupby(plans, key=lambda plan: plan.status)
    ]
    context = {
        "status_groups": groups,
        "my_actions": my_actions_summary(request.user),
    }
    return render(request, "home.html", context)


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (admin's): send them ours.
    Looked up per request, because hashed static names exist only after collectstatic."""
    return redirect(static("images/favicon.svg"), permanent=True)


def server_error(request, template_name="500.html"):
    """The page for an unhandled exception (``handler500``), wherever it was raised: in a view,
    a middleware (reading the session, the signed-in user) or a template's context processor.

    When the database cannot be reached (django.db's OperationalError and InterfaceError), the
    answer is 503 "Sorry, the service is unavailable" with a Retry-After header rather than
    500: the service is fine and will be back by itself once the database is (persistent
    connections are checked before reuse, CONN_HEALTH_CHECKS in settings). Any other database
    error (DataError for a value out of range, IntegrityError, ProgrammingError...) is a fault
    of the service, not an outage: 500, like every other exception. A failed request's
    transaction has been rolled back, so nothing of it was saved; anything typed into the
    form's text boxes is shown again to copy.

    Neither page touches the database: no request.user, no context processors, only the static
    files' names. Django has already logged the exception with its traceback
    ("Internal Server Error"); nothing of it is shown.
    """
    error = sys.exc_info()[1]
    typed = _typed(request)
    if isinstance(error, OperationalError | InterfaceError):
        logger.warning(
            "Database unavailable, answered 503 to %s %s: %s",
            request.method,
            request.path,
            type(error).__name__,
        )
        body = loader.get_template("503.html").render({"typed": typed})
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    body = loader.get_template(template_name).render({"typed": typed})
    return HttpResponse(body, status=500)


def _typed(request):
    """[(label, text)] of the free text someone posted (the progress update's fields: never a
    password or a token), for the error page to hand back, so that it is not lost with the
    request."""
    if request.method != "POST":
        return []
    try:
        posted = request.POST
    except Exception:  # noqa: BLE001 (the body could not be read: there is nothing to hand back)
        return []
    return typed_text(posted, TYPED_FIELDS)
