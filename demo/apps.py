from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The Safer Lewisham demo: its data file, the loader that writes it to the database and
    `seed_demo`. An app of its own, above every other, because the data fills them all."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "Demo data"
