"""gunicorn's settings for the web process: `deploy/entrypoint.sh web` in the container, and the
systemd unit (deploy/systemd/safer-lewisham-web.service) without one. Read from the environment:

- ``PORT``: the port to listen on, on every interface (default 8000).
- ``WEB_CONCURRENCY``: worker processes (default 2 × CPUs + 1, at most 8).
- ``GUNICORN_THREADS``: threads per worker (default 2).
- ``GUNICORN_TIMEOUT``: seconds a request may take before its worker is restarted (default 60).
- ``FORWARDED_ALLOW_IPS``: the proxy's addresses (comma-separated, or ``*`` when nothing but
  the proxy can reach the app), whose X-Forwarded-Proto gunicorn believes (default loopback).
- ``LOG_LEVEL``: the level of gunicorn's own messages (default info), as for the application's.

Each request is written to stdout as one line of JSON; gunicorn's own messages go to stderr,
as JSON too unless LOG_FORMAT says text (the application's setting, read from its settings).
"""

import logging.config
import os

from gunicorn.glogging import Logger

wsgi_app = "safer_lewisham.wsgi:application"
proc_name = "safer-lewisham"

# Every interface: in a container the port is reached through Docker's network, and without
# one the proxy may be on another machine (deploy/nginx/safer-lewisham.conf); keep the port
# behind the firewall, open to the proxy only.
bind = [f"0.0.0.0:{int(os.environ.get('PORT', '8000'))}"]


def _default_workers():
    """2 × CPUs + 1, gunicorn's advice, but at most 8: os.cpu_count() in a container counts the
    host's CPUs, not the container's share, and each worker is a whole Django process (about
    100 MB) holding its own database connections."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return min(2 * cpus + 1, 8)


workers = int(os.environ.get("WEB_CONCURRENCY") or _default_workers())
# Threads, so that a worker waiting on the database or a slow client still serves others.
# Each thread keeps its own database connection (CONN_MAX_AGE): workers × threads connections
# per server, which PostgreSQL's max_connections (100 by default) must hold for every server.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "2"))

# Exports (PDF, spreadsheets) are the slowest pages; a request taking longer than this is
# stuck, and its worker is replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On TERM (a deployment, `docker compose stop`), requests under way get this long to finish:
# less than the 30 seconds compose.yaml and the systemd unit wait before they kill (a bare
# `docker run` waits only 10: give it `--stop-timeout 30`).
graceful_timeout = 25
# Seconds to keep an idle connection from the proxy open for its next request.
keepalive = 5
# Each worker is replaced after about this many requests (the jitter keeps them from all
# restarting at once), so that a slow leak of memory cannot grow for ever.
max_requests = 1000
max_requests_jitter = 100

# Not preloaded: each worker imports Django itself after the fork. Nothing opened at import (a
# database or cache connection) is then shared between processes, a HUP reloads new code
# without restarting the master, and workers replaced after max_requests start afresh. It costs
# the memory copy-on-write sharing would have saved.
preload_app = False

# The proxy in front sets X-Forwarded-Proto; gunicorn believes it only from these addresses.
# (The application reads X-Forwarded-For itself, with BEHIND_TLS_PROXY: docs/deployment.md.)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Workers' heartbeat files in memory, not on a container's overlay disk, where a slow write
# can make a healthy worker look dead.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (memory)

# gunicorn's control socket (gunicornc) is not used, and its default place, under $HOME, is not
# writable by the service's user (the image's /app, or a unit with ProtectSystem=strict).
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class JsonAccessLogger(Logger):
    """gunicorn's logger, writing each request as one line of JSON for a log collector, and
    gunicorn's own messages as the application writes its log (LOG_FORMAT): both with the
    application's formatters (settings.LOGGING), so that every line is alike.

    Not gunicorn's access_log_format with a JSON-shaped template: it pastes values in as they
    are, so a quote in a path or user agent would break the line. The formatter escapes them.
    """

    def setup(self, cfg):
        super().setup(cfg)
        # Imported here, once gunicorn has put the checkout on sys.path; the settings module
        # only reads the environment.
        from safer_lewisham import settings

        def formatter(name):
            spec = dict(settings.LOGGING["formatters"][name])
            return logging.config.DictConfigurator({}).configure_formatter(spec)

        for handler in self.error_log.handlers:
            handler.setFormatter(formatter(settings.LOG_FORMAT))
        for handler in self.access_log.handlers:
            handler.setFormatter(formatter("json"))

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        status = int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"]
        fields = {
            "method": req.method,
            # The path as the client sent it (Django may have changed the environ's by now).
            "path": req.path,
            "query": req.query or "",
            "status": status,
            "bytes": atoms["B"],
            "duration_ms": atoms["M"],
            # The connecting address: the proxy's, behind one; the client's is the last of
            # X-Forwarded-For, the one the proxy appended.
            "remote_addr": atoms["h"],
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
            "referer": environ.get("HTTP_REFERER", ""),
            "user_agent": environ.get("HTTP_USER_AGENT", ""),
        }
        try:
            self.access_log.info("%s %s %s", req.method, req.path, status, extra=fields)
        except Exception:  # as gunicorn's own: a log line never fails a request
            self.exception("Could not write the access log line")


logger_class = JsonAccessLogger
