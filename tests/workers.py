"""A real Celery worker, for the tests that need one (tests/test_background_jobs.py,
tests/reviews/test_pack_in_background.py, tests/test_many_servers.py). It is another process,
so it reaches the test database only on PostgreSQL, and sees only rows that are committed."""

import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from benchmarks.harness import REPO
from safer_lewisham.celery import app as celery_app
from tests.serving import ON_POSTGRESQL, database_url

needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="the worker is another process, which reaches the test database only on PostgreSQL "
    "(SQLite's is in memory): runs with DATABASE_URL=postgres://...",
)


@contextmanager
def celery_settings(**changes):
    """Change the Celery application's settings for a while (they are read once from Django's,
    so pytest-django's ``settings`` does not reach them)."""
    before = {name: celery_app.conf[name] for name in changes}
    celery_app.conf.update(changes)
    try:
        yield
    finally:
        celery_app.conf.update(before)


@contextmanager
def celery_worker(
    log: Path,
    *,
    settings: str,
    broker: str,
    environment: dict | None = None,
    queue: str | None = None,
    include: str | None = None,
):
    """`celery worker` with the Django ``settings`` module, on the test database and the
    ``broker``, logging into ``log``, one job at a time: from the time it says it is ready to
    the end of the block, then stopped (SIGTERM, killed if still there 20 seconds later).

    ``environment`` adds to its environment, or takes a variable out with None; REDIS_URL is
    out unless given, so the worker caches in its own memory. ``queue`` is the one queue it
    takes jobs from (Celery's default queue if none); ``include``, a module of tasks it
    imports besides the service's own."""
    if not ON_POSTGRESQL:
        pytest.skip(needs_postgresql.kwargs["reason"])
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "REDIS_URL": None,
        "CONN_MAX_AGE": "0",
        "LOG_FORMAT": "text",
        **(environment or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "safer_lewisham", "worker",
        "--pool", "solo", "--concurrency", "1",
        "--without-mingle", "--without-gossip", "--without-heartbeat",
        "--loglevel", "INFO",
    ]  # fmt: skip
    if queue:
        command += ["--queues", queue]
    if include:
        command += ["--include", include]
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 (Celery's own command, fixed arguments)
            command,
            cwd=REPO,
            env={name: value for name, value in env.items() if value is not None},
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 60
        while "ready" not in log.read_text():
            assert process.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.1)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def forget_broker_connections():
    """Celery keeps its pools of broker connections from their first use (as it forgets them
    after a fork): forgotten, they are made again for the broker in force now, so that the
    web side's jobs go to the test's Redis whatever was sent before."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def jobs_on_a_worker(name: str, folder: Path, broker: str, media_root):
    """`celery worker` on the test database and ``media_root``, taking a queue of its own
    (named after ``name``) on ``broker``, which the web side's jobs go to meanwhile; its log's
    path is yielded. Stopped at the end."""
    queue = f"tests-{name}-{os.urandom(4).hex()}"
    log = folder / "worker.log"
    with celery_worker(
        log,
        settings="safer_lewisham.settings",
        broker=broker,
        environment={"MEDIA_ROOT": str(media_root), "STORAGE_BUCKET": None},
        queue=queue,
    ):
        with celery_settings(task_always_eager=False, broker_url=broker, task_default_queue=queue):
            forget_broker_connections()
            try:
                yield log
            finally:
                forget_broker_connections()
