#!/usr/bin/env python
"""Time one partnership's pages on a large data set, with that partnership alone in the
installation and with the whole field of 300 partnerships, side by side; and an oversight
body's dashboard over 32 partnerships.

In one run: create (or, with --fresh, drop and recreate) the benchmark database, migrate it and
generate the load data of one partnership, `load-001` (100 plans, 50,000 actions, 200,000
progress updates, with plans of exactly 40, 400 and 2,000 actions) unless it is already there;
copy that database to a second one and add 299 more partnerships' plans to the copy (with an
oversight body covering 32 of them); serve each database with production settings in a
subprocess of its own; sign in through the sign-in forms; and time `load-001`'s pages on both
servers, one request at a time, the two servers taking turns, and the oversight dashboard on
a third server of the second database. It prints a Markdown table (and with --write-docs puts
it in docs/performance.md).

    .venv/bin/python benchmarks/run_benchmarks.py --fresh

See benchmarks/README.md. Standard library only, besides the project's own dependencies.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import math
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

# Run as a script, only the script's own folder is on the path: the checkout's packages too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import REPO, collect_static, free_port, say, server_environment, write_docs

DOCS_START = "<!-- benchmark-results:start -->"
DOCS_END = "<!-- benchmark-results:end -->"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/safer_lewisham_bench"
POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"

# The partnership whose pages are timed: the load data's first (generate_load_data's default
# prefix), which holds the plans of given sizes.
PREFIX = "load"
PLANS, ACTIONS, UPDATES = 100, 50_000, 200_000
PLAN_SIZES = (40, 400, 2_000)

# The rest of the field, added to a copy of the database: 299 more partnerships (300 in all,
# about every Community Safety Partnership of England and Wales), each of the size of a real
# one: four plans (a plan a year), of 100 actions on average, each updated every quarter.
FIELD_PREFIX = "field"
OTHER_PARTNERSHIPS = 299
FIELD_PLANS_EACH, FIELD_ACTIONS_EACH, FIELD_UPDATES_EACH = 4, 400, 1_600
# The second database is the first's name with this after it (a file beside it for SQLite).
FIELD_SUFFIX = "_field"

# The oversight body made in the second database: London's 32 boroughs, say.
OVERSIGHT_SLUG = "bench-oversight"
OVERSIGHT_COVERS = 32
OVERSIGHT_USERNAME = "bench-oversight-reader"

# Targets from the issues (median, milliseconds).
QUARTER_TARGET_MS = {2_000: 300}
DASHBOARD_TARGET_MS = 500
OVERSIGHT_TARGET_MS = 500
# One partnership's page counts as "as fast" with 300 partnerships present when its median is
# within this fraction of its median with the partnership alone (the noise of a shared machine).
AS_FAST_WITHIN = 0.10
# The generated people's password, set by this script on its own benchmark databases only.
BENCH_PASSWORD = "benchmark-only-password"  # noqa: S105 (benchmark database only)
# What a trivial request is: see README.md ("Why /favicon.ico").
TRIVIAL_PATH = "favicon.ico"

# The two databases, as the report names them.
ALONE, FIELD = "alone", "field"
OVERSIGHT_SERVER = "field-oversight"  # the oversight dashboard's own server, on FIELD's database


# The databases ------------------------------------------------------------------------------


def database_settings(url: str) -> dict:
    import dj_database_url

    config = dj_database_url.parse(url)
    if config["ENGINE"] not in (POSTGRESQL, SQLITE):
        raise SystemExit(
            f"The benchmark runs on PostgreSQL (or, for a rough figure, SQLite): {url!r} is "
            "neither a postgres:// nor a sqlite:// URL."
        )
    return config


def is_sqlite(url: str) -> bool:
    return database_settings(url)["ENGINE"] == SQLITE


def absolute_url(url: str) -> str:
    """A SQLite URL with an absolute path (the servers run from the checkout); others as is."""
    if not is_sqlite(url):
        return url
    return f"sqlite:///{Path(database_settings(url)['NAME']).resolve()}"


def field_url(url: str) -> str:
    """The second database, with the whole field: the first's name with FIELD_SUFFIX."""
    name = database_settings(url)["NAME"]
    if is_sqlite(url):
        path = Path(name)
        return (
            f"sqlite:///{path.with_name(path.stem + FIELD_SUFFIX.replace('_', '-') + path.suffix)}"
        )
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}{FIELD_SUFFIX}"))


def _maintenance_connection(config: dict):
    import psycopg2

    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    connection.autocommit = True
    return connection


def check_may_drop(url: str, allow_drop: bool):
    name = database_settings(url)["NAME"]
    if "bench" not in Path(name).name and not allow_drop:
        raise SystemExit(
            f"--fresh drops the database {name!r}; its name does not contain “bench”, so add "
            "--allow-drop if you really mean to."
        )


def drop_database(url: str):
    from psycopg2 import sql

    config = database_settings(url)
    name = config["NAME"]
    if config["ENGINE"] == SQLITE:
        if Path(name).exists():
            say(f"Deleting database {name}…")
            Path(name).unlink()
        return
    connection = _maintenance_connection(config)
    with connection.cursor() as cursor:
        say(f"Dropping database {name}…")
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
    connection.close()


def database_exists(url: str) -> bool:
    config = database_settings(url)
    if config["ENGINE"] == SQLITE:
        return Path(config["NAME"]).exists()
    connection = _maintenance_connection(config)
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
        found = cursor.fetchone() is not None
    connection.close()
    return found


def prepare_database(url: str, fresh: bool, allow_drop: bool):
    """Create the database if it does not exist; with ``fresh``, drop it first."""
    from psycopg2 import sql

    if fresh:
        check_may_drop(url, allow_drop)
        drop_database(url)
    config = database_settings(url)
    if config["ENGINE"] == SQLITE or database_exists(url):
        return  # SQLite makes its file on the first connection
    connection = _maintenance_connection(config)
    with connection.cursor() as cursor:
        say(f"Creating database {config['NAME']}…")
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))
    connection.close()


def copy_database(source: str, target: str):
    """Make ``target`` an exact copy of ``source`` (whose connections must all be closed):
    PostgreSQL's CREATE DATABASE ... TEMPLATE, or a copy of SQLite's file."""
    from psycopg2 import sql

    from_config, to_config = database_settings(source), database_settings(target)
    say(f"Copying database {from_config['NAME']} to {to_config['NAME']}…")
    if from_config["ENGINE"] == SQLITE:
        shutil.copyfile(from_config["NAME"], to_config["NAME"])
        return
    drop_database(target)
    connection = _maintenance_connection(to_config)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(to_config["NAME"]), sql.Identifier(from_config["NAME"])
            )
        )
    connection.close()


def setup_django(url: str):
    """Django in this process, on the benchmark database, to migrate, generate and look up."""
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "true"  # generate_load_data makes test data only with DEBUG on
    os.environ["DJANGO_SETTINGS_MODULE"] = "safer_lewisham.settings"
    import django

    django.setup()


def use_database(url: str):
    """Point this process's Django at another database of the same server (or another SQLite
    file): only the name differs, as when Django's test runner switches to the test database."""
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    name = database_settings(url)["NAME"]
    settings.DATABASES["default"]["NAME"] = name
    connections["default"].settings_dict["NAME"] = name


def close_connections():
    from django.db import connections

    connections.close_all()


def analyze():
    """Bring the planner's statistics up to date (generate_load_data does so too, for the
    tables it filled), so that no page is timed against plans made for nearly-empty tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split(" ")[0]


def database_description() -> str:
    """ "PostgreSQL 15.20" or "SQLite 3.46.1"."""
    from django.db import connection

    if connection.vendor == "sqlite":
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    return f"PostgreSQL {postgres_version()}"


# The data -------------------------------------------------------------------------------------


@dataclass
class DataSet:
    """What one database holds: its whole content (every partnership's), for the report."""

    plans: int
    actions: int
    updates: int
    generated_seconds: float | None  # None: it was already there
    sized_plans: dict[int, tuple[str, int]]  # actions -> (slug, reporting quarter)
    partnerships: int = 0
    people: int = 0


def the_partnership():
    """`load-001`, whose pages are timed."""
    from benchmarks.load_data import partnership_slug
    from partnerships.models import Partnership

    return Partnership.objects.get(slug=partnership_slug(PREFIX))


def generate(*options: str) -> float:
    """Run generate_load_data with these options; how long it took, in seconds."""
    from io import StringIO

    from django.core.management import call_command

    from benchmarks.generate_load_data import Command as GenerateLoadData

    started = time.perf_counter()
    out = StringIO()
    call_command(GenerateLoadData(), *options, "--clear", stdout=out)
    say(out.getvalue().strip())
    return time.perf_counter() - started


def load_data(regenerate: bool, quarter: int | None) -> DataSet:
    """Migrate; generate the load data (one partnership, load-001) unless the right data set
    is already there."""
    from django.core.management import call_command

    from actions.models import Action
    from benchmarks.load_data import generated_partnerships, generated_plans, sized_plan_slug
    from partnerships.context import acting_in, everywhere

    say("Migrating…")
    call_command("migrate", interactive=False, verbosity=0)

    def actions_in(slug):
        with acting_in(the_partnership()):
            return Action.objects.filter(strand__priority__plan__slug=slug).count()

    with everywhere():
        present = (
            generated_partnerships(PREFIX).count() == 1
            and generated_plans(PREFIX).count() == PLANS
            and all(actions_in(sized_plan_slug(PREFIX, size)) == size for size in PLAN_SIZES)
        )
    seconds = None
    if regenerate or not present:
        say(
            f"Generating {PLANS} plans, {ACTIONS:,} actions and {UPDATES:,} progress updates "
            "of one partnership (a minute or so)…"
        )
        seconds = generate(
            "--partnerships=1",
            f"--plans={PLANS}",
            f"--actions={ACTIONS}",
            f"--updates={UPDATES}",
            f"--big-plan-actions={max(PLAN_SIZES)}",
            f"--also-sizes={','.join(str(size) for size in PLAN_SIZES[:-1])}",
            f"--prefix={PREFIX}",
        )
    else:
        say("The load data is already there: reusing it (--regenerate to make it again).")
    return data_set(seconds, quarter)


def data_set(seconds: float | None, quarter: int | None) -> DataSet:
    """What the database in use holds, and load-001's plans of given sizes."""
    from django.contrib.auth import get_user_model

    from actions.models import Action, ProgressUpdate
    from benchmarks.load_data import sized_plan_slug
    from partnerships.context import acting_in, everywhere
    from partnerships.models import Partnership
    from plans.models import AnnualPlan

    sized = {}
    with acting_in(the_partnership()):
        for size in PLAN_SIZES:
            plan = AnnualPlan.objects.get(slug=sized_plan_slug(PREFIX, size))
            # The quarter a chair would open: the plan's reporting quarter (its year is over,
            # so Q4).
            number = quarter or plan.reporting_quarter().number
            sized[size] = (plan.slug, number)
    with everywhere():
        return DataSet(
            plans=AnnualPlan.objects.count(),
            actions=Action.objects.count(),
            updates=ProgressUpdate.objects.count(),
            generated_seconds=seconds,
            sized_plans=sized,
            partnerships=Partnership.objects.count(),
            people=get_user_model().objects.count(),
        )


def fingerprint() -> tuple:
    """What load-001's data is, in a few figures: equal in both databases when the second was
    copied from the first and load-001 has not changed since (the load test adds updates and
    changes lead agencies, on the first database only)."""
    from django.db.models import Count, Max, Sum

    from actions.models import Action, ProgressUpdate
    from partnerships.context import acting_in
    from partnerships.models import Membership

    partnership = the_partnership()
    with acting_in(partnership):
        actions = Action.objects.aggregate(
            n=Count("pk"),
            versions=Sum("version"),
            agencies=Sum("lead_agency"),
            officers=Sum("lead_officer"),
        )
        updates = ProgressUpdate.objects.aggregate(n=Count("pk"), last=Max("pk"))
        memberships = Membership.objects.aggregate(n=Count("pk"), last=Max("pk"))
    return (partnership.pk, *actions.values(), *updates.values(), *memberships.values())


def add_the_field(others: int) -> float:
    """Add ``others`` partnerships' plans (prefix FIELD_PREFIX) to the database in use."""
    plans = others * FIELD_PLANS_EACH
    actions, updates = others * FIELD_ACTIONS_EACH, others * FIELD_UPDATES_EACH
    say(
        f"Adding {others} more partnerships: {plans:,} plans, {actions:,} actions and "
        f"{updates:,} progress updates (a minute or two)…"
    )
    return generate(
        f"--partnerships={others}",
        f"--plans={plans}",
        f"--actions={actions}",
        f"--updates={updates}",
        "--big-plan-actions=0",
        f"--prefix={FIELD_PREFIX}",
    )


def field_is_there(others: int, expected: tuple) -> bool:
    """Whether the database in use is the first's copy with the field added, as this run
    would make it."""
    from django.core.management import call_command

    from benchmarks.load_data import generated_partnerships, generated_plans
    from partnerships.context import everywhere
    from partnerships.models import Partnership

    call_command("migrate", interactive=False, verbosity=0)
    with everywhere():
        if not Partnership.objects.filter(slug=the_partnership_slug()).exists():
            return False
        return (
            generated_partnerships(FIELD_PREFIX).count() == others
            and generated_plans(FIELD_PREFIX).count() == others * FIELD_PLANS_EACH
            and fingerprint() == expected
        )


def the_partnership_slug() -> str:
    from benchmarks.load_data import partnership_slug

    return partnership_slug(PREFIX)


@dataclass
class People:
    """Who signs in, and to what."""

    chair: str
    officer: str
    officer_leads: int  # the actions the officer or their agency leads, in load-001
    oversight: str = ""
    oversight_size: str = ""  # "32 partnerships, 95 plans in delivery, 9,540 actions"


def set_password(username: str):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=username)
    user.set_password(BENCH_PASSWORD)
    user.save(update_fields=["password"])


def prepare_people() -> People:
    """Passwords for load-001's chair and for the officer of load-001 who leads the fewest
    actions but one at least (mostly through their agency: an officer of the council leads
    thousands of the 50,000, of MOPAC a few hundred), whose My updates page is timed."""
    from django.contrib.auth import get_user_model

    from actions.models import Action
    from benchmarks.load_data import OFFICERS, chair_username, officer_username
    from partnerships.context import acting_in

    with acting_in(the_partnership()):
        officers = get_user_model().objects.filter(
            username__in=[officer_username(PREFIX, 1, n) for n in range(1, OFFICERS + 1)]
        )
        leads = {user.username: Action.objects.led_by(user).count() for user in officers}
    leading = [username for username, count in leads.items() if count]
    if not leading:
        raise SystemExit("No officer of load-001 leads an action: regenerate the load data.")
    officer = min(leading, key=lambda username: (leads[username], username))
    for username in (chair_username(PREFIX), officer):
        set_password(username)
    return People(chair=chair_username(PREFIX), officer=officer, officer_leads=leads[officer])


def prepare_oversight(people: People):
    """An oversight body covering OVERSIGHT_COVERS of the field's partnerships, with a member
    who signs in to its dashboard (in the database in use: the field's)."""
    from django.contrib.auth import get_user_model

    from benchmarks.load_data import generated_partnerships
    from oversight.comparison import comparison
    from partnerships.context import everywhere
    from partnerships.models import OversightBody

    with everywhere():
        covered = list(generated_partnerships(FIELD_PREFIX).order_by("slug")[:OVERSIGHT_COVERS])
    body, _ = OversightBody.objects.update_or_create(
        slug=OVERSIGHT_SLUG,
        defaults={
            "name": "Benchmark oversight body (synthetic)",
            "kind": OversightBody.Kind.MOPAC,
        },
    )
    body.covers.set(covered)
    reader, _ = get_user_model().objects.update_or_create(
        username=OVERSIGHT_USERNAME,
        defaults={"first_name": "Oversight", "last_name": "(benchmark)", "is_active": True},
    )
    set_password(reader.username)
    body.members.set([reader])
    rows = comparison(body)
    actions = sum(row.figures.total for row in rows)
    people.oversight = reader.username
    people.oversight_size = (
        f"{len(covered)} partnerships, {len(rows)} plans in delivery, {actions:,} actions"
    )


# The server ---------------------------------------------------------------------------------


def start_server(env: dict, port: int, log: Path) -> subprocess.Popen:
    say(f"Serving on http://127.0.0.1:{port}/ (server log: {log})…")
    server = subprocess.Popen(  # noqa: S603 (this script itself, fixed arguments)
        [sys.executable, str(Path(__file__).resolve()), "serve", str(port)],
        cwd=REPO,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped at start-up: see {log}.")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"The server did not start within a minute: see {log}.")


@contextmanager
def serving(
    environments: dict[str, dict],
    folder: Path,
    logged_errors: str = "The server of the {where} database logged errors:",
):
    """A server (start_server) for each of ``environments``, by name, on a free port, logging
    into ``folder``/server-NAME.log: the servers, by name, for the block; then stopped, and the
    end of the log of any that logged a traceback said (headed by ``logged_errors``)."""
    servers = {}
    try:
        for where, env in environments.items():
            servers[where] = start_server(env, free_port(), folder / f"server-{where}.log")
        yield servers
    finally:
        for server in servers.values():
            server.terminate()
            server.wait(timeout=10)
    for where in servers:
        log = (folder / f"server-{where}.log").read_text()
        if "Traceback" in log:
            say(logged_errors.format(where=where) + "\n" + log[-3000:])


def serve(port: int):
    """The server subprocess: Django's WSGI application under the standard library's wsgiref
    server, single-threaded (requests are timed one at a time), not logging each request."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format, *args):
            pass

    with make_server("127.0.0.1", port, application, handler_class=QuietHandler) as httpd:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        httpd.serve_forever()


# The client ---------------------------------------------------------------------------------


class LoopbackCookies(http.cookiejar.DefaultCookiePolicy):
    """With DEBUG off the session and CSRF cookies are marked Secure; the benchmark talks plain
    HTTP to loopback, so send them back anyway."""

    def return_ok_secure(self, cookie, request):
        return True


class NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is the answer being timed, not a reason to fetch another page."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str
    location: str
    seconds: float


class Client:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar(LoopbackCookies())),
            NoRedirects(),
        )

    def request(self, path: str, data: dict | None = None) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 (loopback)
        started = time.perf_counter()
        try:
            response = self.opener.open(request, timeout=120)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            response = error
        content = response.read()
        seconds = time.perf_counter() - started
        headers = response.headers
        return Response(
            status=response.status if hasattr(response, "status") else response.code,
            body=content,
            content_type=headers.get("Content-Type", ""),
            location=headers.get("Location", ""),
            seconds=seconds,
        )

    def sign_in(self, username: str, password: str, prefix: str = "/"):
        """Through the sign-in form under ``prefix`` (a partnership's, "/p/<slug>/", for its
        people; the site's root for an oversight body's)."""
        form = self.request(f"{prefix}sign-in/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
        if form.status != 200 or not token:
            raise SystemExit(f"The sign-in page did not answer with its form ({form.status}).")
        answer = self.request(
            f"{prefix}sign-in/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1].decode()},
        )
        if answer.status != 302 or "sign-in" in answer.location:
            raise SystemExit(f"Could not sign in as {username} ({answer.status}).")


# Timing -------------------------------------------------------------------------------------


@dataclass
class Target:
    """A page, timed on one server or on both (``where``), as one person (``who``)."""

    label: str
    size: str  # "2,000 actions", "100 plans", "–"
    path: str
    expect: str  # "html", "xlsx" or "redirect"
    who: str = "chair"  # "chair", "officer" or "oversight"
    where: tuple[str, ...] = (ALONE, FIELD)
    target_ms: int | None = None
    unavailable: dict[str, str] = field(default_factory=dict)  # where -> why not timed
    times: dict[str, list[float]] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)

    def timed(self, where: str) -> bool:
        return where in self.where and where not in self.unavailable

    def median_ms(self, where: str) -> float:
        return statistics.median(self.times[where]) * 1000

    def p95_ms(self, where: str) -> float:
        """Nearest rank: with 20 requests, the 19th fastest."""
        ordered = sorted(self.times[where])
        return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000


def problem_with(target: Target, response: Response) -> str:
    """Why this answer is not the page being measured; "" when it is."""
    if target.expect == "redirect":
        return "" if response.status in (301, 302) else f"answered {response.status}"
    if response.status != 200:
        where = f" to {response.location}" if response.location else ""
        return f"answered {response.status}{where}"
    if target.expect == "xlsx" and not (
        "spreadsheetml" in response.content_type and response.body[:2] == b"PK"
    ):
        return f"answered {response.content_type or 'no content type'}, not an xlsx file"
    if target.expect == "html" and "text/html" not in response.content_type:
        return f"answered {response.content_type}"
    return ""


def measure(
    clients: dict[tuple[str, str], Client],
    targets: list[Target],
    requests: int,
    warmup: int,
    after_warmup=lambda: None,
):
    """Warm every page up on each server, set aside those that do not answer, then time the
    rest in rounds: one request to each page per round, on one server then the other (which
    goes first alternates from round to round), so that a page is timed with and without the
    other partnerships under the same conditions."""
    for target in targets:
        for where in target.where:
            client = clients[where, target.who]
            for _ in range(warmup):
                response = client.request(target.path)
                problem = problem_with(target, response)
                if problem:
                    target.unavailable[where] = problem
                    say(f"  {target.label} ({target.size}, {where}): not available, {problem}")
                    break
                target.bytes[where] = len(response.body)
            else:
                say(
                    f"  {target.label} ({target.size}, {where}): warmed up "
                    f"({target.bytes[where]:,} bytes)"
                )
            target.times[where] = []
    after_warmup()
    for round_ in range(1, requests + 1):
        for target in targets:
            order = target.where if round_ % 2 else tuple(reversed(target.where))
            for where in order:
                if not target.timed(where):
                    continue
                response = clients[where, target.who].request(target.path)
                problem = problem_with(target, response)
                if problem:
                    raise SystemExit(
                        f"{target.path} ({where}) {problem} during the timed requests."
                    )
                target.times[where].append(response.seconds)
        if round_ % 5 == 0 or round_ == requests:
            say(f"  round {round_}/{requests}")


def prioritise(niceness: int, servers: list[subprocess.Popen], urls: list[str]) -> str:
    """Give the benchmark's own processes a higher priority (a negative niceness, as root) than
    the rest of a shared machine's: this script, its servers and, for a PostgreSQL server on
    this machine, the backends serving its two databases' connections (those the servers hold,
    persistent, after the warm-up). What the report says it did."""
    if not niceness:
        return ""
    pids = [os.getpid(), *(server.pid for server in servers)]
    config = database_settings(urls[0])
    if config["ENGINE"] == POSTGRESQL and config["HOST"] in ("127.0.0.1", "localhost", "::1"):
        connection = _maintenance_connection(config)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = ANY(%s) AND pid <> "
                "pg_backend_pid()",
                [[database_settings(url)["NAME"] for url in urls]],
            )
            backends = [pid for (pid,) in cursor.fetchall()]
        connection.close()
        pids += backends
    try:
        for pid in pids:
            os.setpriority(os.PRIO_PROCESS, pid, niceness)
    except OSError as error:
        say(f"Could not change the processes' priority ({error}): timing at the usual one.")
        return ""
    say(f"Niceness {niceness} for {len(pids)} processes of the benchmark's.")
    return (
        f" The benchmark's processes (this script, its servers and the database backends "
        f"serving them) ran at niceness {niceness} (--nice), ahead of the machine's other work."
    )


# The report ---------------------------------------------------------------------------------


def load_average() -> float:
    return os.getloadavg()[0]


def wait_for_quiet(seconds: float):
    """Wait (up to ``seconds``) until the machine's one-minute load average is under 0.5: on a
    shared machine, other people's tests would otherwise be timed along with the pages."""
    deadline = time.monotonic() + seconds
    while load_average() >= 0.5 and time.monotonic() < deadline:
        say(f"Load average {load_average():.2f}: waiting for the machine to be quieter…")
        time.sleep(15)


def cpu_description() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = os.cpu_count()
    return f"{cores} CPU cores" + (f" ({model})" if model else "")


def milliseconds(value: float) -> str:
    return f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def paired_change(target: Target) -> float | None:
    """How much slower the page is with the other partnerships: the median, over the rounds,
    of each round's time on the second database against the first's (the two requests of a
    round are sent one straight after the other, so a busy moment of the machine falls on
    both); -0.05 is 5 % faster. None unless timed on both."""
    if not (target.timed(ALONE) and target.timed(FIELD)):
        return None
    pairs = zip(target.times[ALONE], target.times[FIELD], strict=True)
    return statistics.median(field_ / alone for alone, field_ in pairs) - 1


def percent(change: float) -> str:
    return f"{change:+.0%}".replace("%", " %")


def difference(target: Target) -> str:
    """The paired change ("+3 %"), in bold when the page is not as fast."""
    change = paired_change(target)
    if change is None:
        return "–"
    return percent(change) if change <= AS_FAST_WITHIN else f"**{percent(change)}**"


def goal(target: Target) -> str:
    if target.target_ms is None:
        return "–"
    measured = [where for where in target.where if target.timed(where)]
    if not measured:
        return f"under {target.target_ms} ms: not measured"
    met = all(target.median_ms(where) < target.target_ms for where in measured)
    return f"under {target.target_ms} ms: {'met' if met else '**not met**'}"


@dataclass
class Facts:
    """What the report says about the run besides the times."""

    database: str
    alone: DataSet
    field: DataSet
    field_seconds: float | None  # None: the second database was reused
    people: People
    load_before: float
    load_after: float
    minutes: float
    priority: str = ""  # what --nice did, for the report


def plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def data_words(data: DataSet) -> str:
    return (
        f"{data.partnerships:,} partnership{'' if data.partnerships == 1 else 's'}, "
        f"{data.plans:,} plans, {data.actions:,} actions, {data.updates:,} progress updates, "
        f"{data.people:,} people"
    )


def jit_words(database: str, args) -> str:
    if not database.startswith("PostgreSQL"):
        return ""
    if args.no_jit:
        return " (JIT compilation off: --no-jit)"
    return " (default settings, JIT compilation on)"


def report(targets: list[Target], facts: Facts, args) -> str:
    import django

    when = datetime.now(UTC).strftime("%-d %B %Y, %H:%M UTC")
    alone, field_ = facts.alone, facts.field
    made = []
    if alone.generated_seconds is not None:
        made.append(f"the first in {alone.generated_seconds:.0f} s")
    if facts.field_seconds is not None:
        made.append(f"the other partnerships in {facts.field_seconds:.0f} s")
    generated = (
        f"generate_load_data made {' and '.join(made)} in this run"
        if made
        else "both reused from an earlier run"
    )
    header = (
        f"Run on {when}: {cpu_description()}, {facts.database}, Python "
        f"{platform.python_version()}, Django {django.get_version()}"
        f"{jit_words(facts.database, args)}. Two databases, the second a copy of the first "
        f"with the other partnerships added: with `load-001` alone, {data_words(alone)}; with "
        f"the whole field, {data_words(field_)} ({generated}). Each database served by its own "
        "single-threaded wsgiref server with production settings (DEBUG off). Each page: "
        f"{plural(args.warmup, 'warm-up request')} on each server, then "
        f"{plural(args.requests, 'round')} of one request on each, the two servers taking "
        "turns to go first, one request at a time, over loopback; times are from sending the "
        "request to having read the whole response. Signed in as `load-001`'s chair (a "
        f"member with the role of chair), My updates as its officer `{facts.people.officer}`, "
        f"the oversight dashboard as a member of the oversight body. One-minute load average "
        f"just before timing: {facts.load_before:.2f}, just after: {facts.load_after:.2f} (the "
        "benchmark itself adds about 1; well above that means other work was sharing the "
        f"machine).{facts.priority} The whole run took "
        f"{plural(round(facts.minutes), 'minute')}."
    )
    lines = [
        textwrap.fill(header, width=100, break_on_hyphens=False),
        "",
        f"| Page of `load-001` | Size | Median, {alone.partnerships} partnership"
        f"{'' if alone.partnerships == 1 else 's'} | Median, {field_.partnerships} partnerships"
        f" | Difference | p95, {alone.partnerships} | p95, {field_.partnerships} | "
        "Target (median) |",
        "|---|---|--:|--:|--:|--:|--:|---|",
    ]

    def cell(target, where, figure):
        if where not in target.where:
            return "–"
        if where in target.unavailable:
            return f"not available ({target.unavailable[where]})"
        return milliseconds(figure(where))

    for target in targets:
        lines.append(
            f"| {target.label} | {target.size} | {cell(target, ALONE, target.median_ms)} | "
            f"{cell(target, FIELD, target.median_ms)} | {difference(target)} | "
            f"{cell(target, ALONE, target.p95_ms)} | {cell(target, FIELD, target.p95_ms)} | "
            f"{goal(target)} |"
        )
    changes = [change for t in targets if (change := paired_change(t)) is not None]
    if changes:
        as_fast = sum(change <= AS_FAST_WITHIN for change in changes)
        lines += [
            "",
            textwrap.fill(
                "Difference: the median, over the rounds, of each round's time with "
                f"{field_.partnerships} partnerships against its time with `load-001` alone "
                "(the two requests sent one straight after the other). With "
                f"{field_.partnerships} partnerships present, {as_fast} of {len(changes)} pages "
                f"timed on both are as fast as with `load-001` alone (within "
                f"{percent(AS_FAST_WITHIN).lstrip('+')} or faster); the differences range from "
                f"{percent(min(changes))} to {percent(max(changes))}.",
                width=100,
                break_on_hyphens=False,
            ),
        ]
    return "\n".join(lines) + "\n"


# Running ------------------------------------------------------------------------------------


def targets_for(data: DataSet, people: People, partnership_prefix: str) -> list[Target]:
    def page(path):
        return partnership_prefix + path

    targets = [
        Target(f"Trivial page: `{TRIVIAL_PATH}` (a redirect)", "–", page(TRIVIAL_PATH), "redirect"),
        Target("Home page", f"{PLANS} plans", page(""), "html"),
    ]
    for size, (slug, quarter) in data.sized_plans.items():
        targets.append(
            Target(
                f"Quarterly page, Q{quarter}",
                f"{size:,} actions",
                page(f"plans/{slug}/quarters/{quarter}/"),
                "html",
                target_ms=QUARTER_TARGET_MS.get(size),
            )
        )
    for size, (slug, quarter) in data.sized_plans.items():
        targets.append(
            Target(
                f"xlsx export, Q{quarter}",
                f"{size:,} actions",
                page(f"plans/{slug}/quarters/{quarter}/actions.xlsx"),
                "xlsx",
            )
        )
    targets.append(
        Target(
            "Dashboard", f"{PLANS} plans", page("dashboard/"), "html", target_ms=DASHBOARD_TARGET_MS
        )
    )
    # The biggest plan as its action plan table.
    size = max(data.sized_plans)
    slug, _ = data.sized_plans[size]
    targets.append(Target("Plan page", f"{size:,} actions", page(f"plans/{slug}/"), "html"))
    targets.append(
        Target(
            "My updates (an officer)",
            f"{people.officer_leads:,} actions led",
            page("actions/mine/"),
            "html",
            who="officer",
        )
    )
    targets.append(
        Target(
            f"Oversight dashboard `/oversight/{OVERSIGHT_SLUG}/`",
            people.oversight_size,
            f"/oversight/{OVERSIGHT_SLUG}/",
            "html",
            who="oversight",
            where=(FIELD,),
            target_ms=OVERSIGHT_TARGET_MS,
        )
    )
    return targets


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="The database with load-001 alone (created if missing); the second, with the "
        f"whole field, is its name with {FIELD_SUFFIX}. PostgreSQL, or sqlite:///PATH for a "
        f"rough figure. Default: $BENCH_DATABASE_URL or {DEFAULT_DATABASE_URL}.",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="Drop and recreate both databases first."
    )
    parser.add_argument(
        "--allow-drop",
        action="store_true",
        help="Let --fresh drop a database whose name does not contain “bench”.",
    )
    parser.add_argument(
        "--regenerate", action="store_true", help="Make the load data again even if it is there."
    )
    parser.add_argument(
        "--other-partnerships",
        type=int,
        default=OTHER_PARTNERSHIPS,
        metavar="N",
        help=f"Partnerships added in the second database (default {OTHER_PARTNERSHIPS}: 300 in "
        f"all), each with {FIELD_PLANS_EACH} plans, {FIELD_ACTIONS_EACH} actions and "
        f"{FIELD_UPDATES_EACH:,} progress updates; at least {OVERSIGHT_COVERS}.",
    )
    parser.add_argument("--requests", type=int, default=20, help="Timed requests per page.")
    parser.add_argument("--warmup", type=int, default=3, help="Untimed requests per page first.")
    parser.add_argument(
        "--quarter",
        type=int,
        choices=[1, 2, 3, 4],
        help="The quarter to time (default: each plan's reporting quarter).",
    )
    parser.add_argument(
        "--no-jit",
        action="store_true",
        help="Turn PostgreSQL's JIT compilation off for the servers' connections (it is on by "
        "default, and compiles a query whose estimated cost is high, which can take longer "
        "than the query).",
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        metavar="N",
        help="After the warm-up, run the benchmark's processes (this script, its servers, the "
        "database backends serving them) at this niceness: -10, as root, puts them ahead of "
        "the other work of a shared machine. Default 0: unchanged.",
    )
    parser.add_argument(
        "--write-docs", action="store_true", help="Put the table into docs/performance.md."
    )
    parser.add_argument(
        "--wait-for-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="Before timing, wait up to this long for the load average to fall under 0.5.",
    )
    args = parser.parse_args(argv)
    if args.other_partnerships < OVERSIGHT_COVERS:
        parser.error(f"--other-partnerships must be at least {OVERSIGHT_COVERS}.")
    started = time.monotonic()

    alone_url = absolute_url(args.database_url)
    field_url_ = field_url(alone_url)
    if args.fresh:
        check_may_drop(alone_url, args.allow_drop)
        check_may_drop(field_url_, args.allow_drop)
        drop_database(field_url_)
    prepare_database(alone_url, args.fresh, args.allow_drop)
    setup_django(alone_url)
    alone = load_data(args.regenerate or args.fresh, args.quarter)
    analyze()
    people = prepare_people()
    expected = fingerprint()
    database = database_description()
    with_prefix = the_partnership().prefix

    # The second database: the first's copy, with the other partnerships added.
    field_seconds = None
    reuse = alone.generated_seconds is None and database_exists(field_url_)
    if reuse:
        use_database(field_url_)
        reuse = field_is_there(args.other_partnerships, expected)
        if reuse:
            say("The database with the other partnerships is already there: reusing it.")
    if not reuse:
        close_connections()
        copy_database(alone_url, field_url_)
        use_database(field_url_)
        field_seconds = add_the_field(args.other_partnerships)
        analyze()
    for username in (people.chair, people.officer):
        set_password(username)
    prepare_oversight(people)
    field_ = data_set(field_seconds, args.quarter)
    if fingerprint() != expected:
        raise SystemExit("load-001's data differs between the two databases: run with --fresh.")
    close_connections()  # the servers are the ones using the databases now

    with tempfile.TemporaryDirectory(prefix="safer-lewisham-bench-") as folder:
        folder = Path(folder)
        static = folder / "static"
        collect_static(server_environment(alone_url, static))
        # The oversight dashboard has a server of its own (on the second database), so that the
        # two servers compared serve the same pages, nothing else: a server process that also
        # built the oversight dashboard would carry that work's memory into the pages timed
        # after it.
        environments = {}
        for where, url in (
            (ALONE, alone_url),
            (FIELD, field_url_),
            (OVERSIGHT_SERVER, field_url_),
        ):
            environments[where] = server_environment(url, static)
            if args.no_jit:
                environments[where]["BENCH_JIT"] = "off"  # benchmarks/settings.py
        with serving(environments, folder) as servers:
            clients = {}
            for where in (ALONE, FIELD):
                for who, username, prefix in (
                    ("chair", people.chair, with_prefix),
                    ("officer", people.officer, with_prefix),
                    ("oversight", people.oversight, "/"),
                ):
                    if who == "oversight" and where != FIELD:
                        continue
                    server = servers[OVERSIGHT_SERVER if who == "oversight" else where]
                    client = Client(f"http://127.0.0.1:{int(server.args[-1])}")
                    client.sign_in(username, BENCH_PASSWORD, prefix)
                    clients[where, who] = client
            targets = targets_for(alone, people, with_prefix)
            wait_for_quiet(args.wait_for_quiet)
            before = load_average()
            say(f"Timing {len(targets)} pages, {args.requests} requests each on each server…")
            priority = ""

            def after_warmup():
                nonlocal priority
                priority = prioritise(args.nice, list(servers.values()), [alone_url, field_url_])

            measure(clients, targets, args.requests, args.warmup, after_warmup)
            after = load_average()

    facts = Facts(
        database=database,
        alone=alone,
        field=field_,
        field_seconds=field_seconds,
        people=people,
        load_before=before,
        load_after=after,
        minutes=(time.monotonic() - started) / 60,
        priority=priority,
    )
    table = report(targets, facts, args)
    print(table)
    if args.write_docs:
        write_docs(table, start=DOCS_START, end=DOCS_END)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    else:
        main()
