from django.urls import path

from . import lifecycle_views, publishing_views, rollforward_views, views

app_name = "plans"

urlpatterns = [
    path("<slug:slug>/", views.plan_detail, name="detail"),
    # The plan's year: moving it through its statuses (draft → consultation → signed off →
    # active → closed), rolling it forward into next year's plan, publishing it.
    path("<slug:slug>/status/", lifecycle_views.change_status, name="status"),
    path("<slug:slug>/roll-forward/", rollforward_views.roll_forward, name="roll_forward"),
    path("<slug:slug>/publish/", publishing_views.publish, name="publish"),
]
