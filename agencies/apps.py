from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AgenciesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agencies"
    verbose_name = "Agencies and officers"

    def ready(self):
        from django.apps import apps

        from .roles import LAST_PLAN_APP, ensure_roles

        # post_migrate is sent once per app, in INSTALLED_APPS order, and each app's
        # permissions are created when it is sent for that app. The roles need the permissions
        # of every plan app, so they are made when it is sent for the last of them.
        post_migrate.connect(
            ensure_roles, sender=apps.get_app_config(LAST_PLAN_APP), dispatch_uid="ensure_roles"
        )
