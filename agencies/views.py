"""Signing in: Django's sign-in view, sending each role to where its work starts."""

from django.contrib.auth.views import LoginView
from django.shortcuts import resolve_url

from .forms import SignInForm
from .roles import lands_on_my_actions


class SignInView(LoginView):
    """Django's sign-in page with GOV.UK markup. Without a (safe) `next` page to return to, an
    officer lands on their own actions and everyone else on the plans."""

    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if self.next_page:
            return resolve_url(self.next_page)
        if lands_on_my_actions(self.request.user):
            return resolve_url("actions:mine")
        return resolve_url("home")
