from django.urls import path

from . import views

app_name = "invitations"

urlpatterns = [
    path("", views.invitation_list, name="list"),
    path("new/", views.invite, name="invite"),
    path("upload/", views.upload, name="upload"),
    path("upload/check/", views.preview, name="preview"),
    path("<int:pk>/send-again/", views.resend, name="resend"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("join/<str:token>/", views.accept, name="accept"),
]
