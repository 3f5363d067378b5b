from django.contrib.admin.apps import AdminConfig


class PlanAdminConfig(AdminConfig):
    """Django admin, with the site that is each partnership's Plan administration."""

    default_site = "partnerships.admin_site.PartnershipAdminSite"

    def ready(self):
        super().ready()  # every app's admin.py, django-celery-results' among them
        from django.contrib import admin

        from .admin import register

        register(admin.site)
        # Every write a page could show moves the data's versions (changes.py), in every
        # process: web servers, workers, management commands. Imported here, so that its
        # connection_created receiver is connected before the first connection opens.
        from . import changes

        changes.watch_open_connections()
