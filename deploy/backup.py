#!/usr/bin/env python3
"""Back up the service: its database and its uploaded files, into one dated folder.

    deploy/backup.py /var/backups/safer-lewisham

reads the same settings as the service (DATABASE_URL, MEDIA_ROOT and STORAGE_BUCKET, from the
environment; the defaults are the checkout's SQLite file and media/ folder, as for `make run`)
and writes

    /var/backups/safer-lewisham/safer-lewisham-20261207-0700/
        database.dump       PostgreSQL: pg_dump's custom format (pg_restore reads it)
        database.sqlite3    or SQLite: a consistent copy made with SQLite's backup API
        media.tar.gz        the uploaded files (MEDIA_ROOT), unless they are in a bucket
        manifest.json       when, what, and each file's size and SHA-256

and prints the folder's path. With STORAGE_BUCKET set, the uploaded files are in that bucket of
an S3-compatible store, not on this machine: the backup is of the database alone, says so, and
names the bucket in its manifest; keeping the files' earlier versions is the store's job (its
versioning and replication, docs/operations.md).

Nothing in the running service is stopped: pg_dump and SQLite's backup API both copy a
consistent state while it runs. deploy/restore.py puts a backup back; docs/operations.md is the
runbook. Standard library and dj-database-url only, so that it runs from the service's virtual
environment or image without Django's settings (no SECRET_KEY).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
from datetime import UTC, datetime
from pathlib import Path

import dj_database_url

CHECKOUT = Path(__file__).resolve().parents[1]
FORMAT = 1  # the manifest's format: restore.py refuses one it does not know


def database() -> dict:
    """The database the service uses, as settings.py finds it."""
    return dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{CHECKOUT / 'db.sqlite3'}"
    )


def media_root() -> Path:
    return Path(os.environ.get("MEDIA_ROOT") or CHECKOUT / "media")


def bucket() -> str:
    """The bucket the uploaded files are kept in (STORAGE_BUCKET, as settings.py reads it), or
    "" when they are in MEDIA_ROOT."""
    return os.environ.get("STORAGE_BUCKET", "")


def postgres_environment(db: dict) -> dict:
    """The environment pg_dump and pg_restore take their connection from (the password never
    on a command line, where other users of the machine could read it)."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy an SQLite database with SQLite's backup API: one consistent state, even while the
    service writes to it (a plain file copy could catch a write half done)."""
    reading = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    writing = sqlite3.connect(target)
    try:
        with writing:
            reading.backup(writing)
    finally:
        reading.close()
        writing.close()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def back_up(destination: Path) -> Path:
    db = database()
    now = datetime.now(UTC)
    folder = destination / f"safer-lewisham-{now:%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=False)
    os.chmod(folder, 0o700)  # a backup holds everyone's data: its owner's alone
    if db["ENGINE"].endswith("postgresql"):
        kind, dump = "postgresql", folder / "database.dump"
        subprocess.run(  # noqa: S603 - a fixed program and arguments
            ["pg_dump", "--format=custom", f"--file={dump}"],  # noqa: S607 - the PATH's pg_dump
            env=postgres_environment(db),
            check=True,
        )
    elif db["ENGINE"].endswith("sqlite3"):
        kind, dump = "sqlite", folder / "database.sqlite3"
        copy_sqlite(Path(db["NAME"]), dump)
    else:
        raise SystemExit(f"backup.py backs up PostgreSQL or SQLite, not {db['ENGINE']}.")
    backed_up = [dump]
    if not bucket():
        media = folder / "media.tar.gz"
        with tarfile.open(media, "w:gz") as archive:
            root = media_root()
            if root.is_dir():
                archive.add(root, arcname="media")
        backed_up.append(media)
    files = {
        path.name: {"bytes": path.stat().st_size, "sha256": sha256(path)} for path in backed_up
    }
    manifest = {
        "format": FORMAT,
        "created": now.isoformat(timespec="seconds"),
        "database": kind,
        "files": files,
    }
    if bucket():
        manifest["uploaded_files_in_bucket"] = bucket()
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for path in folder.iterdir():
        os.chmod(path, 0o600)
    return folder


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("destination", type=Path, help="the folder the backup goes into")
    arguments = parser.parse_args(argv)
    try:
        folder = back_up(arguments.destination)
    except subprocess.CalledProcessError as error:
        print(f"The database could not be backed up: {error}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as error:
        print(f"The backup could not be written: {error}", file=sys.stderr)
        return 1
    if bucket():
        # On stderr: the folder's path alone is the output, for scripts to read.
        print(
            f"The uploaded files are in the bucket {bucket()}, not in this backup: its "
            "versioning or replication keeps them (docs/operations.md).",
            file=sys.stderr,
        )
    print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
