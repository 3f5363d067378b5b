"""Each partnership's pages under an address of its own: ``/p/<slug>/``.

A request to ``/p/<slug>/...`` is served by the same URLs as the site's root, in that
partnership (``partnerships.context.acting_in``): its queries see its rows only, its people's
roles apply, and every link made on the page (``reverse``, ``{% url %}``) carries the prefix.
A signed-in person who is not of the partnership (nor of a body that oversees it, nor a site
administrator) gets 404 for every one of its addresses but its public and legal pages, as if
it did not exist. An address of the single-partnership days (``/plans/...``) redirects to the
same page of the person's partnership.
"""

import re

from django.http import Http404
from django.shortcuts import redirect
from django.views.defaults import page_not_found

from .context import acting_in, everywhere, nowhere, roles_and_addresses_of, root_prefix
from .models import Membership, Partnership, Role

PREFIX = re.compile(r"^/p/(?P<slug>[-a-zA-Z0-9_]+)(?P<rest>/.*)$")
LAST_PARTNERSHIP_KEY = "partnership"

# The site's own pages: they belong to no partnership, and answer the same under any prefix.
SITE_VIEWS = {
    "home",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "favicon",
}
# The legal pages (accessibility statement, privacy notice, cookies) have the installation's own
# version at the site's root as well as each partnership's, as admin has.
SITE_NAMESPACES = {"admin", "oversight", "twofactor", "sso", "legal"}
# The site's pages that have no partnership's version (admin has: the partnership's own).
ROOT_ONLY_NAMESPACES = {"oversight"}
# A partnership's pages that anyone may read: they are the partnership's public face.
# Signing in with an organisation's account (sso) is open to anyone, as the sign-in page is.
# Its legal pages are public information, for anyone to read (of another partnership too).
# Two-factor authentication (twofactor) is a step of signing in and a person's own setting: it
# shows nothing of the partnership, and answers under any partnership's address.
OPEN_NAMESPACES = {"public", "sso", "legal", "twofactor"}
OPEN_VIEWS = (SITE_VIEWS - {"home"}) | {"partnership_logo"}
# Single pages of a partnership open to anyone, by their namespaced names: an invitation's link
# (someone of another partnership, signed in, joins with their account).
OPEN_NAMESPACED_VIEWS = {"invitations:accept"}
# The pages of a partnership that the people of a body overseeing it read: its plans, its
# quarters with their figures, lists, packs and exports. Not an action's or indicator's own page
# (their history names officers), not consultation, not recording anything: 404, as for
# anyone not of the partnership.
OVERSIGHT_VIEWS = {
    "home",
    "plans:detail",
    "reviews:quarter",
    "reviews:actions",
    "reviews:pack",
    "reviews:prepared_pack",
    "reviews:prepared_pack_download",
    "reviews:xlsx",
    "reviews:csv",
    "reviews:dashboard",
}


class PartnershipMiddleware:
    """Finds the partnership of the address, and does the rest of the request in it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = PREFIX.match(request.path_info)
        if match is None:
            request.partnership = None
            request.membership = None
            whole_site = request.user.is_superuser and request.path_info.startswith("/admin/")
            with roles_and_addresses_of(None, "/"), everywhere() if whole_site else nowhere():
                return self.get_response(request)
        partnership = Partnership.objects.filter(slug=match["slug"], is_active=True).first()
        if partnership is None:
            request.partnership = None
            return not_there(request)
        request.path_info = match["rest"]
        request.partnership = partnership
        user = request.user
        with acting_in(partnership):
            request.membership = membership_of(user, partnership)
        # Someone of an oversight body that covers the partnership (and not of it) reads it as
        # the body: only its signed-off work, only the pages of OVERSIGHT_VIEWS.
        request.reads_as_oversight = (
            request.membership is None
            and user.is_authenticated
            and not user.is_superuser
            and oversees(user, partnership)
        )
        with acting_in(partnership, oversight=request.reads_as_oversight):
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        partnership = request.partnership
        if partnership is None:
            if _is_site_page(match):
                return None
            return redirect_to_partnership(request)
        if set(match.namespaces) & ROOT_ONLY_NAMESPACES:
            # Above the partnerships: at the site's root, whatever address it was asked at.
            return redirect(
                root_prefix() + request.get_full_path().removeprefix(partnership.prefix)
            )
        user = request.user
        if not user.is_authenticated or _is_open(match):
            return None
        if request.reads_as_oversight:
            if match.view_name in OVERSIGHT_VIEWS:
                return None
            raise Http404("Not a page an oversight body reads.")
        if user.is_superuser or request.membership is not None:
            if request.session.get(LAST_PARTNERSHIP_KEY) != partnership.pk:
                request.session[LAST_PARTNERSHIP_KEY] = partnership.pk
            return None
        return not_there(request)


def not_there(request):
    """The site's "Page not found", as for an address that never existed: drawn at the site's
    root, outside the partnership, so that it shows neither the partnership's name nor links
    into it (a person of another partnership must not learn that it exists)."""
    request.partnership = None
    request.membership = None
    with roles_and_addresses_of(None, "/"), nowhere():
        response = page_not_found(request, Http404("No such partnership."))
        # Drawn now, while the site's root is in force (a template response would be drawn
        # later, inside the partnership).
        if hasattr(response, "render"):
            response.render()
    return response


def _is_site_page(match):
    return (match.url_name in SITE_VIEWS and not match.namespace) or bool(
        set(match.namespaces) & SITE_NAMESPACES
    )


def _is_open(match):
    return (
        (match.url_name in OPEN_VIEWS and not match.namespace)
        or bool(set(match.namespaces) & OPEN_NAMESPACES)
        or match.view_name in OPEN_NAMESPACED_VIEWS
    )


def membership_of(user, partnership):
    """The person's membership of the partnership (None for none), kept on the user for the
    permission checks that follow (backends.PartnershipRoleBackend)."""
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user=user, partnership=partnership).first()
    known = getattr(user, "_memberships", None)
    if known is None:
        known = user._memberships = {}
    known[partnership.pk] = membership
    return membership


def may_enter(user, partnership) -> bool:
    """Whether a signed-in person may see the partnership's pages at all: its people, the
    people of a body that oversees it, and site administrators."""
    return user.is_authenticated and (
        user.is_superuser
        or Membership.objects.filter(user=user, partnership=partnership).exists()
        or oversees(user, partnership)
    )


def oversees(user, partnership) -> bool:
    """Whether the person is of an oversight body that covers the partnership."""
    if not user.is_authenticated:
        return False
    return partnership.overseen_by.filter(members=user).exists()


def partnerships_of(user):
    """The open partnerships a person may work in: theirs, or every one for a superuser."""
    partnerships = Partnership.objects.filter(is_active=True)
    if not user.is_authenticated:
        return partnerships.none()
    if user.is_superuser:
        return partnerships
    return partnerships.filter(memberships__user=user).distinct()


def chosen_partnership(request):
    """The partnership an address without one means for this person: the one they last
    worked in, else their only one; for someone signed out, the installation's only one."""
    user = request.user
    if not user.is_authenticated:
        only = list(Partnership.objects.filter(is_active=True)[:2])
        return only[0] if len(only) == 1 else None
    mine = partnerships_of(user)
    last = request.session.get(LAST_PARTNERSHIP_KEY)
    if isinstance(last, int):
        found = mine.filter(pk=last).first()
        if found is not None:
            return found
    only = list(mine[:2])
    return only[0] if len(only) == 1 else None


def redirect_to_partnership(request):
    """An address of a partnership's page without the partnership (as every address was
    before partnerships): the same page of the person's partnership, or the choice of
    partnerships where there is no one answer."""
    partnership = chosen_partnership(request)
    if partnership is None:
        if request.user.is_authenticated:
            return redirect("home")
        return None  # sign-in is asked for, or the root public page lists the partnerships
    return redirect(partnership.prefix.rstrip("/") + request.get_full_path())


def can_administer(request) -> bool:
    """Whether Plan administration (Django admin) is open to the person here: on a
    partnership's pages, to its administrators; on the site's root, to site administrators."""
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    membership = getattr(request, "membership", None)
    return membership is not None and membership.role == Role.ADMINISTRATOR
