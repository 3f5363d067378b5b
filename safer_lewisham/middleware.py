"""Sign-in required everywhere, without losing what someone typed when their session ran out."""

from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import QueryDict

UNSAVED_FORM_KEY = "unsaved_form"


class LoginRequiredKeepingTypedWork(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware (every view needs sign-in unless marked
    ``@login_not_required``), plus: a form posted after the session has expired is kept in the
    new session, and the page it was posted to gets it back after signing in again (see
    ``take_unsaved_form``). Only posts that passed the CSRF check (which runs first) are kept."""

    def handle_no_permission(self, request, view_func):
        if request.method == "POST" and hasattr(request, "session"):
            request.session[UNSAVED_FORM_KEY] = {
                "path": request.path,
                "data": {
                    key: request.POST.getlist(key)
                    for key in request.POST
                    if key != "csrfmiddlewaretoken"
                },
            }
            messages.warning(
                request,
                "You were signed out because the page was left for a while. Sign in again: "
                "what you typed has been kept and nothing has been saved yet.",
            )
        return super().handle_no_permission(request, view_func)


def take_unsaved_form(request):
    """What the signed-in person typed into this page before their session ran out, as a
    QueryDict ready to bind to the page's form, or None. It is handed back once."""
    unsaved = request.session.get(UNSAVED_FORM_KEY)
    if not unsaved or unsaved.get("path") != request.path:
        return None
    del request.session[UNSAVED_FORM_KEY]
    data = QueryDict(mutable=True)
    for key, values in unsaved["data"].items():
        data.setlist(key, values)
    return data
