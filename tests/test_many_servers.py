"""Many servers: two gunicorn instances and a Celery worker sharing PostgreSQL and Redis, behind
HAProxy from Debian's package configured from deploy/haproxy.cfg, on loopback; the short load
test through HAProxy, and one instance killed (SIGKILL, master and workers) in the middle.

What must hold (docs/deployment.md, "Several app servers"): no accepted update is lost and none
overwrote a save it had not seen; the only server errors are for requests under way at the kill,
none after it; people signed in on the killed instance carry on on the other without signing in
again, their half-typed update included; five wrong passwords spread over both instances lock
the username out on both, keyed on the client's address that HAProxy forwards, not the
balancer's own nor one the client made up; and a job asked for on a web instance (an
invitation's e-mail) is done by the worker.

HAProxy connects to the servers from 127.0.0.3 and the client from 127.0.0.1, so that the
address the lock-out records tells the client's from the balancer's."""

import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
import requests
from axes.models import AccessAttempt

from actions.models import ProgressUpdate
from benchmarks.harness import server_environment
from benchmarks.load_test import (
    HAPROXY,
    PASSWORD,
    balanced,
    form_fields,
    loopback_cookies,
    password_hash,
    prepare_people,
    run_swarm,
    verify,
)
from partnerships.context import everywhere
from partnerships.models import Partnership, Role
from tests.conftest import in_role
from tests.factories import ActionFactory, StrandFactory, UserFactory
from tests.serving import collected_static, database_url, needs_postgresql  # noqa: F401
from tests.two_factor import code_for, with_an_app
from tests.workers import celery_worker

OFFICERS, MEMBERS, SECONDS = 10, 3, 24
# This test's own Redis database: the servers' cache and the worker's queue.
REDIS = "redis://127.0.0.1:6379/14"
CLIENT, BALANCER = "127.0.0.1", "127.0.0.3"
# The test's own routing (added to the generated configuration only): a request carrying this
# header goes to the server it names, to say which instance a step happens on.
ROUTE = "X-Test-Server"
# How long HAProxy may take to see the killed server down: at once, as it refuses connections
# (observe layer4), or after three failed checks (every 200 ms here).
DOWN_WITHIN = 5

pytestmark = [
    pytest.mark.load,
    needs_postgresql,
    # The servers and the worker read what the test made: committed.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def haproxy_installed():
    """HAProxy from Debian's package. CI installs it (.ci/run) and sets
    REQUIRE_LOAD_BALANCER_TESTS=1, where its absence is a failure, not a skip."""
    if not Path(HAPROXY).exists():
        message = f"{HAPROXY} not found (apt-get install haproxy)"
        if os.environ.get("REQUIRE_LOAD_BALANCER_TESTS"):
            pytest.fail(f"REQUIRE_LOAD_BALANCER_TESTS is set but {message}.")
        pytest.skip(message)


@pytest.fixture
def server_errors_shown(tmp_path):
    """After the test, the servers' and the worker's errors, shown by pytest if it failed."""
    yield
    for log in sorted(tmp_path.glob("*.log")):
        text = log.read_text()
        if "Traceback" in text or "ALERT" in text:
            print(f"== {log.name} ==\n{text[-4000:]}")


@pytest.fixture
def outbox(tmp_path):
    folder = tmp_path / "outbox"
    folder.mkdir()
    return folder


@pytest.fixture
def redis_emptied():
    """This test's Redis database, emptied: nothing cached or queued by an earlier run."""
    redis.Redis.from_url(REDIS).flushdb()


@pytest.fixture
def worker(redis_emptied, tmp_path, outbox):
    """`celery worker` on the test database and this test's Redis, writing e-mails into
    ``outbox`` (tests/background_worker_settings.py); stopped at the end."""
    log = tmp_path / "worker.log"
    with celery_worker(
        log,
        settings="tests.background_worker_settings",
        broker=REDIS,
        environment={"REDIS_URL": REDIS, "TEST_EMAIL_FILE_PATH": str(outbox)},
    ):
        yield log


class Browser:
    """One person's requests through HAProxy, with their cookies, as a browser sends them."""

    def __init__(self, base: str, prefix: str):
        self.base, self.prefix = base, prefix
        self.http = requests.Session()
        self.http.cookies = loopback_cookies()

    def get(self, path, *, on=None, **kwargs):
        return self.http.get(self.base + path, headers=route(on), allow_redirects=False, **kwargs)

    def post(self, path, data, *, on=None, headers=None):
        data = {"csrfmiddlewaretoken": self.http.cookies.get("csrftoken", ""), **data}
        return self.http.post(
            self.base + path,
            data,
            headers={**route(on), **(headers or {})},
            allow_redirects=False,
        )

    def sign_in(self, username, password=PASSWORD, *, on=None, headers=None):
        """The sign-in form, then the password; the answer to the password."""
        assert self.get(f"{self.prefix}/sign-in/", on=on).status_code == 200
        return self.post(
            f"{self.prefix}/sign-in/",
            {"username": username, "password": password},
            on=on,
            headers=headers,
        )


def route(server):
    return {ROUTE: server} if server else {}


def test_killing_one_of_two_servers_mid_load_loses_nothing_and_signs_nobody_out(
    collected_static,  # noqa: F811
    tmp_path,
    haproxy_installed,
    server_errors_shown,
    worker,
    outbox,
):
    strand = StrandFactory()
    plan = strand.priority.plan
    # Two actions for each officer, and one per agency of five that they all may update.
    for _ in range(OFFICERS * 2 + OFFICERS // 5):
        ActionFactory(strand=strand)
    # One more officer and two more members than the load plays: this test's own people.
    scenario = prepare_people(plan, officers=OFFICERS, members=MEMBERS + 2, actions_each=2)
    carrying_on = scenario["officers"].pop()
    reader, locked = scenario["members"].pop(), scenario["members"].pop()
    prefix = scenario["prefix"]
    partnership = Partnership.objects.get(slug=scenario["partnership"])
    administrator = with_an_app(
        in_role(UserFactory(username="many-servers-admin"), Role.ADMINISTRATOR, partnership)
    )
    administrator.password = password_hash()  # production's hasher: the servers check it
    administrator.save()

    env = {
        **server_environment(database_url(), collected_static),
        "REDIS_URL": REDIS,
        "CELERY_BROKER_URL": REDIS,
        "BEHIND_TLS_PROXY": "true",
        # gunicorn believes X-Forwarded-Proto from the balancer only.
        "FORWARDED_ALLOW_IPS": BALANCER,
    }
    test_routing = (
        f"source {BALANCER}",
        *(f"use-server app{n} if {{ req.hdr({ROUTE}) -m str app{n} }}" for n in (1, 2)),
    )
    with balanced(
        env,
        count=2,
        workers=3,
        folder=tmp_path,
        check_interval="200ms",
        backend_lines=test_routing,
    ) as cluster:
        base = cluster.base

        # The lock-out holds across instances: five wrong passwords, on one instance then the
        # other, each claiming another address, lock the username out on both.
        guesser = Browser(base, prefix)
        answers = [
            guesser.sign_in(
                locked,
                "not-the-password",
                on=f"app{1 + n % 2}",
                headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
            ).status_code
            for n in range(5)
        ]
        assert answers == [200, 200, 200, 200, 429]
        # Counted against the client's address, as HAProxy forwarded it.
        attempts = AccessAttempt.objects.filter(username=locked)
        assert [(a.ip_address, a.failures_since_start) for a in attempts] == [(CLIENT, 5)]
        # The right password is refused now, on either instance.
        for server in ("app1", "app2"):
            assert Browser(base, prefix).sign_in(locked, on=server).status_code == 429

        # Signed in on the instance to be killed: a member reading, an officer with an update
        # form open.
        member = Browser(base, prefix)
        assert member.sign_in(reader, on="app1").status_code == 302
        assert member.get(f"{prefix}/dashboard/", on="app1").status_code == 200
        officer = Browser(base, prefix)
        assert officer.sign_in(carrying_on["username"], on="app1").status_code == 302
        action = carrying_on["own"][0]
        form = officer.get(f"{prefix}/actions/{action}/update/", on="app1")
        assert form.status_code == 200
        fields = form_fields(form.text)

        killed = {}

        def kill_app1(started):
            time.sleep(max(0, started + SECONDS / 2 - time.time()))
            # Halfway, and while it is answering someone if that comes within a few seconds.
            while int(cluster.stats()["app1"]["scur"]) == 0:
                if time.time() > started + SECONDS / 2 + 3:
                    break
                time.sleep(0.01)
            killed["from"] = time.time()
            cluster.servers[0].kill()
            killed["to"] = time.time()
            while cluster.states()["app1"] != "DOWN":
                assert time.time() < killed["to"] + DOWN_WITHIN, cluster.states()
                time.sleep(0.05)
            killed["down"] = time.time()

        results = run_swarm(base, scenario, duration=SECONDS, workdir=tmp_path, during=kill_app1)
        assert cluster.states() == {"app1": "DOWN", "app2": "UP"}

        # After the kill, on the other instance, without signing in again: the member reads,
        # and the officer saves the update typed into the form the killed instance served.
        assert member.get(f"{prefix}/dashboard/").status_code == 200  # not 302 to sign in
        saved = officer.post(
            f"{prefix}/actions/{action}/update/",
            {**fields, "rag_rating": "green", "narrative": "Typed before the server died."},
        )
        assert saved.status_code == 302
        assert urlsplit(saved.headers["Location"]).path.startswith(f"{prefix}/actions/")
        with everywhere():
            assert ProgressUpdate.objects.get(action_id=action).narrative == (
                "Typed before the server died."
            )

        # A job asked for on the web instance left is done by the worker: the invitation's
        # e-mail.
        admin = Browser(base, prefix)
        answer = admin.sign_in(administrator.username)
        assert answer.status_code == 302 and "/sign-in/code/" in answer.headers["Location"]
        assert admin.post(answer.headers["Location"], {"code": code_for(administrator)}).ok
        assert admin.get(f"{prefix}/invitations/new/").status_code == 200
        invited = admin.post(
            f"{prefix}/invitations/new/",
            {"name": "Sam Patel", "email": "sam.patel@example.gov.uk", "role": "chair"},
        )
        assert invited.status_code == 302
        deadline = time.monotonic() + 30
        while not list(outbox.iterdir()):
            assert time.monotonic() < deadline, worker.read_text()[-3000:]
            time.sleep(0.2)
        [email] = list(outbox.iterdir())
        assert "To: sam.patel@example.gov.uk" in email.read_text()

    verdict = verify(results)
    print(verdict.summary(), killed)
    assert verdict.accepted > 0  # the officers did save, and every save is checked:
    assert verdict.lost == []
    assert verdict.blind_overwrites == []
    assert verdict.not_showing_last_save == []
    assert verdict.leaked == []
    assert verdict.refused_untold == []
    # Server errors (502 from HAProxy) only for requests under way when the server died: none
    # that began after, even before HAProxy had seen it down (sent again to the other server).
    # And nobody was sent back to sign in.
    errors = [t for t in results["troubles"] if not t["signed_out"]]
    in_flight = [t for t in errors if t["start"] <= killed["to"] and t["end"] >= killed["from"]]
    assert errors == in_flight, killed
    assert [t for t in results["troubles"] if t["signed_out"]] == []
    assert [
        s for s in results["saves"] if s["outcome"] == "error" and s["sent"] > killed["to"]
    ] == []
    # The load went on after the kill, on the other instance.
    after = [
        s for s in results["saves"] if s["outcome"] == "accepted" and s["sent"] > killed["down"]
    ]
    assert after
    assert killed["down"] - killed["to"] < DOWN_WITHIN
    survivor_log = (tmp_path / "gunicorn-2.log").read_text()
    assert "Traceback" not in survivor_log, survivor_log[-3000:]
