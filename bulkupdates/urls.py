"""Recording many actions' progress at once from a spreadsheet: download, upload, confirm."""

from django.urls import path

from . import views

app_name = "bulkupdates"

urlpatterns = [
    path("", views.start, name="start"),
    path("download/<slug:slug>/<int:quarter>/", views.download, name="download"),
    path("uploads/<int:pk>/", views.upload, name="upload"),
]
