"""The plan's own pages, in the "plans" namespace that safer_lewisham/urls.py composes with the
plan pages of the actions app (the plan's page, rolling it forward)."""

from django.urls import path

from . import views

urlpatterns = [
    # The plan's year: moving it through its statuses (draft → consultation → signed off →
    # active → closed), and publishing it.
    path("<slug:slug>/status/", views.change_status, name="status"),
    path("<slug:slug>/publish/", views.publish, name="publish"),
]
