"""What a load balancer and a service manager ask of each server (/healthz, /readyz:
safer_lewisham/health.py), the structured log lines, and .env.example listing every setting the
service reads."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_health_check_needs_no_account_and_says_nothing_more(client, db, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response.content.decode() in {"ok\n", "ready\n"}
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


@override_settings(DEBUG=False, ALLOWED_HOSTS=["csp.example.gov.uk"], SECURE_SSL_REDIRECT=True)
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_a_health_check_by_address_over_http_is_answered_not_redirected(client, db, path):
    """A load balancer asks each server by its address, over plain HTTP, from inside."""
    response = client.get(path, HTTP_HOST="10.0.0.7:8000")

    assert response.status_code == 200


def test_readyz_is_not_ready_when_the_database_does_not_answer(client, db, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise connection.Database.OperationalError("could not connect to server")

    with monkeypatch.context() as patched:  # undone before the test database is torn down
        patched.setattr(connection, "cursor", refuse)
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.content.decode() == "not ready\n"
    assert "could not connect" not in response.content.decode()
    assert "the database did not answer (OperationalError)" in caplog.text


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_readyz_is_not_ready_when_the_cache_keeps_nothing(client, db):
    assert client.get("/readyz").status_code == 503


def test_healthz_answers_even_when_the_database_does_not(client, db, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", lambda *args, **kwargs: 1 / 0)
        response = client.get("/healthz")

    assert response.status_code == 200


def test_a_health_check_takes_only_get_and_head(client, db):
    response = client.post("/readyz")

    assert response.status_code == 405
    assert client.head("/healthz").status_code == 200


def test_log_lines_are_json_objects_in_production_format():
    """Run apart, so that the test run's own logging is left as it is."""
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('safer_lewisham.test').warning('Quarter %s closed', 3, "
        "extra={'partnership': 'lewisham'})"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "DJANGO_SETTINGS_MODULE": "safer_lewisham.settings",
            "LOG_FORMAT": "json",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = [line for line in result.stderr.splitlines() if "safer_lewisham.test" in line]

    assert len(lines) == 1, result.stderr
    event = json.loads(lines[0])
    assert event["level"] == "WARNING"
    assert event["logger"] == "safer_lewisham.test"
    assert event["message"] == "Quarter 3 closed"
    assert event["partnership"] == "lewisham"
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", event["time"])


def _names_read() -> set[str]:
    """Every environment variable the service reads: in its settings, its migrations and the
    web server's configuration."""
    sources = [ROOT / "safer_lewisham" / "settings.py", *ROOT.glob("*/migrations/*.py")]
    sources += list((ROOT / "deploy").glob("*.py"))
    pattern = re.compile(
        r"""(?:os\.environ\.get|os\.getenv|env_bool|env_list)\(\s*["']([A-Z][A-Z0-9_]+)["']"""
    )
    names = {name for path in sources for name in pattern.findall(path.read_text())}
    names.add("DATABASE_URL")  # read by dj-database-url
    # compose.yaml's own ${...} values (the database container's password).
    names |= set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)", (ROOT / "compose.yaml").read_text()))
    return names - {"DJANGO_SETTINGS_MODULE"}


def _names_listed() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_env_example_lists_every_setting_the_service_reads():
    assert sorted(_names_read() - _names_listed()) == []


def test_env_example_lists_nothing_the_service_does_not_read():
    assert sorted(_names_listed() - _names_read()) == []


REDIS = "redis://127.0.0.1:6379/15"


def _redis_cache(location):
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def _redis_answers() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="needs Redis on 127.0.0.1:6379 (.ci/run has it)")
def test_readyz_is_ready_with_the_redis_cache_production_uses(client, db):
    with override_settings(CACHES=_redis_cache(REDIS)):
        assert client.get("/readyz").status_code == 200


def test_readyz_is_not_ready_when_redis_does_not_answer(client, db, caplog):
    # Nothing listens on port 1: the connection is refused at once.
    with override_settings(CACHES=_redis_cache("redis://127.0.0.1:1/0")):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert "the cache did not answer (ConnectionError)" in caplog.text
