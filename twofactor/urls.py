"""The two-factor pages, under the sign-in's address ("sign-in/", safer_lewisham/urls.py): the
site's own pages, answering at the site's root and under each partnership's prefix, as the
sign-in page does."""

from django.urls import path

from . import views

app_name = "twofactor"
urlpatterns = [
    path("code/", views.code, name="code"),
    path("two-factor/", views.settings, name="settings"),
    path("two-factor/set-up/", views.enrol, name="enrol"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("two-factor/recovery-codes/new/", views.new_recovery_codes, name="new_recovery_codes"),
    path("two-factor/turn-off/", views.turn_off, name="turn_off"),
]
