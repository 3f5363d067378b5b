from django.contrib.admin.apps import AdminConfig


class PlanAdminConfig(AdminConfig):
    """Django admin, with the site that is each partnership's Plan administration."""

    default_site = "partnerships.admin_site.PartnershipAdminSite"

    def ready(self):
        super().ready()  # every app's admin.py, django-celery-results' among them
        from django.contrib import admin

        from .admin import register

        register(admin.site)
