"""``/healthz`` and ``/readyz``: what a load balancer, a container's health check or a service
manager asks of each server.

- ``/healthz``: the process is alive and answering (200 "ok"). It touches nothing else, so a
  database outage never makes every server look dead at once.
- ``/readyz``: the server can do its work: the database answers a query and the cache takes a
  value and gives it back (200 "ready"; otherwise 503 "not ready", and the reason in the log).

Both are answered by the first middleware, before the host check, the HTTPS redirect, sessions
and sign-in: a health check comes over plain HTTP from inside the network, by address rather
than by the site's name, and must not need an account. They reveal nothing: no version, no
setting, no error text; they are never cached.
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse

logger = logging.getLogger(__name__)

PATHS = {"/healthz", "/readyz"}


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in PATHS:
            return self.get_response(request)
        if request.method not in {"GET", "HEAD"}:
            return _answer(405, "method not allowed", Allow="GET, HEAD")
        if request.path == "/healthz":
            return _answer(200, "ok")
        problem = not_ready()
        if problem:
            logger.warning("Not ready: %s", problem)
            return _answer(503, "not ready")
        return _answer(200, "ready")


def not_ready() -> str:
    """Why the server cannot do its work now, or "" when it can."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure of the database is "not ready"
        return f"the database did not answer ({type(error).__name__})"
    try:
        cache.set("readyz", "1", 10)
        if cache.get("readyz") != "1":
            return "the cache did not give back what it was given"
    except Exception as error:  # a cache server that is down raises its own kinds
        return f"the cache did not answer ({type(error).__name__})"
    return ""


def _answer(status: int, text: str, **headers) -> HttpResponse:
    response = HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name] = value
    return response
