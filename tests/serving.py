"""The app served for real, for the tests that need the whole stack (tests/test_load.py and the
outage test in tests/test_faults.py): gunicorn with production settings, on the test database,
which must be PostgreSQL."""

from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from benchmarks.harness import collect_static, server_environment

ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]
needs_postgresql = pytest.mark.skipif(
    not ON_POSTGRESQL,
    reason="serves the app with gunicorn on PostgreSQL, as in production: runs with "
    "DATABASE_URL=postgres://...",
)


def database_url(host=None, port=None):
    """The test database's URL, or the same database reached through another host and port."""
    config = connection.settings_dict
    user = quote(config["USER"] or "")
    password = f":{quote(config['PASSWORD'])}" if config["PASSWORD"] else ""
    host = host or config["HOST"] or "127.0.0.1"
    port = port or config["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{config['NAME']}"


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """The static files with production's hashed names, collected once for the session."""
    static_root = tmp_path_factory.mktemp("static")
    collect_static(server_environment("sqlite://", static_root))
    return static_root
