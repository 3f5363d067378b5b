from django.apps import AppConfig


class BulkUpdatesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "bulkupdates"
    verbose_name = "Progress spreadsheets"
