from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("<int:pk>/", views.indicator_detail, name="detail"),
    path("<int:pk>/record/", views.record_value, name="record"),
    path("<int:pk>/override/", views.override_rating, name="override"),
]
