"""Uploaded spreadsheets kept in the file storage between their preview and their confirmation,
and afterwards as the record of what was done with them: how each is named there, read back and
deleted with its record. The plan imports (imports/) and the progress spreadsheets
(bulkupdates/) keep theirs alike, in the default storage (settings.STORAGES: local files, or
an S3-compatible bucket, so that any web server reads what another was sent).
"""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.db import transaction

from .reading import SUFFIXES, UnreadableFile

NO_LONGER_KEPT = "The uploaded file is no longer kept: upload it again."


def kept_name(folder: str, partnership_id: int, filename: str) -> str:
    """Where an uploaded file is kept: ``<folder>/<partnership id>/<random>.xlsx``.

    Never the uploader's own file name, which may say more than it should and may clash with
    another's; the record keeps that name for people to read. The suffix stays when it is one
    we read, so that someone looking in the bucket knows the kind of file."""
    suffix = PurePath(filename or "").suffix.lower()
    suffix = suffix if suffix in SUFFIXES else ""
    return f"{folder}/{partnership_id}/{secrets.token_hex(16)}{suffix}"


def read_kept(file) -> bytes:
    """The kept file's bytes (``file``: a record's FieldFile). Raises UnreadableFile if the
    store no longer has it."""
    if not file:
        raise UnreadableFile(NO_LONGER_KEPT)
    try:
        # Opened through its storage, not the FieldFile, which would keep the file open on the
        # record.
        with file.storage.open(file.name, "rb") as opened:
            return opened.read()
    except FileNotFoundError:
        raise UnreadableFile(NO_LONGER_KEPT) from None


def delete_kept_file(sender, instance, **kwargs):
    """A post_delete receiver: the deleted record's kept file (its ``file``) is deleted too,
    once the deletion is committed, so that a deletion rolled back leaves the file its record
    needs. Deleting a plan deletes its records, and so their files, this way as well."""
    file = instance.file
    if file:
        storage, name = file.storage, file.name
        transaction.on_commit(lambda: storage.delete(name), using=kwargs.get("using"))
