"""The completion statuses every partnership starts with; administrators may add and rename."""

from django.db import migrations

STATUSES = [
    # name, slug, counts as complete, is the default
    ("Not started", "not-started", False, True),
    ("In progress", "in-progress", False, False),
    ("Complete", "complete", True, False),
    ("Complete with caveats", "complete-with-caveats", True, False),
    ("Deferred", "deferred", False, False),
    ("Cancelled", "cancelled", False, False),
]


def create_statuses(apps, schema_editor):
    CompletionStatus = apps.get_model("actions", "CompletionStatus")
    for order, (name, slug, counts_as_complete, is_default) in enumerate(STATUSES, start=1):
        CompletionStatus.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "order": order * 10,
                "counts_as_complete": counts_as_complete,
                "is_default": is_default,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("actions", "0001_initial")]

    operations = [migrations.RunPython(create_statuses, migrations.RunPython.noop)]
