"""Signing in with a second factor, for any page that has just checked a person's password (the
sign-in page, agencies.views.SignInView; an invitation's "choose a password" page)::

    from twofactor.signing_in import second_step

    response = second_step(request, user, next_page=next_page)
    if response is not None:
        return response  # not signed in yet: the person has a code to type first
    login(request, user)  # no second factor is due: sign in as before

A second factor is due when the person has an authenticator app set up, or must have one
(administrators: `twofactor.devices.must_use_two_factor`). Then nobody is signed in yet: the
session holds a *pending* sign-in (who, through which authentication backend, the page to go on
to, and since when) for PENDING_MINUTES, and `second_step` answers a redirect to the page that
asks for a code, or, for an administrator without an app, to the page that sets one up. Once the
code is right the person is signed in (Django's `login`, with the backend that checked the
password) and sent on to the sign-in page with the `next` page, which takes a signed-in person
on to it or to where their work starts.

Each wrong code counts with django-axes as a wrong password does (Django's `user_login_failed`
signal, with the username): five wrong passwords or codes lock the username out from that
address, and a locked-out person's pending sign-in is dropped. Single sign-on does not call this:
its people need no second factor here.
"""

from urllib.parse import urlencode

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth import get_user_model, login
from django.contrib.auth.signals import user_login_failed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from . import devices

PENDING_KEY = "twofactor_pending"
PENDING_MINUTES = 10
# The backend that checked a password, where the caller's user does not say (Django's
# `authenticate` sets `user.backend`; a page that checks the password itself may not).
DEFAULT_BACKEND = "partnerships.backends.PartnershipRoleBackend"


def second_step(request, user, *, next_page: str = "", backend: str | None = None):
    """None when no second factor is due (the caller signs the person in); otherwise a
    redirect to the second step, with the pending sign-in kept in the session. `next_page` is
    the page to go on to afterwards (already checked as safe by the caller, or empty)."""
    if not (devices.has_two_factor(user) or devices.must_use_two_factor(user)):
        forget(request)
        return None
    # A new session key for the pending sign-in, as `login` makes one for a signed-in person.
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": backend or getattr(user, "backend", None) or DEFAULT_BACKEND,
        "next": next_page or "",
        "since": timezone.now().timestamp(),
    }
    return redirect("twofactor:code" if devices.has_two_factor(user) else "twofactor:enrol")


def pending_user(request):
    """The person whose sign-in waits for its second step, or None (no pending sign-in, or one
    older than PENDING_MINUTES, which is then forgotten)."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None
    age = timezone.now().timestamp() - pending.get("since", 0)
    user = None
    if 0 <= age <= PENDING_MINUTES * 60:
        user = get_user_model().objects.filter(pk=pending.get("user"), is_active=True).first()
    if user is None:
        forget(request)
    return user


def is_pending(request) -> bool:
    """Whether the session holds a pending sign-in (expired or not)."""
    return PENDING_KEY in request.session


def finish(request, user) -> str:
    """Sign the person of the pending sign-in in, and answer the address to go on to: the sign-in
    page with the `next` page, which sends a signed-in person on (to `next`, or where their work
    starts)."""
    pending = request.session.pop(PENDING_KEY, {})
    login(request, user, backend=pending.get("backend", DEFAULT_BACKEND))
    return onward(pending.get("next", ""))


def onward(next_page: str) -> str:
    """The sign-in page, which takes a signed-in person on to `next_page` or their landing
    page."""
    address = reverse("login")
    return f"{address}?{urlencode({'next': next_page})}" if next_page else address


def forget(request) -> None:
    request.session.pop(PENDING_KEY, None)


def credentials_of(user) -> dict:
    return {"username": user.get_username()}


def locked_out(request, user):
    """The lockout page (agencies/lockout.py, through django-axes) when the person's username
    is locked out from this address, having dropped the pending sign-in; else None."""
    credentials = credentials_of(user)
    if AxesProxyHandler.is_allowed(request, credentials):
        return None
    forget(request)
    return get_lockout_response(request, None, credentials)


def count_wrong_code(request, user):
    """Count a wrong code as django-axes counts a wrong password; the lockout page (see
    `locked_out`) when that was one too many, else None."""
    credentials = credentials_of(user)
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        forget(request)
        request.axes_locked_out = False  # answered here; AxesMiddleware need not answer again
        return get_lockout_response(request, None, credentials)
    return None
