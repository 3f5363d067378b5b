"""The legal pages, at a partnership's address (``/p/<slug>/accessibility/``) and at the
site's root (``/accessibility/``, the installation's own)."""

from django.urls import path

from . import views
from .models import Kind

app_name = "legal"

urlpatterns = [
    path(f"{kind.value}/", views.legal_page, {"kind": kind.value}, name=kind.value) for kind in Kind
]
