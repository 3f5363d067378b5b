"""Signing in: Django's sign-in view, sending each role to where its work starts."""

from django.contrib.auth.views import LoginView
from django.shortcuts import resolve_url

from .forms import SignInForm
from .roles import lands_on_my_actions


class SignInView(LoginView):
    """Django's sign-in page with GOV.UK markup. Without a (safe) `next` page to return to, an
    officer lands on their own actions; the chair, members and administrators (everyone else
    who may read the plans) on the dashboard; anyone else on the home page."""

    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if self.next_page:
            return resolve_url(self.next_page)
        user = self.request.user
        if lands_on_my_actions(user):
            return resolve_url("actions:mine")
        if user.has_perm("plans.view_annualplan"):
            return resolve_url("reviews:dashboard")
        return resolve_url("home")
