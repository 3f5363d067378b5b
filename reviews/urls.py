"""The quarterly reviews' pages, included at the site's root (safer_lewisham/urls.py) so that the
plan's quarters and the dashboard share the one "reviews" namespace."""

from django.urls import include, path, register_converter

from .views import closing, dashboard, downloads, quarter


class QuarterConverter:
    """A quarter's number in an address: 1 to 4, anything else is not found (404)."""

    regex = "[1-4]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(QuarterConverter, "quarter")


app_name = "reviews"

quarter_patterns = [
    path("<quarter:quarter>/", quarter.quarter, name="quarter"),
    path("<quarter:quarter>/actions/", quarter.quarter_actions, name="actions"),
    path("<quarter:quarter>/close/", closing.close_quarter, name="close"),
    path("<quarter:quarter>/reopen/", closing.reopen_quarter, name="reopen"),
    path("<quarter:quarter>/pack.pdf", downloads.pack_pdf, name="pack"),
    path("<quarter:quarter>/pack/<int:pk>/", downloads.prepared_pack, name="prepared_pack"),
    path(
        "<quarter:quarter>/pack/<int:pk>/pack.pdf",
        downloads.prepared_pack_download,
        name="prepared_pack_download",
    ),
    path("<quarter:quarter>/actions.xlsx", downloads.actions_xlsx, name="xlsx"),
    path("<quarter:quarter>/actions.csv", downloads.actions_csv, name="csv"),
]

urlpatterns = [
    path("plans/<slug:slug>/quarters/", include(quarter_patterns)),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
]
