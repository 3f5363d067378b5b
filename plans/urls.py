from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("<slug:slug>/", views.plan_detail, name="detail"),
]
