#!/usr/bin/env python3
"""Put a backup made by deploy/backup.py back: the database and the uploaded files.

    deploy/restore.py /var/backups/safer-lewisham/safer-lewisham-20261207-0700 --yes

replaces the database DATABASE_URL names and the files in MEDIA_ROOT (the same settings as the
service; see backup.py) with the backup's. A backup of a service keeping its uploaded files in
a bucket (STORAGE_BUCKET) holds the database alone: the files in the bucket are left as they
are (the store's versioning gives back earlier ones, docs/operations.md).

It first checks every file of the backup against its manifest, and refuses a damaged or
incomplete backup before touching anything. Without --yes it only checks the backup and says
what it would replace.

Stop the service's web servers and workers first (docs/operations.md); run `manage.py migrate`
afterwards if the code is newer than the backup. PostgreSQL: the database must exist (empty or
not: every table the backup holds is dropped and restored). SQLite: the file is replaced.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from backup import (
    FORMAT,
    bucket,
    copy_sqlite,
    database,
    media_root,
    postgres_environment,
    sha256,
)


class BadBackup(Exception):
    """The backup cannot be restored: the message says why."""


def check(folder: Path) -> dict:
    """The backup's manifest, once every file it lists is there and unchanged."""
    try:
        manifest = json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        raise BadBackup(f"{folder} has no readable manifest.json ({error}).") from None
    if manifest.get("format") != FORMAT:
        raise BadBackup(f"{folder} was made by another version of backup.py.")
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BadBackup(f"{name} is missing from {folder}.")
        if path.stat().st_size != expected["bytes"] or sha256(path) != expected["sha256"]:
            raise BadBackup(f"{name} in {folder} is not the file the backup wrote: damaged.")
    return manifest


def restore(folder: Path) -> None:
    manifest = check(folder)
    db = database()
    kind = manifest["database"]
    if kind == "postgresql":
        if not db["ENGINE"].endswith("postgresql"):
            raise BadBackup("This is a PostgreSQL backup, and DATABASE_URL is not PostgreSQL.")
        subprocess.run(  # noqa: S603 - a fixed program and arguments
            [  # noqa: S607 - the PATH's pg_restore, of the server's PostgreSQL
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={db['NAME']}",
                str(folder / "database.dump"),
            ],
            env=postgres_environment(db),
            check=True,
        )
    elif kind == "sqlite":
        if not db["ENGINE"].endswith("sqlite3"):
            raise BadBackup("This is an SQLite backup, and DATABASE_URL is not SQLite.")
        copy_sqlite(folder / "database.sqlite3", Path(db["NAME"]))
    else:
        raise BadBackup(f"The backup's database is {kind!r}, which restore.py does not know.")
    if "media.tar.gz" in manifest["files"]:
        _restore_media(folder / "media.tar.gz", media_root())


def _restore_media(archive_path: Path, root: Path) -> None:
    """MEDIA_ROOT's files become the backup's: unpacked beside it first, then swapped in."""
    root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=root.parent) as unpacked:
        with tarfile.open(archive_path, "r:gz") as archive:
            # "data": no absolute paths, no links out, no devices (Python's safe extraction).
            archive.extractall(unpacked, filter="data")
        restored = Path(unpacked) / "media"
        restored.mkdir(exist_ok=True)
        if root.exists():
            for child in root.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        else:
            root.mkdir()
        for child in restored.iterdir():
            shutil.move(str(child), root / child.name)


def what_is_replaced(manifest: dict) -> str:
    """What restoring the backup replaces, and where the uploaded files are if not in it."""
    if "media.tar.gz" in manifest["files"]:
        replaced = f"the database ({database()['NAME']}) and the files in {media_root()}"
        if bucket():
            replaced += (
                f" (the service now keeps its uploaded files in the bucket {bucket()}: copy "
                f"the restored files there, docs/operations.md)"
            )
        return replaced
    return (
        f"the database ({database()['NAME']}) only: the uploaded files were in the bucket "
        f"{manifest.get('uploaded_files_in_bucket', '')}, which keeps them"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("backup", type=Path, help="the backup's folder (backup.py printed it)")
    parser.add_argument("--yes", action="store_true", help="replace the data: no question")
    arguments = parser.parse_args(argv)
    try:
        manifest = check(arguments.backup)
        if not arguments.yes:
            print(
                f"The backup of {manifest['created']} is complete. Restoring it replaces "
                f"{what_is_replaced(manifest)}: run again with --yes to do so."
            )
            return 0
        restore(arguments.backup)
    except BadBackup as error:
        print(f"Nothing was restored: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        print(f"The database could not be restored: {error}", file=sys.stderr)
        return 1
    print(f"Restored the backup of {manifest['created']}: {what_is_replaced(manifest)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
