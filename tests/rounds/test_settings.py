"""The update round's settings come from the environment, with the documented defaults."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NAMES = [
    "SITE_URL",
    "UPDATE_WINDOW_OPENS_DAYS_BEFORE_END",
    "UPDATE_WINDOW_CLOSES_DAYS_AFTER_END",
    "UPDATE_REMINDER_DAYS_BEFORE_CLOSE",
    "ROUND_EMAIL_MAX_ATTEMPTS",
]


def read_settings(**env):
    script = "from django.conf import settings; "
    script += f"print(*[getattr(settings, name) for name in {NAMES!r}])"
    clean = {k: v for k, v in os.environ.items() if k not in NAMES}
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "safer_lewisham.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.stdout.split()


def test_the_defaults():
    assert read_settings() == ["http://127.0.0.1:8000", "14", "10", "3", "5"]


def test_the_environment_sets_them():
    assert read_settings(
        SITE_URL="https://csp.example.gov.uk/",
        UPDATE_WINDOW_OPENS_DAYS_BEFORE_END="7",
        UPDATE_WINDOW_CLOSES_DAYS_AFTER_END="21",
        UPDATE_REMINDER_DAYS_BEFORE_CLOSE="2",
        ROUND_EMAIL_MAX_ATTEMPTS="8",
    ) == ["https://csp.example.gov.uk", "7", "21", "2", "8"]
