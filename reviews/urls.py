"""The quarterly reviews' pages, included at the site's root (safer_lewisham/urls.py) so that the
plan's quarters and the dashboard share the one "reviews" namespace."""

from importlib import import_module

from django.urls import include, path, register_converter

from . import views


class QuarterConverter:
    """A quarter's number in an address: 1 to 4, anything else is not found (404)."""

    regex = "[1-4]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(QuarterConverter, "quarter")


def lazy(module: str, name: str):
    """A view imported when it is first called, not when the URLs load: the pack, exports and
    dashboard are written alongside these pages, and a half-finished module of theirs should not
    stop every other page from loading."""

    def view(request, *args, **kwargs):
        return getattr(import_module(module), name)(request, *args, **kwargs)

    view.__name__ = view.__qualname__ = name
    view.__module__ = module
    return view


app_name = "reviews"

quarter_patterns = [
    path("<quarter:quarter>/", views.quarter, name="quarter"),
    path("<quarter:quarter>/actions/", views.quarter_actions, name="actions"),
    path("<quarter:quarter>/close/", views.close_quarter, name="close"),
    path("<quarter:quarter>/reopen/", views.reopen_quarter, name="reopen"),
    path("<quarter:quarter>/pack.pdf", lazy("reviews.exports", "pack_pdf"), name="pack"),
    path("<quarter:quarter>/actions.xlsx", lazy("reviews.exports", "actions_xlsx"), name="xlsx"),
    path("<quarter:quarter>/actions.csv", lazy("reviews.exports", "actions_csv"), name="csv"),
]

urlpatterns = [
    path("plans/<slug:slug>/quarters/", include(quarter_patterns)),
    path("dashboard/", lazy("reviews.dashboard", "dashboard"), name="dashboard"),
]
