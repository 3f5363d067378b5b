"""The site's URLs: each app brings its own; sign-in and admin are Django's."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from actions import urls as action_urls
from agencies.reset_forms import NewPasswordForm, ResetRequestForm
from agencies.views import NewPasswordView, SignInView
from partnerships import views as partnership_views
from plans import urls as plan_urls
from rounds import views as round_views
from sso.views import SignOutView

from . import views as site_views

urlpatterns = [
    path("", site_views.home, name="home"),
    # A plan's pages, in the one "plans" namespace: its status and publishing are the plans app's,
    # its page and rolling it forward the actions app's (they list and carry actions, and actions
    # stands above plans, which may not import it).
    path("plans/", include(([*plan_urls.urlpatterns, *action_urls.plan_urlpatterns], "plans"))),
    # Comments on a plan out for consultation, and the administrators' list of them.
    path("plans/<slug:slug>/comments/", include("consultation.urls")),
    # Published plans, readable without signing in.
    path("public/", include("public.urls")),
    # The actions' pages and My updates, in the one "actions" namespace: My updates belongs to the
    # update round (rounds), which stands above the actions it lists.
    path(
        "actions/",
        include(
            (
                [*action_urls.urlpatterns, path("mine/", round_views.my_updates, name="mine")],
                action_urls.app_name,
            )
        ),
    ),
    # Recording many actions' progress at once from a spreadsheet (bulkupdates/urls.py).
    path("actions/spreadsheet/", include("bulkupdates.urls")),
    # Performance indicators: an indicator's page, recording its values, overriding a rating.
    path("indicators/", include("indicators.urls")),
    # The quarterly reviews ("plans/<slug>/quarters/...") and the dashboard ("dashboard/"): one
    # include, so that both are in the one "reviews" namespace (reviews/urls.py).
    path("", include("reviews.urls")),
    # An oversight body's pages, above the partnerships it covers (at the site's root).
    path("oversight/", include("oversight.urls")),
    # The legal pages (accessibility statement, privacy notice, cookies): each partnership's, and
    # the installation's own at the site's root. Open to anyone.
    path("", include("legal.urls")),
    # Inviting people to a partnership, and the invitation's link.
    path("invitations/", include("invitations.urls")),
    path("sign-in/", SignInView.as_view(), name="login"),
    # Two-factor authentication: the code while signing in, setting it up, recovery codes.
    path("sign-in/", include("twofactor.urls")),
    # Signing in with an organisation's account (single sign-on, sso/urls.py).
    path("", include("sso.urls")),
    # Open to anyone: someone whose session has already run out can still press "Sign out".
    # After a single sign-on it also signs out at the provider (sso.views.SignOutView).
    path("sign-out/", login_not_required(SignOutView.as_view()), name="logout"),
    # Password reset by e-mail: Django's views (open to anyone), with GOV.UK forms and wording.
    path(
        "sign-in/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=ResetRequestForm,
            email_template_name="registration/password_reset_email.txt",
        ),
        name="password_reset",
    ),
    path(
        "sign-in/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "sign-in/reset/<uidb64>/<token>/",
        NewPasswordView.as_view(form_class=NewPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "sign-in/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("favicon.ico", site_views.favicon, name="favicon"),
    # The partnership's logo, for its header and public pages (under its /p/<slug>/ only).
    path("logo/", partnership_views.logo, name="partnership_logo"),
]

# An unhandled error's page; a database that cannot be reached gets "service unavailable" (503).
handler500 = site_views.server_error
