#!/usr/bin/env python
"""Time the quarterly page, the xlsx export and the dashboard on a large data set, on PostgreSQL.

In one run: create (or, with --fresh, drop and recreate) the benchmark database, migrate it,
generate the load data (100 plans, 50,000 actions, 200,000 progress updates, with plans of
exactly 40, 400 and 2,000 actions) unless it is already there, serve the app with production
settings in a subprocess, sign in through the sign-in form as the generated chair, and time
the pages one request at a time. It prints a Markdown table (and with --write-docs puts it in
docs/performance.md).

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
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

# Run as a script, only the script's own folder is on the path: the checkout's packages too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import REPO, collect_static, free_port, say, server_environment, write_docs

DOCS_START = "<!-- benchmark-results:start -->"
DOCS_END = "<!-- benchmark-results:end -->"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/safer_lewisham_bench"
PREFIX = "load"  # generate_load_data's default
PLANS, ACTIONS, UPDATES = 100, 50_000, 200_000
PLAN_SIZES = (40, 400, 2_000)
# Targets from the issue (median, milliseconds).
QUARTER_TARGET_MS = {2_000: 300}
DASHBOARD_TARGET_MS = 500
# The generated chair's password, set by this script on its own benchmark database only.
BENCH_PASSWORD = "benchmark-only-password"  # noqa: S105 (benchmark database only)
# What a trivial request is: see README.md ("Why /favicon.ico").
TRIVIAL_PATH = "/favicon.ico"


# The database -------------------------------------------------------------------------------


def database_settings(url: str) -> dict:
    import dj_database_url

    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"The benchmark runs on PostgreSQL: {url!r} is not a postgres:// URL.")
    return config


def prepare_database(url: str, fresh: bool, allow_drop: bool):
    """Create the database if it does not exist; with ``fresh``, drop it first."""
    import psycopg2
    from psycopg2 import sql

    config = database_settings(url)
    name = config["NAME"]
    if fresh and "bench" not in name and not allow_drop:
        raise SystemExit(
            f"--fresh drops the database {name!r}; its name does not contain “bench”, so add "
            "--allow-drop if you really mean to."
        )
    connection = psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        if fresh:
            say(f"Dropping database {name}…")
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            say(f"Creating database {name}…")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def setup_django(url: str):
    """Django in this process, on the benchmark database, to migrate, generate and look up."""
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "true"  # generate_load_data makes test data only with DEBUG on
    os.environ["DJANGO_SETTINGS_MODULE"] = "safer_lewisham.settings"
    import django

    django.setup()


@dataclass
class DataSet:
    plans: int
    actions: int
    updates: int
    generated_seconds: float | None  # None: it was already there
    sized_plans: dict[int, tuple[str, int]]  # actions -> (slug, reporting quarter)


def load_data(regenerate: bool, quarter: int | None) -> DataSet:
    """Migrate; generate the load data unless the right data set is already there."""
    from io import StringIO

    from django.core.management import call_command

    from actions.models import Action, ProgressUpdate
    from benchmarks.generate_load_data import Command as GenerateLoadData
    from benchmarks.load_data import generated_plans, sized_plan_slug

    say("Migrating…")
    call_command("migrate", interactive=False, verbosity=0)

    def actions_in(slug):
        return Action.objects.filter(strand__priority__plan__slug=slug).count()

    present = generated_plans(PREFIX).count() == PLANS and all(
        actions_in(sized_plan_slug(PREFIX, size)) == size for size in PLAN_SIZES
    )
    seconds = None
    if regenerate or not present:
        say(
            f"Generating {PLANS} plans, {ACTIONS:,} actions and {UPDATES:,} progress updates "
            "(a minute or so)…"
        )
        started = time.perf_counter()
        out = StringIO()
        call_command(
            GenerateLoadData(),
            f"--plans={PLANS}",
            f"--actions={ACTIONS}",
            f"--updates={UPDATES}",
            f"--big-plan-actions={max(PLAN_SIZES)}",
            f"--also-sizes={','.join(str(size) for size in PLAN_SIZES[:-1])}",
            f"--prefix={PREFIX}",
            "--clear",
            stdout=out,
        )
        seconds = time.perf_counter() - started
        say(out.getvalue().strip())
    else:
        say("The load data is already there: reusing it (--regenerate to make it again).")

    from plans.models import AnnualPlan

    plans = generated_plans(PREFIX)
    sized = {}
    for size in PLAN_SIZES:
        plan = AnnualPlan.objects.get(slug=sized_plan_slug(PREFIX, size))
        # The quarter a chair would open: the plan's reporting quarter (its year is over, so Q4).
        number = quarter or plan.reporting_quarter().number
        sized[size] = (plan.slug, number)
    return DataSet(
        plans=plans.count(),
        actions=Action.objects.filter(strand__priority__plan__in=plans).count(),
        updates=ProgressUpdate.objects.filter(action__strand__priority__plan__in=plans).count(),
        generated_seconds=seconds,
        sized_plans=sized,
    )


def set_chair_password() -> str:
    from django.contrib.auth import get_user_model

    from benchmarks.load_data import chair_username

    user = get_user_model().objects.get(username=chair_username(PREFIX))
    user.set_password(BENCH_PASSWORD)
    user.save(update_fields=["password"])
    return user.username


def analyze():
    """Bring PostgreSQL's planner statistics up to date (generate_load_data does so too), so
    that no page is timed against plans made for nearly-empty tables."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0].split(" ")[0]


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

    def sign_in(self, username: str, password: str):
        form = self.request("/sign-in/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body)
        if form.status != 200 or not token:
            raise SystemExit(f"The sign-in page did not answer with its form ({form.status}).")
        answer = self.request(
            "/sign-in/",
            {"username": username, "password": password, "csrfmiddlewaretoken": token[1].decode()},
        )
        if answer.status != 302 or "sign-in" in answer.location:
            raise SystemExit(f"Could not sign in as {username} ({answer.status}).")


# Timing -------------------------------------------------------------------------------------


@dataclass
class Target:
    label: str
    size: str  # "2,000 actions", "100 plans", "–"
    path: str
    expect: str  # "html", "xlsx" or "redirect"
    target_ms: int | None = None
    unavailable: str = ""  # why it could not be timed
    times: list[float] = field(default_factory=list)
    bytes: int = 0

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95_ms(self) -> float:
        """Nearest rank: with 20 requests, the 19th fastest."""
        ordered = sorted(self.times)
        return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000


def problem_with(target: Target, response: Response) -> str:
    """Why this answer is not the page being measured; "" when it is."""
    if target.expect == "redirect":
        return "" if response.status in (301, 302) else f"answered {response.status}"
    if response.status != 200:
        return f"answered {response.status}"
    if target.expect == "xlsx" and not (
        "spreadsheetml" in response.content_type and response.body[:2] == b"PK"
    ):
        return f"answered {response.content_type or 'no content type'}, not an xlsx file"
    if target.expect == "html" and "text/html" not in response.content_type:
        return f"answered {response.content_type}"
    return ""


def measure(client: Client, targets: list[Target], requests: int, warmup: int):
    """Warm every page up, set aside those that do not answer, then time the rest in rounds
    (one request to each page per round), so that all pages share the same conditions."""
    for target in targets:
        for _ in range(warmup):
            response = client.request(target.path)
            target.unavailable = problem_with(target, response)
            if target.unavailable:
                say(f"  {target.label} ({target.size}): not available, {target.unavailable}")
                break
            target.bytes = len(response.body)
        else:
            say(f"  {target.label} ({target.size}): warmed up ({target.bytes:,} bytes)")
    available = [target for target in targets if not target.unavailable]
    for round_ in range(1, requests + 1):
        for target in available:
            response = client.request(target.path)
            problem = problem_with(target, response)
            if problem:
                raise SystemExit(f"{target.path} {problem} during the timed requests.")
            target.times.append(response.seconds)
        if round_ % 5 == 0 or round_ == requests:
            say(f"  round {round_}/{requests}")


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


def report(targets: list[Target], data: DataSet, args, pg_version: str, load: float) -> str:
    import django

    trivial = targets[0]
    trivial_median = milliseconds(trivial.median_ms) if trivial.times else "–"
    when = datetime.now(UTC).strftime("%-d %B %Y, %H:%M UTC")
    generated = (
        f"generate_load_data made it in {data.generated_seconds:.0f} s in this run"
        if data.generated_seconds is not None
        else "reused from an earlier run"
    )
    header = (
        f"Run on {when}: {cpu_description()}, PostgreSQL {pg_version}, Python "
        f"{platform.python_version()}, Django {django.get_version()}. "
        f"Data: {data.plans} plans, {data.actions:,} actions, {data.updates:,} progress "
        f"updates ({generated}). Each page: {args.warmup} warm-up requests, then "
        f"{args.requests} timed requests, one at a time, over loopback, to a single-threaded "
        "wsgiref server running production settings (DEBUG off), signed in as a member of "
        "Chair and members. Times are from sending the request to having read the whole "
        f"response. One-minute load average just before timing: {load:.2f} (the benchmark "
        "itself adds about 1 while it runs; well above 0 before means other work was sharing "
        "the machine's two cores)."
    )
    lines = [
        textwrap.fill(header, width=100, break_on_hyphens=False),
        "",
        "| Page | Size | Median | p95 | Trivial page median, same run | Target (median) |",
        "|---|---|--:|--:|--:|---|",
    ]
    for target in targets:
        if target.unavailable:
            median, p95 = f"not available ({target.unavailable})", "–"
        else:
            median, p95 = milliseconds(target.median_ms), milliseconds(target.p95_ms)
        if target.target_ms is None:
            goal = "–"
        elif target.unavailable:
            goal = f"under {target.target_ms} ms: not measured"
        else:
            met = "met" if target.median_ms < target.target_ms else "**not met**"
            goal = f"under {target.target_ms} ms: {met}"
        beside = "–" if target is trivial else trivial_median
        lines.append(f"| {target.label} | {target.size} | {median} | {p95} | {beside} | {goal} |")
    return "\n".join(lines) + "\n"


# Running ------------------------------------------------------------------------------------


def targets_for(data: DataSet) -> list[Target]:
    targets = [Target("Trivial page: `/favicon.ico` (a redirect)", "–", TRIVIAL_PATH, "redirect")]
    for size, (slug, quarter) in data.sized_plans.items():
        targets.append(
            Target(
                f"Quarterly page, Q{quarter}",
                f"{size:,} actions",
                f"/plans/{slug}/quarters/{quarter}/",
                "html",
                QUARTER_TARGET_MS.get(size),
            )
        )
    for size, (slug, quarter) in data.sized_plans.items():
        targets.append(
            Target(
                f"xlsx export, Q{quarter}",
                f"{size:,} actions",
                f"/plans/{slug}/quarters/{quarter}/actions.xlsx",
                "xlsx",
            )
        )
    targets.append(
        Target("Dashboard", f"{data.plans} plans", "/dashboard/", "html", DASHBOARD_TARGET_MS)
    )
    # For comparison, a page that exists already: the biggest plan as its action plan table.
    size = max(data.sized_plans)
    slug, _ = data.sized_plans[size]
    targets.append(
        Target("Plan page (for comparison)", f"{size:,} actions", f"/plans/{slug}/", "html")
    )
    return targets


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        help="The PostgreSQL database to use (created if missing). Default: $BENCH_DATABASE_URL "
        f"or {DEFAULT_DATABASE_URL}.",
    )
    parser.add_argument(
        "--fresh", action="store_true", help="Drop and recreate the database first."
    )
    parser.add_argument(
        "--allow-drop",
        action="store_true",
        help="Let --fresh drop a database whose name does not contain “bench”.",
    )
    parser.add_argument(
        "--regenerate", action="store_true", help="Make the load data again even if it is there."
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

    prepare_database(args.database_url, args.fresh, args.allow_drop)
    setup_django(args.database_url)
    data = load_data(args.regenerate or args.fresh, args.quarter)
    analyze()
    username = set_chair_password()
    pg_version = postgres_version()

    with tempfile.TemporaryDirectory(prefix="safer-lewisham-bench-") as folder:
        env = server_environment(args.database_url, Path(folder) / "static")
        collect_static(env)
        server = start_server(env, free_port(), Path(folder) / "server.log")
        try:
            port = int(server.args[-1])
            client = Client(f"http://127.0.0.1:{port}")
            client.sign_in(username, BENCH_PASSWORD)
            targets = targets_for(data)
            wait_for_quiet(args.wait_for_quiet)
            before = load_average()
            say(f"Timing {len(targets)} pages, {args.requests} requests each…")
            measure(client, targets, args.requests, args.warmup)
        finally:
            server.terminate()
            server.wait(timeout=10)
        log = (Path(folder) / "server.log").read_text()
        if "Traceback" in log:
            say("The server logged errors:\n" + log[-3000:])

    table = report(targets, data, args, pg_version, before)
    print(table)
    if args.write_docs:
        write_docs(table, start=DOCS_START, end=DOCS_END)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    else:
        main()
