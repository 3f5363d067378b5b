"""The load test, short: officers saving updates (some on the same action at once) and members
reading the quarterly page and the dashboard, against the app served by gunicorn with
production settings on PostgreSQL, for a few seconds. No answer may be a server error and no
accepted update may be lost. The full run (50 officers, 10 members, 60 seconds, the large data
set) is benchmarks/load_test.py; its figures are in docs/performance.md."""

import pytest

from benchmarks.harness import server_environment
from benchmarks.load_test import gunicorn, prepare_people, run_swarm, verify
from tests.factories import ActionFactory, StrandFactory
from tests.serving import collected_static, database_url, needs_postgresql  # noqa: F401

OFFICERS, MEMBERS, SECONDS = 10, 3, 12

pytestmark = [
    pytest.mark.load,
    needs_postgresql,
    # The server reads what the test made: committed, not in a transaction rolled back after.
    pytest.mark.django_db(transaction=True),
]


def test_a_short_load_loses_no_update_and_answers_no_server_error(
    collected_static,  # noqa: F811
    tmp_path,
):
    strand = StrandFactory()
    plan = strand.priority.plan
    # Two actions for each officer, and one per agency of five that they all may update.
    for _ in range(OFFICERS * 2 + OFFICERS // 5):
        ActionFactory(strand=strand)
    scenario = prepare_people(plan, officers=OFFICERS, members=MEMBERS, actions_each=2)
    env = server_environment(database_url(), collected_static)

    with gunicorn(env, workers=3, log=tmp_path / "gunicorn.log") as base:
        results = run_swarm(base, scenario, duration=SECONDS, workdir=tmp_path)

    verdict = verify(results)
    print(verdict.summary())
    assert verdict.server_errors == {}, (tmp_path / "gunicorn.log").read_text()[-3000:]
    assert verdict.accepted > 0  # the officers did save, and every save is checked:
    assert verdict.lost == []
    assert verdict.blind_overwrites == []
    assert verdict.not_showing_last_save == []
    assert verdict.leaked == []
    assert verdict.refused_untold == []
    # Every page was served: nobody's session or page failed along the way.
    served = {row["name"] for row in results["pages"]}
    assert {"My actions", "Update form", "Save update (POST)", "Quarterly page"} <= served
