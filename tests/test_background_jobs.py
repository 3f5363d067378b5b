"""Background jobs (docs/background-jobs.md): through a real Celery worker on the Redis that runs
here and in CI, and with no broker, in the process.

The worker is a separate process, so it must reach the test's database: a real one on
PostgreSQL (on SQLite the test database is in memory), with the rows committed
(``transaction=True``). It takes its jobs from a queue of this session's own on Redis database
13, so that two test sessions at once never take each other's jobs."""

import secrets
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse
from django_celery_results.models import TaskResult

from invitations.models import Invitation
from partnerships.models import Role
from rounds.models import RoundEmail
from rounds.tasks import send_update_round
from safer_lewisham.celery import app as celery_app
from tests.background_jobs_for_tests import always_fails
from tests.conftest import in_role, make_lead_agency, make_officer
from tests.factories import ActionFactory, StrandFactory, SuperuserFactory, UserFactory
from tests.workers import celery_settings, celery_worker, needs_postgresql

TEST_BROKER = "redis://127.0.0.1:6379/13"
IN_WINDOW = date(2017, 12, 20)  # in the Q3 2017-18 window of a 2017-18 plan

# With a real worker ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def worker(django_db_setup, tmp_path_factory):
    """`celery worker` on the test database, taking this session's queue; stopped at the end."""
    folder = tmp_path_factory.mktemp("worker")
    outbox = folder / "outbox"
    outbox.mkdir()
    queue = f"tests-{secrets.token_hex(4)}"
    with celery_worker(
        folder / "worker.log",
        settings="tests.background_worker_settings",
        broker=TEST_BROKER,
        environment={"TEST_EMAIL_FILE_PATH": str(outbox)},
        queue=queue,
        include="tests.background_jobs_for_tests",
    ):
        with celery_settings(task_always_eager=False, broker_url=TEST_BROKER):
            yield type("Worker", (), {"queue": queue, "outbox": outbox})


def through(worker, task, *args):
    """Put a job on the worker's queue, as the web process or the scheduler does."""
    with celery_app.connection_for_write(TEST_BROKER) as connection:
        return task.apply_async(args=args, queue=worker.queue, connection=connection)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_update_round_through_the_worker_sends_each_email_once(worker):
    agency = make_lead_agency()
    officer = make_officer(agency)
    ActionFactory(strand=StrandFactory(priority__plan__financial_year=2017), lead_agency=agency)

    first = through(worker, send_update_round, IN_WINDOW.isoformat()).get(timeout=20)
    second = through(worker, send_update_round, IN_WINDOW.isoformat()).get(timeout=20)

    assert (first["sent"], first["skipped"]) == (1, 0)
    assert (second["sent"], second["skipped"]) == (0, 1)
    [written] = list(worker.outbox.iterdir())
    assert f"To: {officer.email}" in written.read_text()
    assert RoundEmail.objects.get().status == RoundEmail.Status.SENT
    assert TaskResult.objects.filter(task_name="rounds.send_update_round").count() == 2


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_failing_job_is_retried_with_backoff_then_shown_failed_in_the_site_admin(
    worker, tmp_path, client
):
    tries_file = tmp_path / "tries"

    job = through(worker, always_fails, str(tries_file))
    job.get(timeout=25, propagate=False)

    tries = [line.split() for line in tries_file.read_text().splitlines()]
    assert [int(retries) for retries, _ in tries] == [0, 1, 2]
    waits = [float(b[1]) - float(a[1]) for a, b in zip(tries, tries[1:], strict=False)]
    assert waits[0] >= 1 and waits[1] >= 2  # 1 second, then 2: backing off
    failed = TaskResult.objects.get(task_id=job.id)
    assert failed.status == "FAILURE"
    assert "ConnectionError" in failed.result
    client.force_login(SuperuserFactory())
    page = client.get("/admin/django_celery_results/taskresult/?status__exact=FAILURE")
    assert page.status_code == 200
    assert "tests.always_fails" in page.text
    assert job.id in page.text


# Without a broker: in the process ---------------------------------------------------------------


@pytest.fixture
def in_the_process():
    with celery_settings(task_always_eager=True):
        yield


@pytest.fixture
def as_with_a_queue(settings, in_the_process):
    """The service as it is with a job queue (CELERY_BROKER_URL set): the invitation's e-mail is
    asked of a job once the transaction is saved. The job itself runs here, in the process."""
    settings.CELERY_TASK_ALWAYS_EAGER = False


@pytest.fixture
def administrator(client):
    user = in_role(UserFactory(username="plan-admin"), Role.ADMINISTRATOR)
    client.force_login(user)
    return user


INVITEE = {"name": "Sam Patel", "email": "sam.patel@example.gov.uk", "role": "chair"}


@pytest.mark.django_db
def test_with_no_queue_the_invitation_is_sent_at_once_as_the_pages_own_work(
    client, administrator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("invitations:invite"), INVITEE)
        assert response.status_code == 302
        # Sent inside the page's transaction: a refused e-mail undoes the invitation.
        assert [message.to for message in mail.outbox] == [["sam.patel@example.gov.uk"]]

    assert callbacks == []
    assert not TaskResult.objects.exists()


@pytest.mark.django_db
def test_with_a_queue_the_invitation_is_sent_by_a_job_once_saved(
    as_with_a_queue, client, administrator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("invitations:invite"), INVITEE)
        assert response.status_code == 302
        assert not mail.outbox  # not before the invitation is saved

    assert len(callbacks) == 1
    (message,) = mail.outbox
    assert message.to == ["sam.patel@example.gov.uk"]
    job = TaskResult.objects.get(task_name="invitations.send_invitation")
    assert job.status == "SUCCESS"
    # Only ids on the queue and in the job's record: never the link's secret.
    invitation = Invitation.objects.get()
    assert job.task_args == f"[{invitation.partnership_id}, {invitation.pk}]"
    assert "/join/" not in (job.task_args + job.task_kwargs + (job.result or ""))


@pytest.mark.django_db
def test_an_invitation_withdrawn_before_its_job_runs_is_not_sent(
    as_with_a_queue, client, administrator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("invitations:invite"), INVITEE)
    client.post(reverse("invitations:withdraw", args=[Invitation.objects.get().pk]))

    for callback in callbacks:
        callback()

    assert not mail.outbox


def test_the_scheduler_runs_the_update_round_every_morning_in_london():
    entry = celery_app.conf.beat_schedule["send-update-round"]

    assert entry["task"] == send_update_round.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})
    assert celery_app.conf.timezone == "Europe/London"
