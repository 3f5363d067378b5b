"""Settings come from the environment, with safe local defaults and a production configuration
that Django's deployment checks pass."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-0123456789",
    "ALLOWED_HOSTS": "csp.example.org",
}


def run_manage(*args, env):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE is for the test run, not for production.
    unset = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "BEHIND_TLS_PROXY"}
    clean = {k: v for k, v in os.environ.items() if k not in unset and not k.startswith("SECURE_")}
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


# Production as the deployment guide (docs/deployment.md) describes it: served directly, or
# behind a proxy that terminates HTTPS (and may do the redirect to HTTPS itself).
BEHIND_A_PROXY = {
    **PRODUCTION,
    "ALLOWED_HOSTS": "csp.example.org,csp-internal.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://csp.example.org",
    "BEHIND_TLS_PROXY": "true",
    "SECURE_SSL_REDIRECT": "false",
    "DATABASE_URL": "postgres://csp@db.example.org:5432/csp",
}


@pytest.mark.parametrize("env", [PRODUCTION, BEHIND_A_PROXY], ids=["direct", "behind-a-proxy"])
def test_the_production_configuration_passes_the_deployment_checks(env):
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (" in result.stdout


def test_the_deployment_checks_would_report_a_weak_setting():
    """The check above can fail: a production configuration with HSTS switched off is reported."""
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION, "SECURE_HSTS_SECONDS": "0"},
    )

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = run_manage("check", env={k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_reads_the_database_from_database_url():
    script = "from django.conf import settings; d = settings.DATABASES['default']; "
    script += "print(d['ENGINE'], d['NAME'], d['HOST'], d['PORT'])"
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "safer_lewisham.settings",
            "DATABASE_URL": "postgres://someone@db.example.org:5433/plans",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "plans",
        "db.example.org",
        "5433",
    ]


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_services_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"].endswith("images/favicon.svg")
