"""benchmarks/run_benchmarks.py, short: on small load data, its preparations run as on the command
line (every query of a partnership's rows with the partnership in force), and every page it
times answers with what it should for the person who requests it. The timing itself (two
servers, hundreds of requests) is the script's, run by hand: docs/performance.md."""

from contextlib import contextmanager

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_scopes import scope

from benchmarks import run_benchmarks as bench
from partnerships.context import everywhere
from partnerships.models import Membership, OversightBody, Role

pytestmark = pytest.mark.django_db

OTHERS = 4


@pytest.fixture
def small(monkeypatch, settings):
    """The benchmark's sizes, made small; DEBUG on, as generate_load_data asks."""
    settings.DEBUG = True
    for name, value in {
        "PLANS": 4,
        "ACTIONS": 60,
        "UPDATES": 150,
        "PLAN_SIZES": (3, 6, 20),
        "FIELD_PLANS_EACH": 2,
        "FIELD_ACTIONS_EACH": 6,
        "FIELD_UPDATES_EACH": 12,
        "OVERSIGHT_COVERS": 3,
    }.items():
        monkeypatch.setattr(bench, name, value)


@contextmanager
def as_on_the_command_line():
    """No partnership in force and the scoping on, as when the script runs."""
    with everywhere(), scope():
        yield


def signed_in(username, prefix):
    """A client signed in through the sign-in form, as the benchmark's client signs in."""
    client = Client()
    form = client.get(f"{prefix}sign-in/")
    assert form.status_code == 200
    answer = client.post(
        f"{prefix}sign-in/", {"username": username, "password": bench.BENCH_PASSWORD}
    )
    assert answer.status_code == 302, username
    assert "sign-in" not in answer["Location"]
    return client


def answer_of(response) -> bench.Response:
    return bench.Response(
        status=response.status_code,
        body=response.content,
        content_type=response.get("Content-Type", ""),
        location=response.get("Location", ""),
        seconds=0.0,
    )


def test_its_pages_answer_with_the_partnership_alone_and_with_the_others(small):
    with as_on_the_command_line():
        alone = bench.load_data(regenerate=False, quarter=None)
        people = bench.prepare_people()
        before = bench.fingerprint()
        prefix = bench.the_partnership().prefix
        timed_alone = bench.targets_for(alone, people, prefix)
        clients = {
            who: signed_in(username, prefix)
            for who, username in (("chair", people.chair), ("officer", people.officer))
        }
        answers_alone = {
            target.path: bench.problem_with(target, answer_of(clients[target.who].get(target.path)))
            for target in timed_alone
            if bench.ALONE in target.where
        }

        bench.add_the_field(OTHERS)
        bench.prepare_oversight(people)
        field = bench.data_set(None, None)
        assert bench.fingerprint() == before
        timed = bench.targets_for(alone, people, prefix)
        clients["oversight"] = signed_in(people.oversight, "/")
        answers = {
            target.path: bench.problem_with(target, answer_of(clients[target.who].get(target.path)))
            for target in timed
        }

    assert prefix == "/p/load-001/"
    # The tests' own partnership is there too: the others add to it.
    assert field.partnerships - alone.partnerships == OTHERS
    assert field.plans - alone.plans == OTHERS * 2
    assert sorted(alone.sized_plans) == [3, 6, 20]
    # Every page answered as it should (HTML, an xlsx file, the trivial page's redirect), under
    # load-001's address but the oversight body's, on both data sets.
    assert set(answers_alone.values()) == {""}, answers_alone
    assert set(answers.values()) == {""}, answers
    paths = [target.path for target in timed]
    assert all(path.startswith(prefix) for path in paths[:-1])
    assert paths[-1] == f"/oversight/{bench.OVERSIGHT_SLUG}/"
    assert {target.who for target in timed} == {"chair", "officer", "oversight"}
    # The people are who the report says.
    with everywhere():
        roles = dict(
            Membership.objects.filter(partnership__slug="load-001").values_list(
                "user__username", "role"
            )
        )
        body = OversightBody.objects.get(slug=bench.OVERSIGHT_SLUG)
        covered = list(body.covers.order_by("slug").values_list("slug", flat=True))
        reader = get_user_model().objects.get(username=people.oversight)
    assert roles[people.chair] == Role.CHAIR
    assert roles[people.officer] == Role.OFFICER
    assert people.officer_leads > 0
    assert covered == ["field-001", "field-002", "field-003"]
    assert list(body.members.all()) == [reader]
    assert not reader.memberships.exists()  # it reads them as the body, not as their member
    assert people.oversight_size.startswith("3 partnerships, ")


def test_the_second_database_is_named_after_the_first():
    assert (
        bench.field_url("postgres://postgres@127.0.0.1:5432/safer_lewisham_bench")
        == "postgres://postgres@127.0.0.1:5432/safer_lewisham_bench_field"
    )
    assert bench.field_url("sqlite:////tmp/bench.sqlite3") == "sqlite:////tmp/bench-field.sqlite3"


def test_a_page_as_fast_with_the_others_is_told_from_a_slower_one():
    same = bench.Target("Page", "–", "/p/x/", "html", times={"alone": [0.1], "field": [0.105]})
    slower = bench.Target("Page", "–", "/p/x/", "html", times={"alone": [0.1], "field": [0.2]})
    assert bench.difference(same) == "+5 %"
    assert bench.difference(slower) == "**+100 %**"
