"""Settings for serving the app to the benchmark: production's own. run_benchmarks.py sets
DEBUG=false, a throwaway SECRET_KEY and the loopback host in the environment, so that what is
measured is what a council's server does: no per-query logging, hashed and compressed static
files served by WhiteNoise, persistent database connections.

Two differences, neither of which touches a page's own work: static files are collected into a
folder of the benchmark's (``BENCH_STATIC_ROOT``) rather than the checkout's, and the server
speaks plain HTTP on loopback, so it does not redirect to HTTPS.

And one on request (``run_benchmarks.py --no-jit``, ``BENCH_JIT=off``): PostgreSQL's JIT
compilation of queries off for the server's connections, to tell its cost from a page's own.
"""

import os
from pathlib import Path

from safer_lewisham.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
SECURE_SSL_REDIRECT = False

if (
    os.environ.get("BENCH_JIT") == "off"
    and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"  # noqa: F405
):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"  # noqa: F405
