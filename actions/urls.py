from django.urls import path

from . import views

app_name = "actions"

urlpatterns = [
    path("<int:pk>/", views.action_detail, name="detail"),
    path("<int:pk>/update/", views.record_progress, name="update"),
]

# The plan's pages made of its actions, at the plan's addresses: safer_lewisham/urls.py puts them
# in the "plans" namespace, beside the plans app's own.
plan_urlpatterns = [
    path("<slug:slug>/", views.plan_detail, name="detail"),
    path("<slug:slug>/roll-forward/", views.roll_forward, name="roll_forward"),
]
