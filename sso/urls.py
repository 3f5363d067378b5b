"""Single sign-on's pages, at the site's root and under each partnership's prefix (a site page:
partnerships/middleware.py). The callback is always reached at the root: it is the address
registered with the providers."""

from django.urls import path

from . import views

app_name = "sso"
urlpatterns = [
    path("sign-in/organisation/", views.OrganisationEmailView.as_view(), name="by_email"),
    path("sign-in/organisation/<int:pk>/", views.StartView.as_view(), name="start"),
    path("sign-in/organisation/callback/", views.CallbackView.as_view(), name="callback"),
]
