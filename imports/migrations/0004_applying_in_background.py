"""A confirmed import is applied by a background job (imports/tasks.py): the status "being
imported" while it runs, when it was confirmed (to give up on a job lost), and why the last
confirmation imported nothing."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0003_file_in_storage"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalplanimport",
            name="confirmed_at",
            field=models.DateTimeField(
                blank=True, help_text="When it was last confirmed, and its job started.", null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalplanimport",
            name="error",
            field=models.TextField(
                blank=True,
                help_text="Why the last confirmation imported nothing (the plan changed, the file has problems, the job failed), for the administrator; blank otherwise.",
            ),
        ),
        migrations.AddField(
            model_name="planimport",
            name="confirmed_at",
            field=models.DateTimeField(
                blank=True, help_text="When it was last confirmed, and its job started.", null=True
            ),
        ),
        migrations.AddField(
            model_name="planimport",
            name="error",
            field=models.TextField(
                blank=True,
                help_text="Why the last confirmation imported nothing (the plan changed, the file has problems, the job failed), for the administrator; blank otherwise.",
            ),
        ),
        migrations.AlterField(
            model_name="historicalplanimport",
            name="status",
            field=models.CharField(
                choices=[
                    ("previewed", "Previewed, not imported"),
                    ("applying", "Being imported"),
                    ("imported", "Imported"),
                ],
                default="previewed",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="planimport",
            name="status",
            field=models.CharField(
                choices=[
                    ("previewed", "Previewed, not imported"),
                    ("applying", "Being imported"),
                    ("imported", "Imported"),
                ],
                default="previewed",
                max_length=20,
            ),
        ),
    ]
