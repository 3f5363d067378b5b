"""The backup and restore scripts (deploy/backup.py, deploy/restore.py; docs/operations.md) as
an operator uses them: a service with data and uploaded files is backed up, wiped, restored, and
everything is there again. On SQLite always; on PostgreSQL (pg_dump and pg_restore against the
server) in the PostgreSQL run, with a database of its own."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[1]
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith("postgres")

MAKE_DATA = """
from django.contrib.auth import get_user_model
from partnerships.models import Partnership
Partnership.objects.create(name="Safer Example Partnership", slug="safer-example")
get_user_model().objects.create_user("restored", "restored@example.gov.uk", "not-the-demo")
"""
READ_DATA = """
from django.contrib.auth import get_user_model
from partnerships.models import Partnership
print(list(Partnership.objects.values_list("slug", flat=True)),
      list(get_user_model().objects.values_list("username", flat=True)))
"""
LOGO = bytes(range(256)) * 40  # an uploaded file's bytes, every byte value in it


def run(env, *command, check=True):
    result = subprocess.run(  # noqa: S603 - our own interpreter and scripts
        [sys.executable, *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def manage(env, *arguments):
    return run(env, "manage.py", *arguments)


def service(tmp_path, database_url):
    """The environment of a service with its own database and uploaded files' folder."""
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "safer_lewisham.settings",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_FORMAT": "text",
    }


def with_data(env, tmp_path):
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "shell", "--no-imports", "-c", MAKE_DATA)
    logo = tmp_path / "media" / "logos" / "safer-example.png"
    logo.parent.mkdir(parents=True)
    logo.write_bytes(LOGO)
    return logo


def backed_up(env, tmp_path) -> Path:
    result = run(env, "deploy/backup.py", str(tmp_path / "backups"))
    folder = Path(result.stdout.strip())
    assert folder.parent == tmp_path / "backups"
    dump = "database.dump" if env["DATABASE_URL"].startswith("postgres") else "database.sqlite3"
    assert sorted(path.name for path in folder.iterdir()) == [dump, "manifest.json", "media.tar.gz"]
    return folder


def everything_is_there(env, logo):
    read = manage(env, "shell", "--no-imports", "-c", READ_DATA)
    assert read.stdout.strip() == "['safer-example'] ['restored']"
    assert logo.read_bytes() == LOGO


def test_a_backup_of_an_sqlite_service_restores_everything_after_a_wipe(tmp_path):
    env = service(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    logo = with_data(env, tmp_path)
    folder = backed_up(env, tmp_path)

    (tmp_path / "db.sqlite3").unlink()
    logo.unlink()
    (tmp_path / "media" / "not-in-the-backup.txt").write_text("added after the backup")
    asked = run(env, "deploy/restore.py", str(folder))
    assert "run again with --yes" in asked.stdout
    assert not (tmp_path / "db.sqlite3").exists()  # without --yes, nothing is touched

    restored = run(env, "deploy/restore.py", str(folder), "--yes")

    assert restored.stdout.startswith("Restored the backup of ")
    everything_is_there(env, logo)
    # The uploaded files are the backup's, not a mix with what came after.
    assert not (tmp_path / "media" / "not-in-the-backup.txt").exists()


def test_a_damaged_backup_is_refused_before_anything_is_touched(tmp_path):
    env = service(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    logo = with_data(env, tmp_path)
    folder = backed_up(env, tmp_path)
    archive = folder / "media.tar.gz"
    damaged = bytearray(archive.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    archive.write_bytes(bytes(damaged))
    logo.write_bytes(b"changed after the backup")

    result = run(env, "deploy/restore.py", str(folder), "--yes", check=False)

    assert result.returncode == 1
    assert "Nothing was restored: media.tar.gz" in result.stderr
    assert "damaged" in result.stderr
    assert logo.read_bytes() == b"changed after the backup"


@pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's run (DATABASE_URL=postgres://...)")
def test_a_backup_of_a_postgresql_service_restores_everything_after_a_wipe(tmp_path):
    server = dj_database_url.parse(os.environ["DATABASE_URL"])
    name = f"safer_lewisham_backup_{uuid.uuid4().hex[:8]}"
    connection = ["-h", server["HOST"] or "127.0.0.1", "-p", str(server["PORT"] or 5432)]
    connection += ["-U", server["USER"] or "postgres"]

    def database(program, check=True):
        return subprocess.run(  # noqa: S603 - PostgreSQL's own programs, fixed arguments
            [program, *connection, name], capture_output=True, text=True, check=check
        )

    url = (
        f"postgres://{server['USER'] or 'postgres'}@{server['HOST'] or '127.0.0.1'}:"
        f"{server['PORT'] or 5432}/{name}"
    )
    env = service(tmp_path, url)
    database("createdb")
    try:
        logo = with_data(env, tmp_path)
        folder = backed_up(env, tmp_path)

        database("dropdb")
        database("createdb")
        logo.unlink()
        run(env, "deploy/restore.py", str(folder), "--yes")

        everything_is_there(env, logo)
    finally:
        database("dropdb", check=False)
