"""The uploaded file moves out of the database into the default storage (local files, or an
S3-compatible bucket: docs/deployment.md), so that every web server can read what another was
sent. Each existing row's bytes become a file named as new uploads are (progress-spreadsheets/<partnership
id>/<random name>); migrating back puts the bytes into the database again and deletes the files.

The naming is written out here rather than imported, so that this migration does what it did
whatever the code becomes. A migration that fails half way may leave some files in the storage
that no row names; nothing reads them, and they can be deleted.
"""

import secrets
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import migrations, models, transaction

import bulkupdates.models

SUFFIXES = (".xlsx", ".xls", ".csv")


def kept_name(partnership_id, filename):
    suffix = PurePath(filename or "").suffix.lower()
    suffix = suffix if suffix in SUFFIXES else ""
    return f"progress-spreadsheets/{partnership_id}/{secrets.token_hex(16)}{suffix}"


def content_to_files(apps, schema_editor):
    Record = apps.get_model("bulkupdates", "ProgressUpload")
    records = Record.objects.using(schema_editor.connection.alias).select_related("plan")
    for record in records.only("pk", "filename", "content", "plan__partnership_id").iterator():
        name = default_storage.save(
            kept_name(record.plan.partnership_id, record.filename),
            ContentFile(bytes(record.content or b"")),
        )
        records.filter(pk=record.pk).update(file=name)


def files_to_content(apps, schema_editor):
    Record = apps.get_model("bulkupdates", "ProgressUpload")
    alias = schema_editor.connection.alias
    records = Record.objects.using(alias).exclude(file="")
    for pk, name in records.values_list("pk", "file").iterator():
        try:
            with default_storage.open(name, "rb") as file:
                content = file.read()
        except FileNotFoundError:
            content = b""
        records.filter(pk=pk).update(content=content)
        # Once the bytes are back in the database for good.
        transaction.on_commit(lambda name=name: default_storage.delete(name), using=alias)


class Migration(migrations.Migration):
    dependencies = [
        ("bulkupdates", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="progressupload",
            name="file",
            field=models.FileField(
                default="",
                help_text="The file as uploaded, in the default storage (its own name is filename).",
                max_length=255,
                upload_to=bulkupdates.models.upload_file_name,
            ),
            preserve_default=False,
        ),
        migrations.RunPython(content_to_files, files_to_content),
        # An empty default first, so that migrating back can add the column to existing rows
        # before files_to_content fills it.
        migrations.AlterField(
            model_name="progressupload",
            name="content",
            field=models.BinaryField(default=b"", help_text="The file as uploaded."),
        ),
        migrations.RemoveField(model_name="progressupload", name="content"),
    ]
