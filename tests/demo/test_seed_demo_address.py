"""The demo logins `seed_demo` prints name the address the demo is served on: `make run` passes
its HOST and PORT, so `make run PORT=8765` prints logins for port 8765."""

import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
MAKE = shutil.which("make")


@pytest.fixture
def debug_on(settings):
    """DEBUG on, as `make run` has it: only then are the demo logins made and printed."""
    settings.DEBUG = True


def printed_by_seed_demo(**options) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.mark.django_db
def test_the_logins_are_printed_for_the_address_it_is_given(debug_on):
    out = printed_by_seed_demo(site_url="http://127.0.0.1:8765/")

    assert "Demo logins for http://127.0.0.1:8765/ (DEBUG only):" in out
    assert "8000" not in out


@pytest.mark.django_db
def test_without_an_address_the_logins_are_printed_for_the_sites_address(debug_on, settings):
    settings.SITE_URL = "http://localhost:9000"

    out = printed_by_seed_demo()

    assert "Demo logins for http://localhost:9000/ (DEBUG only):" in out


@pytest.mark.skipif(MAKE is None, reason="make is not installed")
def test_make_run_gives_seed_demo_the_address_it_serves_on():
    commands = subprocess.run(  # noqa: S603 (make, with arguments written here)
        [MAKE, "--dry-run", "run", "HOST=0.0.0.0", "PORT=8765"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    assert "manage.py seed_demo --site-url http://0.0.0.0:8765/" in commands
    assert "manage.py runserver 0.0.0.0:8765" in commands
    # The links of the e-mails it sends (an invitation's) name the same address.
    assert "SITE_URL=${SITE_URL:-http://0.0.0.0:8765} " in commands
