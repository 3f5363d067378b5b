"""What the benchmark (run_benchmarks.py) and the load test (load_test.py) both do around the pages
they measure: serve the app with production's settings on loopback, and write their results into
docs/performance.md.

Standard library only, and nothing that opens a connection on import: the load test's locust
process imports this before gevent patches the standard library.
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "performance.md"


def say(message: str):
    """Progress, on stderr: stdout is for the results."""
    print(message, file=sys.stderr, flush=True)


def server_environment(database_url: str, static_root: Path) -> dict:
    """Production settings (DEBUG off, persistent connections checked before reuse) through
    benchmarks/settings.py, which serves plain HTTP on loopback (no HTTPS redirect) and takes
    the static files from ``static_root``; a throwaway secret key."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "BENCH_STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(REPO),
    }


def collect_static(env: dict):
    """The static files, with production's hashed names, into the folder ``env`` names."""
    say("Collecting static files (production's hashed names)…")
    subprocess.run(  # noqa: S603 (manage.py of this checkout, fixed arguments)
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=REPO,
        env=env,
        check=True,
    )


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_docs(text: str, *, start: str, end: str):
    """Put ``text`` into docs/performance.md between its ``start`` and ``end`` markers."""
    content = DOCS.read_text()
    if start not in content or end not in content:
        raise SystemExit(f"{DOCS} has no {start} … {end} markers to write between.")
    before, rest = content.split(start, 1)
    _, after = rest.split(end, 1)
    DOCS.write_text(f"{before}{start}\n{text}{end}{after}")
    say(f"Wrote the results into {DOCS.relative_to(REPO)}.")
