#!/usr/bin/env python
"""Load test: officers updating their actions and members reading the quarterly page at once,
against the app served by gunicorn on PostgreSQL with the large data set.

In one run: create the benchmark database if needed and migrate it, generate the load data (100
plans, 50,000 actions...) unless it is there, give 50 officers (in 10 agencies, each leading
some actions of the 2,000-action plan) and 10 members known passwords, collect the static
files, serve the app with gunicorn and production settings, then run locust (as a library, in a
subprocess of its own: locust patches the standard library for gevent) for 60 seconds:

- officers sign in, open My actions, open an action's update form, take a moment to type, and
  save an update whose narrative carries a unique token. Now and then several officers of one
  agency open the same action at once, so that some saves are refused as conflicts (409); after
  a conflict, an officer saves again from the conflict page half of the time;
- members sign in and read the big plan's quarterly page and the dashboard.

Every save is recorded with its token and its answer. Afterwards the database is checked: every
accepted token is saved (in the audit trail, and the last save of each action is what it shows
now), no two accepted saves of one action were made from the same version (no one overwrote a
save they had not seen), no refused token was saved unless a later accepted save carried it,
every refused officer was shown their own text, and no request answered 5xx. It prints
throughput and p50/p95/p99 per page (locust's statistics); --write-docs puts them into
docs/performance.md.

    .venv/bin/python benchmarks/load_test.py --write-docs

See benchmarks/README.md. tests/test_load.py runs a short version in CI.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

# Run as a script, only the script's own folder is on the path: the checkout's packages too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.harness import REPO, collect_static, free_port, say, server_environment, write_docs

DOCS_START = "<!-- load-test-results:start -->"
DOCS_END = "<!-- load-test-results:end -->"

# The load test's own people and agencies, made again on each run: "loadtest-officer-1"...
PREFIX = "loadtest"
# Known to the load test only, on its own database (the benchmark's, or the test database).
PASSWORD = "load-test-only-password"  # noqa: S105
TOKEN = re.compile(r"lt-[0-9a-f]{32}")
# The pages, as locust names them (one row each in the results).
PAGES = {
    "sign_in_form": "Sign-in form",
    "sign_in": "Sign in (POST)",
    "mine": "My actions",
    "form": "Update form",
    "save": "Save update (POST)",
    "resave": "Save again after a conflict (POST)",
    "quarter": "Quarterly page",
    "dashboard": "Dashboard",
}


# The people ---------------------------------------------------------------------------------


def password_hash(password: str = PASSWORD) -> str:
    """Production's hasher (PBKDF2), computed once for everybody: the server checks passwords
    with production's settings whatever the calling process (a test's fast hasher) uses."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    hasher = PBKDF2PasswordHasher()
    return hasher.encode(password, hasher.salt())


def prepare_people(plan, *, officers: int, members: int, actions_each: int) -> dict:
    """Officers in agencies of five, each leading ``actions_each`` actions of ``plan``, plus one
    action per agency led by the agency alone (that all five may update: where conflicts
    happen), and chairs and members: all of them members of the plan's partnership with the
    role of officer or chair (``partnerships.models.Membership``; a Django group grants nothing)
    and its agencies partners of it. Made again on each run; returns the scenario the locust
    process plays (JSON), with the partnership's address prefix ("/p/<slug>"): everybody works
    on its pages."""
    from partnerships.context import acting_in

    partnership = plan.partnership
    with acting_in(partnership):
        return _prepare_people(
            plan, partnership, officers=officers, members=members, actions_each=actions_each
        )


def _prepare_people(plan, partnership, *, officers: int, members: int, actions_each: int):
    from django.contrib.auth import get_user_model

    from actions.models import Action
    from agencies.models import Agency, Profile
    from partnerships.models import Membership, Role

    User = get_user_model()
    encoded = password_hash()
    groups = max(1, (officers + 4) // 5)
    needed = officers * actions_each + groups
    actions = list(
        Action.objects.filter(strand__priority__plan=plan)
        .order_by("pk")
        .values_list("pk", flat=True)[:needed]
    )
    if len(actions) < needed:
        raise SystemExit(f"{plan} has {len(actions)} actions: the load test needs {needed}.")

    def user(username, role):
        person, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "password": encoded,
                "is_active": True,
                "first_name": "Load",
                "last_name": username.rsplit("-", 1)[-1],
                "email": f"{username}@example.org",
            },
        )
        person.groups.clear()  # roles come from memberships only (a run before partnerships)
        Membership.objects.update_or_create(
            user=person, partnership=partnership, defaults={"role": role}
        )
        return person

    agencies = []
    for n in range(1, groups + 1):
        # An agency is one organisation whatever partnerships it serves: looked up among all
        # of them (the base manager), then made a partner of this one.
        agency, _ = Agency._base_manager.update_or_create(
            slug=f"{PREFIX}-agency-{n}", defaults={"name": f"Load test agency {n}"}
        )
        agency.partnerships.add(partnership)
        agencies.append(agency)
    scenario = {
        "partnership": partnership.slug,
        "prefix": partnership.prefix.rstrip("/"),
        "plan": plan.slug,
        "officers": [],
        "members": [],
        "password": PASSWORD,
    }
    mine = iter(actions[groups:])
    for n in range(officers):
        agency = agencies[n // 5]
        person = user(f"{PREFIX}-officer-{n + 1}", Role.OFFICER)
        Profile.objects.update_or_create(user=person, defaults={"agency": agency})
        own = [next(mine) for _ in range(actions_each)]
        Action.objects.filter(pk__in=own).update(lead_agency=agency, lead_officer=person)
        contested = actions[n // 5]
        scenario["officers"].append(
            {"username": person.username, "own": own, "contested": contested}
        )
    for n, agency in enumerate(agencies):
        Action.objects.filter(pk=actions[n]).update(lead_agency=agency, lead_officer=None)
    for n in range(members):
        scenario["members"].append(user(f"{PREFIX}-member-{n + 1}", Role.CHAIR).username)
    quarter = plan.reporting_quarter()
    scenario["quarter"] = quarter.number
    if plan.why_no_updates():
        raise SystemExit(f"{plan} takes no updates: {plan.why_no_updates()}")
    return scenario


# The server ---------------------------------------------------------------------------------


def loopback_cookies():
    """A requests cookie jar for plain HTTP on loopback: production marks its cookies Secure,
    which a client only sends over HTTPS, so keep them as if they were not. (requests copies
    the jar for each request, so a cookie policy cannot say so.) requests is imported here, not
    at the top: the locust process must let gevent patch the standard library first."""
    from requests.cookies import RequestsCookieJar

    class LoopbackCookies(RequestsCookieJar):
        def set_cookie(self, cookie, *args, **kwargs):
            cookie.secure = False
            return super().set_cookie(cookie, *args, **kwargs)

    return LoopbackCookies()


@dataclass
class Server:
    """A gunicorn instance: its name (HAProxy's, for several), port and master process."""

    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self):
        """SIGKILL to the master and its workers at once (its process group), as when a machine
        dies: no request under way is finished, no connection closed politely."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=15)


@contextmanager
def gunicorn(env: dict, *, workers: int, log: Path, port: int | None = None):
    """Serve the app with gunicorn on a free loopback port; yields the base URL. The server
    (master and workers, in a process group of their own) is always stopped afterwards."""
    with gunicorn_server(env, workers=workers, log=log, port=port) as server:
        yield server.base


@contextmanager
def gunicorn_server(
    env: dict, *, workers: int, log: Path, port: int | None = None, name: str = "app1"
):
    """As gunicorn(), yielding the Server itself (to kill it)."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "safer_lewisham.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        # Not gunicorn's control socket: its one default path would be shared by every instance.
        "--no-control-socket",
    ]
    with log.open("w") as output:
        server = subprocess.Popen(  # noqa: S603
            command,
            cwd=REPO,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for_port(port, server, log, "gunicorn")
        yield Server(name, port, server, log)
    finally:
        stop(server)


def wait_for_port(port: int, process: subprocess.Popen, log: Path, what: str):
    """Until ``process`` listens on ``port`` (a minute at most; at once if it stops)."""
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped at start-up:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start within a minute: see {log}.") from None
            time.sleep(0.2)


# Several servers behind HAProxy --------------------------------------------------------------

HAPROXY = "/usr/sbin/haproxy"
HAPROXY_EXAMPLE = REPO / "deploy" / "haproxy.cfg"


def loopback_haproxy_config(
    *,
    port: int,
    servers: list[Server],
    stats_socket: Path,
    check_interval: str = "2s",
    maxconn: int | None = None,
    backend_lines: tuple[str, ...] = (),
) -> str:
    """deploy/haproxy.cfg as it is, but on loopback: listening on ``port`` in plain HTTP (no
    certificate, so no redirect to HTTPS), in the foreground as the current user (no chroot,
    user or daemon), its runtime API on ``stats_socket``, logging to its output, the servers given
    instead of the example's, health checks every ``check_interval``, and at most ``maxconn``
    requests at once per server (its concurrency: the load test's gunicorn has sync workers, one
    request each; the example's 16 is 8 workers × 2 threads). Everything else
    (health check, retries, headers, timeouts) is the example's own: what is tested is what a
    council deploys. ``backend_lines`` are added to the backend (a test's own)."""
    lines = []
    section = None
    for line in HAPROXY_EXAMPLE.read_text().splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            lines.append(line)
            continue
        if not line.startswith(" "):
            section = words[0]
            lines.append(line)
            if section == "backend":
                lines.extend(f"    {extra}" for extra in backend_lines)
            continue
        keyword = words[0]
        if section == "global" and keyword in ("chroot", "user", "group", "daemon"):
            continue
        if section == "global" and keyword == "log":
            line = "    log stdout format raw local0"
        if section == "global" and keyword == "stats" and words[1] == "socket":
            lines.append(f"    stats socket {stats_socket} mode 600 level admin")
            continue
        if section == "frontend" and keyword == "bind":
            if ":443" in line:
                continue
            line = f"    bind 127.0.0.1:{port}"
        if section == "frontend" and "redirect scheme https" in line:
            continue
        if section == "backend" and keyword == "server":
            # The servers given, where the example's first one was (after default-server).
            if servers:
                lines.extend(f"    server {s.name} 127.0.0.1:{s.port}" for s in servers)
                servers = []
            continue
        if section == "backend" and keyword == "default-server":
            line = re.sub(r"\binter \S+", f"inter {check_interval}", line)
            if maxconn:
                line = re.sub(r"\bmaxconn \d+", f"maxconn {maxconn}", line)
        lines.append(line)
    return "\n".join(lines) + "\n"


@dataclass
class Balanced:
    """HAProxy on loopback in front of several gunicorn instances."""

    base: str
    servers: list[Server]
    haproxy: subprocess.Popen
    stats_socket: Path

    def states(self) -> dict[str, str]:
        """Each server's state as HAProxy sees it ("UP", "DOWN"...), from its runtime API."""
        return {name: fields["status"] for name, fields in self.stats().items()}

    def stats(self) -> dict[str, dict[str, str]]:
        """Each server's figures from HAProxy's runtime API (`show stat`): "status", "scur"
        (requests under way now), "stot" (requests so far)..."""
        with socket.socket(socket.AF_UNIX) as api:
            api.settimeout(5)
            api.connect(str(self.stats_socket))
            api.sendall(b"show stat\n")
            answer = b""
            while chunk := api.recv(65536):
                answer += chunk
        rows = answer.decode().lstrip("# ").splitlines()
        header = rows[0].split(",")
        servers = {}
        for row in rows[1:]:
            fields = dict(zip(header, row.split(","), strict=False))
            if fields.get("svname") not in (None, "FRONTEND", "BACKEND"):
                servers[fields["svname"]] = fields
        return servers


@contextmanager
def balanced(
    env: dict,
    *,
    count: int,
    workers: int,
    folder: Path,
    check_interval: str = "2s",
    backend_lines: tuple[str, ...] = (),
):
    """``count`` gunicorn instances (each its own process group, on the same database) behind
    HAProxy from Debian's package, configured from deploy/haproxy.cfg; yields a Balanced once
    HAProxy sees every server up. All stopped afterwards."""
    if not Path(HAPROXY).exists():
        raise RuntimeError(f"{HAPROXY} is missing: apt-get install haproxy (Debian's package).")
    with ExitStack() as stack:
        servers = [
            stack.enter_context(
                gunicorn_server(
                    env, workers=workers, log=folder / f"gunicorn-{n}.log", name=f"app{n}"
                )
            )
            for n in range(1, count + 1)
        ]
        port = free_port()
        stats_socket = folder / "haproxy.sock"
        config = folder / "haproxy.cfg"
        config.write_text(
            loopback_haproxy_config(
                port=port,
                servers=servers,
                stats_socket=stats_socket,
                check_interval=check_interval,
                maxconn=workers,
                backend_lines=backend_lines,
            )
        )
        log = folder / "haproxy.log"
        with log.open("w") as output:
            proxy = subprocess.Popen(  # noqa: S603 (Debian's haproxy, our own configuration)
                [HAPROXY, "-db", "-f", str(config)],
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        stack.callback(stop, proxy)
        wait_for_port(port, proxy, log, "HAProxy")
        cluster = Balanced(f"http://127.0.0.1:{port}", servers, proxy, stats_socket)
        deadline = time.monotonic() + 30
        while set(cluster.states().values()) != {"UP"}:
            if time.monotonic() > deadline:
                raise RuntimeError(f"HAProxy does not see every server up: {cluster.states()}")
            time.sleep(0.1)
        yield cluster


def stop(server: subprocess.Popen):
    """Stop a server (gunicorn's master and workers, or HAProxy: its own process group),
    however things went."""
    if server.poll() is None:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=15)
        except ProcessLookupError:
            pass
    try:
        os.killpg(server.pid, signal.SIGKILL)  # any worker left behind
    except ProcessLookupError:
        pass


# The swarm (in its own process: locust patches the standard library for gevent) --------------


def run_swarm(
    base: str,
    scenario: dict,
    *,
    duration: float,
    workdir: Path,
    spawn_rate: float = 10,
    during: Callable[[float], None] | None = None,
) -> dict:
    """Play ``scenario`` against ``base`` with locust in a subprocess; its results as a dict.
    ``during``, if given, is called here once the measured run has begun (everybody signed
    in), with the time it began (time.time()): to do something to the servers mid-load."""
    scenario_file = workdir / "scenario.json"
    results_file = workdir / "results.json"
    measuring_file = measuring_marker(results_file)
    measuring_file.unlink(missing_ok=True)
    scenario_file.write_text(json.dumps(scenario))
    locust_process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "swarm",
            base,
            str(scenario_file),
            str(results_file),
            str(duration),
            str(spawn_rate),
        ],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        if during is not None:
            while not measuring_file.exists() or not measuring_file.read_text():
                if locust_process.poll() is not None:
                    break  # failed before (its status is reported below)
                time.sleep(0.05)
            else:
                during(float(measuring_file.read_text()))
        status = locust_process.wait(timeout=duration + 600)
    finally:
        if locust_process.poll() is None:
            locust_process.kill()
            locust_process.wait()
    if status:
        raise subprocess.CalledProcessError(status, "the load test's locust process")
    return json.loads(results_file.read_text())


def write_at_once(path: Path, text: str):
    """Write a file that another process may be reading: whole, or not there at all."""
    draft = path.with_suffix(".draft")
    draft.write_text(text)
    draft.replace(path)


def measuring_marker(results_file: Path) -> Path:
    """The file the locust process writes the time its measured run began into."""
    return results_file.with_suffix(".measuring")


def swarm(base: str, scenario_file: str, results_file: str, duration: str, spawn_rate: str):
    """The locust process: sign everybody in, then run the officers and members for
    ``duration`` seconds; write the statistics and every save's record as JSON."""
    marker = measuring_marker(Path(results_file))
    results = play(
        base,
        json.loads(Path(scenario_file).read_text()),
        float(duration),
        float(spawn_rate),
        on_measuring=lambda started: write_at_once(marker, repr(started)),
    )
    Path(results_file).write_text(json.dumps(results))


def saved_redirect(path: str, prefix: str) -> bool:
    """Whether a redirect answering a save is that of an accepted save: to a page of the
    partnership (the action's), not to a sign-in page."""
    return path.startswith(prefix + "/") and "/sign-in/" not in path


INPUT = re.compile(r"<input\b[^>]*>", re.S)
ATTRIBUTE = re.compile(r'([a-z-]+)(?:="([^"]*)")?')


def form_fields(html: str) -> dict:
    """The update form's hidden fields, and the completion status it shows (or the first)."""
    fields = {}
    statuses = []
    for tag in INPUT.findall(html):
        attributes = dict(ATTRIBUTE.findall(tag[len("<input") : -1]))
        name, value = attributes.get("name"), attributes.get("value", "")
        if attributes.get("type") == "hidden" and name:
            fields[name] = value
        elif name == "completion_status":
            statuses.append((value, "checked" in attributes))
    checked = [value for value, is_checked in statuses if is_checked]
    fields["completion_status"] = (checked or [statuses[0][0] if statuses else ""])[0]
    return fields


def play(
    base: str,
    scenario: dict,
    duration: float,
    spawn_rate: float,
    on_measuring: Callable[[float], None] | None = None,
) -> dict:
    """Run locust in this process: officers and members, all signed in first, then
    ``duration`` seconds of work. Returns statistics, answers, every save's record, and every
    request that went wrong (a 5xx, no answer, or a page that sent its user to sign in again),
    with when it began and ended. ``on_measuring`` is told when the measured run begins."""
    import random
    import uuid
    from html import unescape

    import gevent
    import locust
    from locust import HttpUser, between, events, task
    from locust.env import Environment

    password = scenario["password"]
    # Every page is the partnership's: "/p/<slug>" + its address (sign-in too, as a link to one
    # of its pages would bring someone there).
    prefix = scenario["prefix"]
    officers = list(scenario["officers"])
    members = list(scenario["members"])
    everyone = len(officers) + len(members)
    signed_in = []
    statuses = Counter()  # (page, status) -> answers, the whole run (sign-in included)
    measured = Counter()  # the same, during the measured run only
    saves = []
    troubles = []  # requests answered 5xx or not at all, or sent to sign in: with their times
    # At the end no new save is sent (as if the officer closed the page), and those on their
    # way are answered and recorded before locust stops.
    stopping = False
    saving = Counter()

    class SignedIn(HttpUser):
        abstract = True
        host = base
        wait_time = between(1, 3)

        def sign_in(self, username):
            self.client.cookies = loopback_cookies()
            form = self.client.get(f"{prefix}/sign-in/", name=PAGES["sign_in_form"])
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
            answer = self.client.post(
                f"{prefix}/sign-in/",
                {
                    "username": username,
                    "password": password,
                    "csrfmiddlewaretoken": token[1] if token else "",
                },
                name=PAGES["sign_in"],
                allow_redirects=False,
            )
            if answer.status_code != 302:
                raise RuntimeError(f"{username} could not sign in ({answer.status_code}).")
            signed_in.append(username)

        def csrf(self):
            return self.client.cookies.get("csrftoken", "")

    class Officer(SignedIn):
        fixed_count = len(officers)

        def on_start(self):
            self.me = officers.pop()
            self.sign_in(self.me["username"])

        @task
        def update_an_action(self):
            self.client.get(f"{prefix}/actions/mine/", name=PAGES["mine"])
            # A quarter of the time, the agency's shared action: several officers on it at once.
            if random.random() < 0.25:  # noqa: S311 (not cryptography)
                action = self.me["contested"]
            else:
                action = random.choice(self.me["own"])  # noqa: S311
            url = f"{prefix}/actions/{action}/update/"
            page = self.client.get(url, name=PAGES["form"])
            if page.status_code != 200:
                return
            gevent.sleep(random.uniform(1, 3))  # noqa: S311 (typing)
            if stopping:
                return
            self.save(action, url, form_fields(page.text), PAGES["save"], resaving=False)

        def save(self, action, url, fields, name, resaving, token=None):
            token = token or f"lt-{uuid.uuid4().hex}"
            data = {
                **fields,
                "rag_rating": random.choice(["green", "amber", "red"]),  # noqa: S311
                "narrative": f"Load test update {token} by {self.me['username']}.",
                "completion_note": "",
                "csrfmiddlewaretoken": fields.get("csrfmiddlewaretoken") or self.csrf(),
            }
            saving["now"] += 1
            sent = time.time()
            with self.client.post(
                url, data, name=name, allow_redirects=False, catch_response=True
            ) as answer:
                record = {
                    "token": token,
                    "action": action,
                    "quarter": int(fields.get("quarter") or 0),
                    "action_version": int(fields.get("action_version") or 0),
                    "update_version": fields.get("update_version") or None,
                    "status": answer.status_code,
                    "resave": resaving,
                    "sent": sent,
                }
                went_to = urlsplit(answer.headers.get("Location", "")).path
                if answer.status_code == 302 and not saved_redirect(went_to, prefix):
                    # Not the redirect of a save (to the action's page): a sign-in page, or an
                    # address outside the partnership redirecting to it. Nothing was saved.
                    record["outcome"] = "error"
                    answer.failure(f"redirected to {went_to}")
                elif answer.status_code == 302:
                    record["outcome"] = "accepted"
                    answer.success()
                elif answer.status_code in (400, 403, 409):
                    # Refused: told so, with their own text on the page (in the form to save
                    # again after a conflict).
                    record["outcome"] = "refused"
                    record["told"] = token in unescape(answer.text)
                    answer.success()
                else:
                    record["outcome"] = "error"
                    answer.failure(f"answered {answer.status_code}")
                saves.append(record)
            saving["now"] -= 1
            if answer.status_code == 409 and not resaving and random.random() < 0.5:  # noqa: S311
                # Read what the other officer saved, then save again from the conflict page
                # (which carries the versions now saved).
                gevent.sleep(random.uniform(0.5, 1.5))  # noqa: S311
                if stopping:
                    return
                self.save(action, url, form_fields(answer.text), PAGES["resave"], True, token)

    class Member(SignedIn):
        fixed_count = len(members)

        def on_start(self):
            self.sign_in(members.pop())

        @task
        def read(self):
            self.client.get(
                f"{prefix}/plans/{scenario['plan']}/quarters/{scenario['quarter']}/",
                name=PAGES["quarter"],
            )
            gevent.sleep(random.uniform(1, 3))  # noqa: S311
            self.client.get(f"{prefix}/dashboard/", name=PAGES["dashboard"])

    def count(request_type, name, response, exception=None, **kwargs):
        status = getattr(response, "status_code", 0) or "no answer"
        statuses[f"{name} {status}"] += 1
        measured[f"{name} {status}"] += 1
        # Where the answer sent its user (a redirect not followed), or where it ended (one
        # followed): a page of the partnership's, or back to the sign-in page.
        went_to = urlsplit(
            (getattr(response, "headers", None) or {}).get("Location")
            or getattr(response, "url", None)
            or ""
        ).path
        signed_out = name not in sign_in_pages and "/sign-in/" in went_to
        if status == "no answer" or status >= 500 or signed_out:
            start = kwargs.get("start_time") or time.time()
            troubles.append(
                {
                    "page": name,
                    "status": status,
                    "signed_out": signed_out,
                    "start": start,
                    "end": start + (kwargs.get("response_time") or 0) / 1000,
                }
            )

    sign_in_pages = (PAGES["sign_in_form"], PAGES["sign_in"])
    events.request.add_listener(count)
    environment = Environment(user_classes=[Officer, Member], events=events)
    runner = environment.create_local_runner()
    runner.start(everyone, spawn_rate=spawn_rate)
    # Everybody signs in first (timed, as its own pages); the measured run starts after.
    deadline = time.monotonic() + 600
    while len(signed_in) < everyone and time.monotonic() < deadline:
        gevent.sleep(0.2)
    if len(signed_in) < everyone:
        runner.quit()
        raise RuntimeError(f"Only {len(signed_in)} of {everyone} people could sign in.")
    sign_in_rows = [pages_row(environment.stats, PAGES[key]) for key in ("sign_in_form", "sign_in")]
    environment.stats.reset_all()
    sign_in_answers = {k: n for k, n in measured.items() if k.rsplit(" ", 1)[0] in sign_in_pages}
    measured.clear()
    started = time.monotonic()
    if on_measuring is not None:
        on_measuring(time.time())
    gevent.sleep(duration)
    stopping = True
    deadline = time.monotonic() + 120
    while saving["now"] and time.monotonic() < deadline:
        gevent.sleep(0.05)
    runner.quit()
    elapsed = time.monotonic() - started
    stats = environment.stats
    rows = [
        pages_row(stats, PAGES[key], elapsed)
        for key in PAGES
        if key not in ("sign_in_form", "sign_in")
    ]
    total = stats.total
    return {
        "locust_version": locust.__version__,
        "duration": elapsed,
        "pages": [row for row in sign_in_rows + rows if row["requests"]],
        "total": {
            "requests": total.num_requests,
            "rps": total.num_requests / elapsed,
            "p50": total.get_response_time_percentile(0.5),
            "p95": total.get_response_time_percentile(0.95),
            "p99": total.get_response_time_percentile(0.99),
        },
        "statuses": dict(statuses),
        "answers": {**sign_in_answers, **measured},
        "saves": saves,
        "troubles": troubles,
    }


def pages_row(stats, name: str, elapsed: float | None = None) -> dict:
    """One page's figures; requests/s over ``elapsed`` (default: from its first request to its
    last)."""
    entry = stats.entries.get((name, "GET")) or stats.entries.get((name, "POST"))
    if entry is None or not entry.num_requests:
        return {"name": name, "requests": 0}
    elapsed = elapsed or max(entry.last_request_timestamp - entry.start_time, 1e-9)
    return {
        "name": name,
        "requests": entry.num_requests,
        "rps": entry.num_requests / elapsed,
        "p50": entry.get_response_time_percentile(0.5),
        "p95": entry.get_response_time_percentile(0.95),
        "p99": entry.get_response_time_percentile(0.99),
    }


# Checking the database afterwards -------------------------------------------------------------


@dataclass
class Verdict:
    accepted: int
    refused: int
    refused_then_saved: int
    lost: list[str]  # accepted tokens not in the database
    leaked: list[str]  # refused tokens in the database with no accepted save carrying them
    blind_overwrites: list[str]  # two accepted saves of one action from the same version
    not_showing_last_save: list[str]  # actions whose update is not their last accepted save
    refused_untold: list[str]  # refused saves whose answer did not show the officer's text
    server_errors: dict[str, int]  # "page status" -> count, for 5xx answers
    statuses: dict[str, int]

    @property
    def ok(self) -> bool:
        return not (
            self.lost
            or self.leaked
            or self.blind_overwrites
            or self.not_showing_last_save
            or self.refused_untold
            or self.server_errors
        )

    def summary(self) -> str:
        return (
            f"{self.accepted} saves accepted, {self.refused} refused ({self.refused_then_saved} "
            f"of them saved again after the conflict); lost: {len(self.lost)}; refused but "
            f"saved: {len(self.leaked)}; accepted saves made from a version someone else had "
            f"already saved over: {len(self.blind_overwrites)}; actions not showing their last "
            f"save: {len(self.not_showing_last_save)}; refused without their text: "
            f"{len(self.refused_untold)}; 5xx answers: {sum(self.server_errors.values())}"
        )


def verify(results: dict) -> Verdict:
    """Compare every recorded save with what the database holds now (bookkeeping of the whole
    database, so with the partnership scoping off)."""
    from partnerships.context import everywhere

    with everywhere():
        return _verify(results)


def _verify(results: dict) -> Verdict:
    from actions.models import ProgressUpdate

    saves = results["saves"]
    accepted = [save for save in saves if save["outcome"] == "accepted"]
    refused = [save for save in saves if save["outcome"] == "refused"]
    accepted_tokens = {save["token"] for save in accepted}
    touched = {save["action"] for save in saves}

    # Every save of a progress update is in its audit trail (simple_history), with its text.
    saved_tokens = set()
    for narrative in ProgressUpdate.history.filter(action_id__in=touched).values_list(
        "narrative", flat=True
    ):
        saved_tokens.update(TOKEN.findall(narrative))
    now = {
        (update.action_id, update.quarter): update.narrative
        for update in ProgressUpdate.objects.filter(action_id__in=touched)
    }

    lost = sorted(
        accepted_tokens - saved_tokens - {t for n in now.values() for t in TOKEN.findall(n)}
    )
    leaked = sorted({save["token"] for save in refused} & saved_tokens - accepted_tokens)
    # Each accepted save claimed the action's version its form showed, and bumped it: two
    # accepted saves from the same version would mean one overwrote the other unseen.
    by_action = defaultdict(list)
    for save in accepted:
        by_action[save["action"]].append(save)
    blind = []
    last_save = {}
    for action, its_saves in by_action.items():
        versions = Counter(save["action_version"] for save in its_saves)
        blind.extend(f"action {action} v{v}" for v, count in versions.items() if count > 1)
        for save in its_saves:
            key = (action, save["quarter"])
            if key not in last_save or save["action_version"] > last_save[key]["action_version"]:
                last_save[key] = save
    # A save answered by a server error (a server killed while saving) may have been saved
    # before the server died: if the action shows it, made from a version at least as late,
    # the action shows a later save than the last accepted one, not a lost one.
    unanswered = defaultdict(list)
    for save in saves:
        if save["outcome"] == "error" and str(save["status"])[0] in "50":
            unanswered[(save["action"], save["quarter"])].append(save)

    def shows(key, save):
        text = now.get(key, "")
        return save["token"] in text or any(
            other["token"] in text and other["action_version"] >= save["action_version"]
            for other in unanswered[key]
        )

    not_showing = [
        f"action {action} Q{quarter}"
        for (action, quarter), save in last_save.items()
        if not shows((action, quarter), save)
    ]
    untold = [save["token"] for save in refused if not save["told"]]
    server_errors = {
        key: count for key, count in results["statuses"].items() if key.split()[-1][0] == "5"
    }
    return Verdict(
        accepted=len(accepted),
        refused=len(refused),
        refused_then_saved=len({s["token"] for s in refused} & accepted_tokens),
        lost=lost,
        leaked=leaked,
        blind_overwrites=blind,
        not_showing_last_save=not_showing,
        refused_untold=untold,
        server_errors=server_errors,
        statuses=results["statuses"],
    )


# The report ---------------------------------------------------------------------------------


def milliseconds(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f} ms"


def table(results: dict) -> list[str]:
    lines = [
        "| Page | Requests | Requests/s | p50 | p95 | p99 | Answers |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    answers = defaultdict(list)
    for key, count in sorted(results["answers"].items()):
        page, status = key.rsplit(" ", 1)
        answers[page].append(f"{count:,}× {status}")
    for row in results["pages"]:
        lines.append(
            f"| {row['name']} | {row['requests']:,} | {row['rps']:.1f} | "
            f"{milliseconds(row['p50'])} | {milliseconds(row['p95'])} | "
            f"{milliseconds(row['p99'])} | {', '.join(answers.get(row['name'], []))} |"
        )
    total = results["total"]
    lines.append(
        f"| **All pages** | {total['requests']:,} | **{total['rps']:.1f}** | "
        f"{milliseconds(total['p50'])} | {milliseconds(total['p95'])} | "
        f"{milliseconds(total['p99'])} | |"
    )
    return lines


def serving(facts: dict) -> str:
    """How the app was served: one gunicorn, or several behind HAProxy; the cache."""
    if facts.get("servers", 1) > 1:
        text = f"{facts['servers']} instances of {facts['workers']} sync workers behind HAProxy"
    else:
        text = f"{facts['workers']} sync workers"
    return text + (", sharing a Redis cache" if facts.get("redis") else "")


def report(results: dict, verdict: Verdict, facts: dict) -> str:
    header = (
        f"Run on {facts['when']}: {facts['cpu']}, PostgreSQL {facts['postgres']}, Python "
        f"{platform.python_version()}, Django {facts['django']}, locust {facts['locust']}, "
        f"gunicorn {facts['gunicorn']} ({serving(facts)}), production settings "
        f"(DEBUG off, CONN_MAX_AGE {facts['conn_max_age']} s with health checks), client, "
        "server and database on the same machine over loopback. Data: "
        f"{facts['data']}. Users: {facts['officers']} officers in {facts['agencies']} agencies "
        f"and {facts['members']} members, all signed in first, {facts['spawn_rate']:g} people "
        "arriving a second (sign-in is timed separately), "
        f"then {facts['duration']:.0f} seconds of officers opening My actions, an update form "
        "and saving (1 to 3 s of typing between opening the form and saving, 1 to 3 s between "
        "rounds) and members reading the quarterly page of the 2,000-action plan and the "
        f"dashboard (1 to 3 s between pages). One-minute load average before: {facts['load']:.2f}."
    )
    lines = [textwrap.fill(header, width=100, break_on_hyphens=False), "", *table(results), ""]
    verdict_text = f"Checked in the database afterwards: {verdict.summary()}. " + (
        "**All checks passed.**" if verdict.ok else "**Checks FAILED.**"
    )
    lines.append(textwrap.fill(verdict_text, width=100, break_on_hyphens=False))
    return "\n".join(lines) + "\n"


# Running ------------------------------------------------------------------------------------


def empty_redis(url: str):
    """Empty the Redis database the servers will cache in: nothing cached by an earlier run."""
    import redis

    redis.Redis.from_url(url).flushdb()


def main(argv=None):
    from benchmarks import run_benchmarks as bench

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", bench.DEFAULT_DATABASE_URL),
        help="The PostgreSQL database (created if missing; the load data generated if absent). "
        f"Default: $BENCH_DATABASE_URL or {bench.DEFAULT_DATABASE_URL}.",
    )
    parser.add_argument("--duration", type=float, default=60, help="Seconds (default 60).")
    parser.add_argument("--officers", type=int, default=50, help="Officers (default 50).")
    parser.add_argument("--members", type=int, default=10, help="Members (default 10).")
    parser.add_argument(
        "--actions-each", type=int, default=4, help="Actions each officer leads (default 4)."
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn workers (default 2 × CPU cores + 1, gunicorn's advice).",
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="gunicorn instances (default 1, served directly); with 2 or more, each with "
        "--workers workers, behind HAProxy (Debian's /usr/sbin/haproxy) configured from "
        "deploy/haproxy.cfg, as in production with several app servers.",
    )
    parser.add_argument(
        "--redis-url",
        default="",
        help="A Redis database for the servers' shared cache (REDIS_URL), e.g. "
        "redis://127.0.0.1:6379/14; emptied first. Default: none, each process caches in its "
        "own memory.",
    )
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=2,
        help="People arriving (signing in) a second (default 2: sixty people over half a "
        "minute). Each sign-in checks a password, which is slow on purpose, so everybody "
        "signing in within the same few seconds measures a queue of password checks.",
    )
    parser.add_argument("--write-docs", action="store_true", help="Write docs/performance.md.")
    args = parser.parse_args(argv)

    bench.prepare_database(args.database_url, fresh=False, allow_drop=False)
    bench.setup_django(args.database_url)
    data = bench.load_data(regenerate=False, quarter=None)
    bench.analyze()

    import django
    import gunicorn as gunicorn_package

    from benchmarks.load_data import partnership_slug, sized_plan_slug
    from partnerships.context import acting_in
    from partnerships.models import Partnership
    from plans.models import AnnualPlan

    # The 2,000-action plan, of the load data's first partnership (load-001).
    partnership = Partnership.objects.get(slug=partnership_slug(bench.PREFIX))
    with acting_in(partnership):
        plan = AnnualPlan.objects.get(slug=sized_plan_slug(bench.PREFIX, max(bench.PLAN_SIZES)))
    say(f"Preparing {args.officers} officers and {args.members} members on {plan}…")
    scenario = prepare_people(
        plan, officers=args.officers, members=args.members, actions_each=args.actions_each
    )
    from django.db import connection

    connection.close()  # the server's workers are the ones using the database now
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="safer-lewisham-load-") as folder:
        folder = Path(folder)
        env = server_environment(args.database_url, folder / "static")
        collect_static(env)
        if args.redis_url:
            empty_redis(args.redis_url)
            env["REDIS_URL"] = args.redis_url
        if args.servers > 1:
            # As in production behind a proxy: the client's address is the proxy's last
            # X-Forwarded-For (agencies/lockout.py).
            env["BEHIND_TLS_PROXY"] = "true"
            with balanced(env, count=args.servers, workers=args.workers, folder=folder) as cluster:
                say(
                    f"Serving on {cluster.base} (HAProxy) with {args.servers} × "
                    f"{args.workers} workers; {args.duration:.0f} s of load…"
                )
                results = run_swarm(
                    cluster.base,
                    scenario,
                    duration=args.duration,
                    workdir=folder,
                    spawn_rate=args.spawn_rate,
                )
        else:
            log = folder / "gunicorn-1.log"
            with gunicorn(env, workers=args.workers, log=log) as base:
                say(
                    f"Serving on {base} with {args.workers} workers; {args.duration:.0f} s of load…"
                )
                results = run_swarm(
                    base,
                    scenario,
                    duration=args.duration,
                    workdir=folder,
                    spawn_rate=args.spawn_rate,
                )
        server_log = "".join(log.read_text() for log in sorted(folder.glob("gunicorn-*.log")))
    if "Traceback" in server_log:
        say("The server logged errors:\n" + server_log[-5000:])

    verdict = verify(results)
    facts = {
        "when": datetime.now(UTC).strftime("%-d %B %Y, %H:%M UTC"),
        "cpu": bench.cpu_description(),
        "postgres": bench.postgres_version(),
        "django": django.get_version(),
        "locust": results["locust_version"],
        "gunicorn": gunicorn_package.__version__,
        "workers": args.workers,
        "servers": args.servers,
        "redis": bool(args.redis_url),
        "conn_max_age": django.conf.settings.DATABASES["default"]["CONN_MAX_AGE"],
        "data": f"{data.plans} plans, {data.actions:,} actions, {data.updates:,} progress updates",
        "officers": args.officers,
        "agencies": (args.officers + 4) // 5,
        "members": args.members,
        "duration": results["duration"],
        "load": load,
        "spawn_rate": args.spawn_rate,
    }
    text = report(results, verdict, facts)
    print(text)
    if args.write_docs:
        write_docs(text, start=DOCS_START, end=DOCS_END)
    if not verdict.ok:
        for name in ("lost", "leaked", "blind_overwrites", "not_showing_last_save"):
            if getattr(verdict, name):
                say(f"{name}: {getattr(verdict, name)[:20]}")
        raise SystemExit(1)


if __name__ == "__main__":
    if len(sys.argv) == 7 and sys.argv[1] == "swarm":
        swarm(*sys.argv[2:])
    else:
        main()
