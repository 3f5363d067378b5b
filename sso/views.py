"""Signing in and out with an organisation's OpenID Connect provider.

mozilla-django-oidc's views, with the provider chosen per sign-in: the button (or the e-mail
form) names a ``SingleSignOnProvider``; its id is kept in the session beside the state, nonce
and PKCE verifier, and the callback reads it back from there. The callback's address is the
site root's (``/sign-in/organisation/callback/``) whatever partnership the sign-in began in: it
is the one address registered with every provider. Anything that goes wrong is a GOV.UK page
saying what the person can do (``sso/refused.html``), and a line in the log saying why.
"""

import logging
import time
from contextlib import contextmanager
from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib import auth
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
    OIDCLogoutView,
)

from agencies.views import landing_url
from partnerships.context import acting_in, partnership_url, root_prefix
from partnerships.middleware import may_enter
from partnerships.models import Partnership

from . import discovery
from .backends import SingleSignOnBackend, provider_settings
from .forms import OrganisationEmailForm
from .models import SingleSignOnProvider
from .refusals import Reason, SignInRefused

logger = logging.getLogger(__name__)

BACKEND = "sso.backends.SingleSignOnBackend"
# What the session keeps of a single sign-on, for signing out at the provider.
SESSION_KEY = "sso"
# How long a sign-in begun may take at the provider before its way back is refused.
STATE_LIFETIME_SECONDS = 30 * 60


@contextmanager
def at_the_site_root():
    """Make addresses (``reverse``) at the site's root, outside any partnership's prefix."""
    previous = get_script_prefix()
    set_script_prefix(root_prefix())
    try:
        yield
    finally:
        set_script_prefix(previous)


def refused(request, reason, provider=None, partnership=None):
    """The page that says why nobody was signed in, and what to do instead."""
    if partnership is None:
        partnership = getattr(request, "partnership", None)
    sign_in = partnership_url(partnership, "login") if partnership else root_prefix() + "sign-in/"
    return render(
        request,
        "sso/refused.html",
        {
            "reason": reason,
            "provider": provider,
            # The password form is offered unless the provider is for people who may not use it.
            "password_allowed": provider is None or provider.allows_password,
            "sign_in_url": sign_in,
        },
        status=reason.status,
    )


@method_decorator([login_not_required, never_cache], name="dispatch")
class OrganisationEmailView(View):
    """The page "Sign in with your organisation's account": the work e-mail address picks the
    provider by its domain, and the sign-in goes on there (the address is passed as
    ``login_hint``).

    The answer is a page with a link to go on, not a redirect: a form's answer may not take
    the browser to another site (CSP form-action 'self', and the start redirects to the
    provider)."""

    def get(self, request):
        return self.show(OrganisationEmailForm(), request.GET.get("next", ""))

    def post(self, request):
        form = OrganisationEmailForm(request.POST)
        next_page = request.POST.get("next", "")
        if not form.is_valid():
            return self.show(form, next_page)
        query = {"login_hint": form.cleaned_data["email"]}
        if next_page:
            query["next"] = next_page
        name = form.provider.name
        return render(
            request,
            "sso/leaving.html",
            {
                "heading": f"Sign in with {name}",
                "explanation": f"You will go to {name} to sign in, then come back here.",
                "button": "Continue",
                "destination": reverse("sso:start", args=[form.provider.pk])
                + "?"
                + urlencode(query),
            },
        )

    def show(self, form, next_page):
        return render(
            self.request, "sso/organisation_email.html", {"form": form, "next": next_page}
        )


@method_decorator([login_not_required, never_cache], name="dispatch")
class StartView(OIDCAuthenticationRequestView):
    """Sends the person to their provider's sign-in, with a new state, nonce and PKCE challenge
    (mozilla-django-oidc's), the provider's id kept with them."""

    def __init__(self, **kwargs):
        # Not the library's __init__: it reads one provider's endpoint from global settings.
        View.__init__(self, **kwargs)
        self.provider = None

    def get_settings(self, attr, *args):
        if self.provider is not None:
            configured = provider_settings(self.provider)
            if attr in configured:
                return configured[attr]
        return super().get_settings(attr, *args)

    def get_extra_params(self, request):
        hint = request.GET.get("login_hint", "")
        return {"login_hint": hint} if "@" in hint and len(hint) <= 254 else {}

    def get(self, request, pk):
        provider = get_object_or_404(SingleSignOnProvider.objects.active(), pk=pk)
        try:
            endpoints = discovery.configuration(provider)
        except SignInRefused as refusal:
            logger.warning("Single sign-on with %s not started: %s", provider, refusal.detail)
            return refused(request, refusal.reason, provider)
        self.provider = provider
        self.OIDC_OP_AUTH_ENDPOINT = endpoints["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = provider.client_id
        partnership = getattr(request, "partnership", None)
        with at_the_site_root():  # the callback's address is the site root's
            response = super().get(request)
        state = parse_qs(urlsplit(response.url).query)["state"][0]
        request.session["oidc_states"][state].update(
            provider=provider.pk, partnership=partnership.pk if partnership else None
        )
        request.session.modified = True
        return response


@method_decorator([login_not_required, never_cache], name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back: the state must be one this session started;
    the backend exchanges the code, checks the ID token and finds the person
    (``sso.matching``); they are signed in, or shown why not."""

    def get(self, request):
        state = request.GET.get("state", "")
        begun = (request.session.get("oidc_states") or {}).pop(state, None) if state else None
        request.session.modified = True
        if not isinstance(begun, dict):
            logger.warning("Single sign-on callback with a state this session did not begin")
            return refused(request, Reason.NOT_COMPLETED)
        if time.time() - begun.get("added_on", 0) > STATE_LIFETIME_SECONDS:
            logger.warning("Single sign-on callback with a state begun too long ago")
            return refused(request, Reason.NOT_COMPLETED)
        provider = SingleSignOnProvider.objects.active().filter(pk=begun.get("provider")).first()
        partnership = Partnership.objects.filter(
            pk=begun.get("partnership"), is_active=True
        ).first()
        if provider is None:
            logger.warning("Single sign-on callback for a provider no longer active")
            return refused(request, Reason.NOT_COMPLETED, partnership=partnership)
        if request.GET.get("error") or not request.GET.get("code"):
            logger.warning(
                "Single sign-on with %s: the provider answered %s (%s)",
                provider,
                request.GET.get("error", "no code"),
                request.GET.get("error_description", "")[:200],
            )
            return refused(request, Reason.NOT_COMPLETED, provider, partnership)
        backend = SingleSignOnBackend()
        try:
            person = backend.authenticate(
                request,
                sso_provider=provider,
                nonce=begun.get("nonce"),
                code_verifier=begun.get("code_verifier"),
            )
        except SignInRefused as refusal:
            logger.warning(
                "Single sign-on with %s refused (%s): %s",
                provider,
                refusal.reason.value,
                refusal.detail,
            )
            return refused(request, refusal.reason, provider, partnership)
        person.backend = BACKEND
        self.user = person
        self.partnership = partnership
        response = self.login_success()
        request.session.pop("oidc_login_next", None)
        request.session[SESSION_KEY] = {"provider": provider.pk, "id_token": backend.id_token}
        logger.info("Signed in with %s: user %s", provider, person.pk)
        return response

    @property
    def success_url(self):
        next_page = self.request.session.get("oidc_login_next")
        if next_page:
            return next_page
        partnership = self.partnership
        if partnership is not None:
            with acting_in(partnership):
                if may_enter(self.user, partnership):
                    return landing_url(self.user)
        return root_prefix()


@method_decorator(login_not_required, name="dispatch")
class SignOutView(OIDCLogoutView):
    """The site's "Sign out" (POST). After a single sign-on, the person is also signed out at
    their provider (RP-initiated logout, where it offers one), which sends them back to the
    sign-in page; otherwise straight to the sign-in page, as Django's sign-out does.

    The way to the provider is a page that goes there at once (``sso/leaving.html``), not a
    redirect: the sign-out form's answer may not take the browser to another site (CSP
    form-action 'self')."""

    def post(self, request):
        at_provider = provider_sign_out_url(request)
        kept = request.session.get(SESSION_KEY) or {}
        provider = SingleSignOnProvider.objects.filter(pk=kept.get("provider")).first()
        auth.logout(request)
        if not at_provider or provider is None:
            return redirect(self.redirect_url)
        return render(
            request,
            "sso/leaving.html",
            {
                "heading": "You have signed out",
                "explanation": f"You are now being signed out of {provider.name} too.",
                "button": f"Sign out of {provider.name}",
                "destination": at_provider,
                "go_at_once": True,
            },
        )


def provider_sign_out_url(request) -> str | None:
    """The provider's end-session address for this session's single sign-on, or None."""
    kept = request.session.get(SESSION_KEY)
    if not request.user.is_authenticated or not isinstance(kept, dict):
        return None
    provider = SingleSignOnProvider.objects.filter(pk=kept.get("provider")).first()
    if provider is None:
        return None
    try:
        endpoint = discovery.configuration(provider).get("end_session_endpoint")
    except SignInRefused as refusal:
        logger.warning("Signing out of %s here only: %s", provider, refusal.detail)
        return None
    if not endpoint:
        return None  # Google, for one, offers no RP-initiated logout
    with at_the_site_root():
        back = request.build_absolute_uri(reverse("login"))
    query = {"post_logout_redirect_uri": back, "client_id": provider.client_id}
    if kept.get("id_token"):
        query["id_token_hint"] = kept["id_token"]
    separator = "&" if urlsplit(endpoint).query else "?"
    return endpoint + separator + urlencode(query)
