"""An oversight body's pages, at the site's root (/oversight/), above the partnerships."""

from django.urls import path

from . import views

app_name = "oversight"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/comparison.xlsx", views.comparison_xlsx, name="xlsx"),
    path("<slug:slug>/comparison.csv", views.comparison_csv, name="csv"),
    path("<slug:slug>/indicators/<slug:definition>/", views.indicator, name="indicator"),
]
