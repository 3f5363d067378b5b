"""Sign-in required everywhere, without losing what someone typed when their session ran out."""

from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.core import signing
from django.http import QueryDict

UNSAVED_FORM_KEY = "unsaved_form"
# A session that has run out is empty: the post that follows comes from nobody known. So a form
# that may be kept says who it was shown to, in this hidden input (agencies/includes/
# shown_to.html), signed so that nobody can claim to be someone else. The salt keeps the name
# this module had when the first forms carried it, so that forms open during an upgrade still
# come back.
SHOWN_TO_FIELD = "shown_to"
SHOWN_TO_SALT = "safer_lewisham.middleware.shown_to"


class LoginRequiredKeepingTypedWork(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware (every view needs sign-in unless marked
    ``@login_not_required``), plus: a form posted after the session has expired is kept in the
    new session, and the page it was posted to gets it back after signing in again (see
    ``take_unsaved_form``). Only posts that passed the CSRF check (which runs first) are kept,
    and only those that say, signed, who the form was shown to: what they typed is handed back to
    that person alone, and discarded when someone else signs in in that browser."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        request.form_shown_to = (
            signing.dumps(user.pk, salt=SHOWN_TO_SALT) if user.is_authenticated else ""
        )
        if user.is_authenticated and hasattr(request, "session"):
            unsaved = request.session.get(UNSAVED_FORM_KEY)
            if unsaved and unsaved.get("shown_to") != user.pk:
                del request.session[UNSAVED_FORM_KEY]
        return super().process_view(request, view_func, view_args, view_kwargs)

    def handle_no_permission(self, request, view_func):
        shown_to = _shown_to(request.POST.get(SHOWN_TO_FIELD)) if request.method == "POST" else None
        if shown_to is not None and hasattr(request, "session"):
            request.session[UNSAVED_FORM_KEY] = {
                "path": request.path,
                "shown_to": shown_to,
                "data": {
                    key: request.POST.getlist(key)
                    for key in request.POST
                    if key not in {"csrfmiddlewaretoken", SHOWN_TO_FIELD}
                },
            }
            messages.warning(
                request,
                "You were signed out because the page was left for a while. Sign in again: "
                "what you typed has been kept and nothing has been saved yet.",
            )
        return super().handle_no_permission(request, view_func)


def _shown_to(value):
    """The pk of the person a posted form was shown to, from its signed SHOWN_TO_FIELD; None
    when the post has none or its signature is not ours."""
    try:
        pk = signing.loads(value or "", salt=SHOWN_TO_SALT)
    except signing.BadSignature:
        return None
    return pk if isinstance(pk, int) else None


def take_unsaved_form(request):
    """What the signed-in person typed into this page before their session ran out, as a
    QueryDict ready to bind to the page's form, or None. It is handed back once, and only to
    the person the form was shown to."""
    unsaved = request.session.get(UNSAVED_FORM_KEY)
    if not unsaved or unsaved.get("path") != request.path:
        return None
    del request.session[UNSAVED_FORM_KEY]
    if unsaved.get("shown_to") != request.user.pk:
        return None
    data = QueryDict(mutable=True)
    for key, values in unsaved["data"].items():
        data.setlist(key, values)
    return data
