"""The site's URLs: each app brings its own; sign-in and admin are Django's."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from agencies.forms import SignInForm
from plans import views as plan_views

from . import views as site_views

admin.site.site_header = f"{settings.PARTNERSHIP_NAME}: plan administration"
admin.site.site_title = "Plan administration"
admin.site.index_title = "Set up strategies, plans, priorities, strands and actions"

urlpatterns = [
    path("", plan_views.home, name="home"),
    path("plans/", include("plans.urls")),
    path("actions/", include("actions.urls")),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html",
            authentication_form=SignInForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("favicon.ico", site_views.favicon),
]
