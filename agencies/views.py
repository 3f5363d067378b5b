"""Signing in: Django's sign-in view, sending each role to where its work starts, and the new
password page of the password reset, which also lifts a sign-in lockout."""

from axes.utils import reset as reset_failed_sign_ins
from django.contrib.auth.views import LoginView, PasswordResetConfirmView
from django.shortcuts import resolve_url

from partnerships.context import root_prefix
from partnerships.middleware import may_enter
from twofactor.signing_in import second_step

from .forms import SignInForm
from .roles import lands_on_my_actions


class SignInView(LoginView):
    """Django's sign-in page with GOV.UK markup, then the second factor where one is due.
    Without a (safe) `next` page to return to, an officer lands on their own actions; the chair,
    members and administrators (everyone else who may read the plans) on the dashboard; anyone
    else on the home page."""

    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        # The right password: administrators, and anyone with an authenticator app, have a code
        # to type before they are signed in (twofactor/signing_in.py).
        pending = second_step(self.request, form.get_user(), next_page=self.get_redirect_url())
        return pending or super().form_valid(form)

    def get_default_redirect_url(self):
        if self.next_page:
            return resolve_url(self.next_page)
        partnership = getattr(self.request, "partnership", None)
        if partnership is not None and not may_enter(self.request.user, partnership):
            # Signed in on another partnership's sign-in page: to the site's root, which
            # takes them to their own partnership (or the choice of theirs).
            return root_prefix()
        return landing_url(self.request.user)


def landing_url(user) -> str:
    """Where a person's work starts in the partnership in force (the site's root page, which
    chooses one, where none is)."""
    if lands_on_my_actions(user):
        return resolve_url("actions:mine")
    if user.has_perm("plans.view_annualplan"):
        return resolve_url("reviews:dashboard")
    return resolve_url("home")


class NewPasswordView(PasswordResetConfirmView):
    """Django's "choose a new password" page of the password reset. Whoever has just proved
    they own the account's e-mail address may sign in straight away, so their failed sign-ins
    are forgotten and any lockout (see agencies/lockout.py) ends."""

    def form_valid(self, form):
        response = super().form_valid(form)
        username = form.user.get_username()
        if username:  # an empty username would make axes forget everyone's failed sign-ins
            reset_failed_sign_ins(username=username)
        return response
