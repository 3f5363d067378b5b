"""The public pages: published plans, readable without signing in. Included at public/."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.plan_page, name="plan"),
]
