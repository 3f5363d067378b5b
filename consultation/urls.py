"""Comments on a plan during consultation, included at plans/<slug>/comments/ (so every view
receives the plan's slug)."""

from django.urls import path

from . import views

app_name = "consultation"

urlpatterns = [
    path("", views.comment_list, name="list"),
    path("new/", views.add_comment, name="add"),
    path("<int:pk>/address/", views.address_comment, name="address"),
    path("<int:pk>/reopen/", views.reopen_comment, name="reopen"),
]
