from django.apps import AppConfig


class PreparedFilesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "preparedfiles"
    verbose_name = "Prepared files"
