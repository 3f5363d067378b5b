"""Applying a confirmed import as a background job (imports/tasks.py): without a job queue
(the tests' default, as `make run`) it runs in the request and the administrator ends on the
result; with one, the import's page says it is being imported until a worker has done it. The
last tests run a real worker on Redis (database 12) and PostgreSQL."""

import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_celery_results.models import TaskResult

from actions.models import Action
from imports import applying
from imports.models import PlanImport
from imports.tasks import LOST, NOT_STARTED, WENT_WRONG, apply_import
from tests.imports.files import row, xlsx
from tests.imports.test_admin import confirm, preview_url, upload
from tests.pages import text_of
from tests.workers import (
    celery_settings,
    forget_broker_connections,
    jobs_on_a_worker,
    needs_postgresql,
)

TEST_BROKER = "redis://127.0.0.1:6379/12"
TWO_ACTIONS = [row(reference="1.1", action="Open day."), row(reference="1.2", action="Drama.")]


@pytest.fixture
def admin(client, administrator):
    client.force_login(administrator)
    return client


def importing_url(record):
    return reverse("admin:imports_planimport_importing", args=[record.pk])


def previewed(admin, plan, rows=TWO_ACTIONS):
    """An uploaded file's record and the preview page the administrator confirms from."""
    preview = admin.get(upload(admin, plan, xlsx(rows))["Location"])
    return PlanImport.objects.get(), preview


def test_without_a_queue_the_job_runs_in_the_request_and_ends_on_the_plan(
    admin, plan, administrator
):
    record, preview = previewed(admin, plan)

    response = confirm(admin, record, preview)

    assert response["Location"] == reverse("admin:plans_annualplan_change", args=[plan.pk])
    record.refresh_from_db()
    assert (record.status, record.error) == (PlanImport.Status.IMPORTED, "")
    assert Action.objects.count() == 2
    job = TaskResult.objects.get(task_name="imports.apply_import")
    assert job.status == "SUCCESS"
    history = Action.objects.get(reference="1.1").history.first()
    assert (history.history_change_reason, history.history_user) == (
        "Imported from plan.xlsx",
        administrator,
    )


def test_a_queued_import_shows_it_is_being_imported_and_changes_nothing_yet(
    admin, plan, django_capture_on_commit_callbacks
):
    record, preview = previewed(admin, plan)

    with celery_settings(task_always_eager=False):
        with django_capture_on_commit_callbacks(execute=False) as queued:
            response = confirm(admin, record, preview)

    assert len(queued) == 1  # the job, sent once the request's transaction commits
    assert response["Location"] == importing_url(record)
    page = admin.get(response["Location"])
    assert page.status_code == 200
    assert "Importing “plan.xlsx” into Safer Example Plan 18-19" in text_of(page)
    assert "Check again" in text_of(page)
    assert "http-equiv" not in page.content.decode()
    record.refresh_from_db()
    assert record.status == PlanImport.Status.APPLYING
    assert Action.objects.count() == 0
    # The preview, and the record's page, send the administrator to it meanwhile.
    assert admin.get(preview_url(record))["Location"] == importing_url(record)
    detail = admin.get(reverse("admin:imports_planimport_change", args=[record.pk]))
    assert "Being imported" in text_of(detail)


def test_confirming_again_while_it_is_being_imported_queues_nothing(
    admin, plan, django_capture_on_commit_callbacks
):
    record, preview = previewed(admin, plan)
    with celery_settings(task_always_eager=False):
        confirm(admin, record, preview)

        with django_capture_on_commit_callbacks(execute=False) as queued:
            again = confirm(admin, record, preview)

    assert queued == []
    assert again["Location"] == importing_url(record)


def test_once_the_job_has_run_the_import_page_gives_the_result(admin, plan, administrator):
    record, preview = previewed(admin, plan)
    with celery_settings(task_always_eager=False):
        confirm(admin, record, preview)

    apply_import(record.pk, administrator.pk, preview.context["preview"].digest)
    response = admin.get(importing_url(record))

    assert response["Location"] == reverse("admin:plans_annualplan_change", args=[plan.pk])
    assert "Imported “plan.xlsx” into “Safer Example Plan 18-19”: 2 actions created" in text_of(
        admin.get(response["Location"])
    )


def test_the_job_run_twice_imports_once(admin, plan, administrator):
    record, preview = previewed(admin, plan)
    with celery_settings(task_always_eager=False):
        confirm(admin, record, preview)
    digest = preview.context["preview"].digest

    first = apply_import(record.pk, administrator.pk, digest)
    second = apply_import(record.pk, administrator.pk, digest)

    assert first.startswith("imported")
    assert second == "not applied: imported"
    assert Action.objects.count() == 2


def test_a_failing_job_shows_its_message_and_leaves_the_plan_unchanged(
    admin, plan, monkeypatch, caplog
):
    record, preview = previewed(admin, plan)
    create = applying._Writer.create

    def create_then_fail(writer, planned):
        if Action.objects.exists():  # the first action is written, then it fails
            raise RuntimeError("the disk is full")
        return create(writer, planned)

    monkeypatch.setattr(applying._Writer, "create", create_then_fail)

    response = confirm(admin, record, preview)

    assert response.status_code == 200
    assert WENT_WRONG in text_of(response)
    assert "Confirm import" in text_of(response)
    assert Action.objects.count() == 0
    record.refresh_from_db()
    assert (record.status, record.error) == (PlanImport.Status.PREVIEWED, WENT_WRONG)
    job = TaskResult.objects.get(task_name="imports.apply_import")
    assert job.status == "FAILURE"
    assert "the disk is full" in job.result
    assert "Background job imports.apply_import failed" in caplog.text
    # The import's page says so too, and it can be confirmed again.
    again = admin.get(importing_url(record), follow=True)
    assert WENT_WRONG in text_of(again)
    monkeypatch.setattr(applying._Writer, "create", create)
    assert confirm(admin, record, preview).status_code == 302
    assert Action.objects.count() == 2


def test_the_database_out_for_a_moment_is_tried_again(admin, plan, monkeypatch):
    record, preview = previewed(admin, plan)
    write = applying._Writer.write
    failures = []

    def out_once(writer):
        if not failures:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return write(writer)

    monkeypatch.setattr(applying._Writer, "write", out_once)

    response = confirm(admin, record, preview)

    assert response["Location"] == reverse("admin:plans_annualplan_change", args=[plan.pk])
    assert failures == [1]
    assert Action.objects.count() == 2


def test_a_plan_changed_before_the_job_runs_is_not_imported_and_says_why(
    admin, plan, administrator
):
    from priorities.models import Strand
    from tests.factories import ActionFactory

    record, preview = previewed(admin, plan)
    with celery_settings(task_always_eager=False):
        confirm(admin, record, preview)
    ActionFactory(strand=Strand.objects.get(), reference="1.1", text="Something else.")

    apply_import(record.pk, administrator.pk, preview.context["preview"].digest)
    page = admin.get(importing_url(record))

    assert page.status_code == 200
    assert "the plan has changed since the preview was shown" in text_of(page)
    assert "Confirm import" in text_of(page)
    assert list(Action.objects.values_list("text", flat=True)) == ["Something else."]


def test_an_import_whose_job_cannot_be_queued_says_so(
    admin, plan, django_capture_on_commit_callbacks, caplog
):
    record, preview = previewed(admin, plan)
    # A job queue where nothing answers (a closed port): the broker is out.
    with celery_settings(
        task_always_eager=False,
        broker_url="redis://127.0.0.1:9/0",
        broker_connection_timeout=0.5,
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0},
    ):
        forget_broker_connections()
        try:
            with django_capture_on_commit_callbacks(execute=True):
                response = confirm(admin, record, preview)
        finally:
            forget_broker_connections()

    record.refresh_from_db()
    assert (record.status, record.error) == (PlanImport.Status.PREVIEWED, NOT_STARTED)
    page = admin.get(response["Location"], follow=True)
    assert NOT_STARTED in text_of(page)
    assert Action.objects.count() == 0
    assert "Background job imports.apply_import could not be queued" in caplog.text


# With a real worker on Redis --------------------------------------------------------------------


@pytest.fixture(scope="session")
def import_worker(django_db_setup, tmp_path_factory):
    """`celery worker` on the test database and the session's MEDIA_ROOT (where the uploaded
    file is kept), taking a queue of its own on Redis database 12; stopped at the end."""
    folder = tmp_path_factory.mktemp("import-worker")
    with jobs_on_a_worker("imports", folder, TEST_BROKER, django_settings.MEDIA_ROOT) as log:
        yield log


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_worker_applies_a_confirmed_import(import_worker, admin, plan, administrator):
    record, preview = previewed(admin, plan)

    response = confirm(admin, record, preview)

    assert response["Location"] == importing_url(record)
    deadline = time.monotonic() + 60
    while (result := admin.get(importing_url(record))).status_code == 200:
        assert "Importing “plan.xlsx”" in text_of(result)
        assert time.monotonic() < deadline, import_worker.read_text()[-3000:]
        time.sleep(0.5)
    assert result["Location"] == reverse("admin:plans_annualplan_change", args=[plan.pk])
    record.refresh_from_db()
    assert record.status == PlanImport.Status.IMPORTED
    assert record.summary["actions_created"] == 2
    history = Action.objects.get(reference="1.1").history.first()
    assert (history.history_change_reason, history.history_user) == (
        "Imported from plan.xlsx",
        administrator,
    )
    assert TaskResult.objects.get(task_name="imports.apply_import").status == "SUCCESS"
    assert "imports.apply_import" in import_worker.read_text()


def test_an_import_still_being_imported_after_an_hour_is_given_up(admin, plan):
    record, preview = previewed(admin, plan)
    PlanImport.objects.filter(pk=record.pk).update(
        status=PlanImport.Status.APPLYING, confirmed_at=timezone.now() - timedelta(hours=2)
    )

    page = admin.get(preview_url(record), follow=True)

    assert LOST in text_of(page)
    assert "Confirm import" in text_of(page)
    record.refresh_from_db()
    assert record.status == PlanImport.Status.PREVIEWED
    assert confirm(admin, record, preview).status_code == 302
    assert Action.objects.count() == 2


def test_only_those_who_may_import_see_an_import_being_imported(admin, client, plan):
    from tests.factories import UserFactory
    from tests.imports.test_admin import administrator_without_the_import_permission

    record, _ = previewed(admin, plan)
    PlanImport.objects.filter(pk=record.pk).update(status=PlanImport.Status.APPLYING)

    client.force_login(administrator_without_the_import_permission())
    assert client.get(importing_url(record)).status_code == 403
    client.force_login(UserFactory(is_staff=True))  # of no role in the partnership
    assert client.get(importing_url(record)).status_code == 404
    client.logout()
    signed_out = client.get(importing_url(record))
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("login"))
