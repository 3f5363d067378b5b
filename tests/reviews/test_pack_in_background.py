"""A large plan's meeting pack, prepared by a background job (reviews/tasks.py, preparedfiles):
the person is sent to the pack's page, which shows how far the job has got, then gives the file.

Without a job queue (the tests' default, as `make run`) the job runs in the request; the tests
of the last part run a real worker on Redis. The threshold is lowered rather than the plans made
large: a plan of three actions is "large" here."""

import base64
import logging
import re
import time
import zlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from django_celery_results.models import TaskResult
from reportlab import rl_config

from actions.models import ProgressUpdate
from agencies import roles
from partnerships.models import OversightBody, Partnership
from plans.models import QuarterClosure
from preparedfiles.models import PreparedFile
from preparedfiles.preparing import Progress, ask_for, start
from reviews.outputs.pack import build_pack
from reviews.tasks import pack_key, prepare_pack
from tests.closing import close_quarter
from tests.conftest import TEST_PARTNERSHIP_ID, in_role
from tests.factories import UserFactory
from tests.reviews.test_exports import make_plan, url
from tests.reviews.test_pack import make_review, make_row, pdf_text
from tests.workers import (
    celery_settings,
    forget_broker_connections,
    jobs_on_a_worker,
    needs_postgresql,
)

TEST_BROKER = "redis://127.0.0.1:6379/12"


@pytest.fixture(autouse=True)
def large_above_two_actions(settings):
    settings.BACKGROUND_DOWNLOAD_ACTIONS = 2


def served_text(pdf: bytes) -> str:
    """The text of a served (compressed) pack: its page streams inflated, then read as
    tests/reviews/test_pack.py reads an uncompressed one."""
    streams = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        stream = stream.strip()
        if stream.endswith(b"~>"):  # ReportLab's ASCII85 around the deflated stream
            stream = zlib.decompress(base64.a85decode(stream, adobe=True))
        streams.append(stream)
    return pdf_text(b"\n".join(streams))


def status_url(plan, prepared, quarter=3):
    return url(plan.slug, quarter, f"pack/{prepared.pk}/")


def download_url(plan, prepared, quarter=3):
    return url(plan.slug, quarter, f"pack/{prepared.pk}/pack.pdf")


def waiting_pack(plan, person, quarter=3) -> PreparedFile:
    """A pack someone has asked for, its job not yet started (as with a busy queue)."""
    prepared, new = ask_for(
        key=pack_key(plan.pk, quarter, oversight=False),
        fingerprint="asked-earlier",
        title=f"Meeting pack, Q{quarter} 2017-18, {plan.title}",
        counting="actions",
        content_type="application/pdf",
        download_name=f"{plan.slug}-Q{quarter}-pack.pdf",
        person=person,
    )
    assert new
    return prepared


# The pack builder's progress ---------------------------------------------------------------------


def test_the_pack_reports_the_actions_drawn_page_by_page():
    review = make_review([make_row(n) for n in range(1, 61)])
    reported = []

    build_pack(review, "Safer Lewisham Partnership", progress=lambda *p: reported.append(p))

    assert reported[0] == (0, 60)
    assert reported[-1] == (60, 60)
    done = [d for d, _total in reported]
    assert len(reported) > 3  # several pages of the action table
    assert done == sorted(set(done))  # always forward


def test_the_pack_is_the_same_with_its_progress_reported(monkeypatch):
    # Invariant: no creation time or random document id, so that two builds can be compared.
    monkeypatch.setattr(rl_config, "invariant", 1)
    review = make_review([make_row(n) for n in range(1, 40)])

    plain = build_pack(review, "Safer Lewisham Partnership")
    followed = build_pack(review, "Safer Lewisham Partnership", progress=lambda d, t: None)

    assert followed == plain


# Without a job queue: the job runs in the request ----------------------------------------------


@pytest.mark.django_db
def test_a_small_plans_pack_is_still_drawn_while_the_page_waits(member_client, settings):
    settings.BACKGROUND_DOWNLOAD_ACTIONS = 3
    plan = make_plan(actions=3, updates_per_action=3)

    response = member_client.get(url(plan.slug, 3, "pack.pdf"))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert not PreparedFile.objects.exists()


@pytest.mark.django_db
def test_a_large_plans_pack_is_prepared_by_a_job_then_downloaded(member_client, member):
    plan = make_plan(actions=3, updates_per_action=3, title="Safer Somewhere Plan 17-18")

    response = member_client.get(url(plan.slug, 3, "pack.pdf"))

    prepared = PreparedFile.objects.get()
    assert response.status_code == 302
    assert response["Location"] == download_url(plan, prepared)
    assert prepared.state == PreparedFile.State.READY
    assert (prepared.done, prepared.total) == (3, 3)
    assert prepared.title == "Meeting pack, Q3 2017-18, Safer Somewhere Plan 17-18"
    assert prepared.requested_by == member
    assert default_storage.exists(prepared.file.name)
    assert prepared.file.name.startswith("prepared/")
    job = TaskResult.objects.get(task_name="reviews.prepare_pack")
    assert job.status == "SUCCESS"
    assert job.task_id == prepared.task_id

    download = member_client.get(response["Location"])

    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (f'attachment; filename="{plan.slug}-Q3-pack.pdf"')
    assert "private" in download["Cache-Control"]
    pdf = b"".join(download.streaming_content)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    text = served_text(pdf)
    assert "Safer Somewhere Plan 17-18" in text
    assert "1.1 Action 1 of Safer Somewhere Plan 17-18." in text
    assert "Q3 update on action 1." in text


@pytest.mark.django_db
def test_the_ready_packs_page_links_to_it(member_client):
    plan = make_plan(actions=3)
    member_client.get(url(plan.slug, 3, "pack.pdf"))
    prepared = PreparedFile.objects.get()

    page = member_client.get(status_url(plan, prepared))

    assert page.status_code == 200
    text = page.content.decode()
    assert "The meeting pack is ready" in text
    assert f'href="{download_url(plan, prepared)}"' in text
    assert "Download the meeting pack (PDF," in text
    # Nothing left to follow: no check again, by the person or the page's script.
    assert "Check again" not in text
    assert "data-check-every" not in text


@pytest.mark.django_db
def test_a_pack_being_prepared_shows_how_far_it_has_got(member_client, member):
    plan = make_plan(actions=3)
    prepared = waiting_pack(plan, member)
    prepared.state = PreparedFile.State.PREPARING
    prepared.save()
    Progress(prepared)(0, 2000)
    starting = member_client.get(status_url(plan, prepared)).content.decode()
    Progress(prepared)(800, 2000)

    page = member_client.get(status_url(plan, prepared))

    assert "Laying out its 2,000 actions." in starting
    text = page.content.decode()
    assert page.status_code == 200
    assert "Preparing the meeting pack" in text
    assert "800 of 2,000 actions" in text
    assert "no-store" in page["Cache-Control"]
    assert download_url(plan, prepared) not in text


@pytest.mark.django_db
def test_a_pack_being_prepared_has_a_button_to_check_again_and_no_refresh(member_client, member):
    plan = make_plan(actions=3)
    prepared = waiting_pack(plan, member)

    text = member_client.get(status_url(plan, prepared)).content.decode()

    # A plain page without JavaScript: it changes only when the person asks (WCAG 2.2.1).
    assert 'http-equiv="refresh"' not in text
    assert "updates=off" not in text
    assert re.search(
        rf'<a href="{re.escape(status_url(plan, prepared))}" role="button"[^>]*>Check again</a>',
        text,
    )


@pytest.mark.django_db
def test_a_pack_being_prepared_is_followed_in_a_live_region_where_javascript_runs(
    member_client, member
):
    plan = make_plan(actions=3)
    prepared = waiting_pack(plan, member)

    text = member_client.get(status_url(plan, prepared)).content.decode()

    assert '<script type="module" src="/static/js/prepared-file.mjs"></script>' in text
    # The region the script replaces, heading, progress and button included.
    region = re.search(
        r'<div id="prepared-file-status" ([^>]*)>\s*<h1 [^>]*>Preparing the meeting pack</h1>', text
    )
    assert 'aria-live="polite"' in region.group(1)
    assert 'data-check-every="3"' in region.group(1)


@pytest.mark.django_db
def test_a_pack_waiting_for_a_worker_says_so(member_client, member):
    plan = make_plan(actions=3)
    prepared = waiting_pack(plan, member)

    text = member_client.get(status_url(plan, prepared)).content.decode()

    assert "Preparing the meeting pack" in text
    assert "Waiting for its turn to start." in text


@pytest.mark.django_db
def test_a_pack_not_ready_is_not_downloaded(member_client, member):
    plan = make_plan(actions=3)
    prepared = waiting_pack(plan, member)

    assert member_client.get(download_url(plan, prepared)).status_code == 404


@pytest.mark.django_db
def test_asking_while_one_is_being_prepared_goes_to_that_one(client, member):
    plan = make_plan(actions=3)
    prepared = waiting_pack(plan, member)
    client.force_login(in_role(UserFactory(), roles.CHAIR_AND_MEMBERS))

    response = client.get(url(plan.slug, 3, "pack.pdf"))

    assert response["Location"] == status_url(plan, prepared)
    assert PreparedFile.objects.count() == 1
    assert not TaskResult.objects.exists()


@pytest.mark.django_db
def test_a_ready_pack_is_given_again_until_the_plan_changes(member_client):
    plan = make_plan(actions=3, updates_per_action=3)
    first = member_client.get(url(plan.slug, 3, "pack.pdf"))["Location"]

    again = member_client.get(url(plan.slug, 3, "pack.pdf"))["Location"]

    assert again == first
    assert PreparedFile.objects.count() == 1
    assert TaskResult.objects.count() == 1

    ProgressUpdate.objects.filter(action__strand__priority__plan=plan, quarter=3).update(
        narrative="Changed."
    )
    changed = member_client.get(url(plan.slug, 3, "pack.pdf"))["Location"]

    assert changed != first
    assert PreparedFile.objects.count() == 2
    newer = PreparedFile.objects.order_by("-created_at").first()
    pdf = b"".join(member_client.get(changed).streaming_content)
    assert changed == download_url(plan, newer)
    assert "Changed." in served_text(pdf)


@pytest.mark.django_db
def test_a_closed_quarters_pack_comes_from_its_snapshot(member_client, superuser):
    plan = make_plan(actions=3, updates_per_action=3)
    close_quarter(plan, 3, by=superuser)
    ProgressUpdate.objects.filter(action__strand__priority__plan=plan, quarter=3).update(
        narrative="After closing."
    )

    response = member_client.get(url(plan.slug, 3, "pack.pdf"))

    text = served_text(b"".join(member_client.get(response["Location"]).streaming_content))
    assert "Q3 update on action 1." in text
    assert "After closing." not in text


@pytest.mark.django_db
def test_a_failed_job_is_shown_failed_with_a_way_to_try_again(
    member_client, settings, tmp_path, caplog
):
    plan = make_plan(actions=3)
    # The storage refuses the file: its folder cannot be made (a file is in the way).
    (tmp_path / "not-a-folder").write_text("")
    settings.MEDIA_ROOT = tmp_path / "not-a-folder"

    with caplog.at_level(logging.ERROR, logger="safer_lewisham.jobs"):
        response = member_client.get(url(plan.slug, 3, "pack.pdf"))

    prepared = PreparedFile.objects.get()
    assert response["Location"] == status_url(plan, prepared)
    assert prepared.state == PreparedFile.State.FAILED
    assert TaskResult.objects.get(task_id=prepared.task_id).status == "FAILURE"
    assert "Background job reviews.prepare_pack failed" in caplog.text
    page = member_client.get(response["Location"]).content.decode()
    assert "The meeting pack could not be prepared" in page
    assert "The error has been recorded for the site’s administrators." in page
    assert f'href="{url(plan.slug, 3, "pack.pdf")}"' in page  # Try again
    assert "data-check-every" not in page

    settings.MEDIA_ROOT = tmp_path / "media"
    again = member_client.get(url(plan.slug, 3, "pack.pdf"))

    ready = PreparedFile.objects.get(state=PreparedFile.State.READY)
    assert again["Location"] == download_url(plan, ready)


@pytest.mark.django_db
def test_a_pack_whose_job_cannot_be_queued_is_shown_failed(
    member_client, django_capture_on_commit_callbacks, caplog
):
    plan = make_plan(actions=3)
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
                response = member_client.get(url(plan.slug, 3, "pack.pdf"))
        finally:
            forget_broker_connections()

    prepared = PreparedFile.objects.get()
    assert response["Location"] == status_url(plan, prepared)
    assert prepared.state == PreparedFile.State.FAILED
    page = member_client.get(response["Location"]).content.decode()
    assert "The meeting pack could not be prepared" in page
    assert "The background job that prepares it could not be started." in page
    assert "Background job reviews.prepare_pack could not be queued" in caplog.text


@pytest.mark.django_db
def test_a_pack_lost_for_an_hour_is_shown_failed_and_asked_for_again(member_client, member):
    plan = make_plan(actions=3)
    lost = waiting_pack(plan, member)
    PreparedFile.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=2))

    page = member_client.get(status_url(plan, lost)).content.decode()

    assert "The meeting pack could not be prepared" in page
    assert "not ready an hour after it was asked for" in page

    response = member_client.get(url(plan.slug, 3, "pack.pdf"))

    lost.refresh_from_db()
    assert lost.state == PreparedFile.State.FAILED
    assert PreparedFile.objects.filter(state=PreparedFile.State.READY).count() == 1
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_pack_past_its_week_is_removed_when_another_is_asked_for(member_client):
    plan = make_plan(actions=3)
    member_client.get(url(plan.slug, 3, "pack.pdf"))
    old = PreparedFile.objects.get()
    PreparedFile.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(hours=1))

    assert member_client.get(status_url(plan, old)).status_code == 404
    assert member_client.get(download_url(plan, old)).status_code == 404
    assert default_storage.exists(old.file.name)

    member_client.get(url(plan.slug, 3, "pack.pdf"))

    assert not default_storage.exists(old.file.name)
    assert not PreparedFile.objects.filter(pk=old.pk).exists()
    assert PreparedFile.objects.count() == 1


@pytest.mark.django_db
def test_another_plans_or_quarters_address_does_not_show_a_pack(member_client):
    plan = make_plan(actions=3)
    other = make_plan(actions=3)
    member_client.get(url(plan.slug, 3, "pack.pdf"))
    prepared = PreparedFile.objects.get()

    assert member_client.get(status_url(other, prepared)).status_code == 404
    assert member_client.get(status_url(plan, prepared, quarter=2)).status_code == 404
    assert member_client.get(download_url(other, prepared)).status_code == 404


@pytest.mark.django_db
def test_an_oversight_body_gets_a_pack_of_its_own_without_names(member_client):
    plan = make_plan(actions=3, updates_per_action=3)
    author = ProgressUpdate.objects.filter(action__strand__priority__plan=plan).first().author
    author_name = f"{author.first_name} {author.last_name}"
    body = OversightBody.objects.create(name="Office of the PCC", slug="opcc")
    body.covers.add(Partnership.objects.get(pk=TEST_PARTNERSHIP_ID))
    overseer = UserFactory(username="overseer")
    body.members.add(overseer)
    overseer_client = Client()
    overseer_client.force_login(overseer)
    member_client.get(url(plan.slug, 3, "pack.pdf"))
    partnerships_pack = PreparedFile.objects.get()

    response = overseer_client.get(url(plan.slug, 3, "pack.pdf"))

    theirs = PreparedFile.objects.exclude(pk=partnerships_pack.pk).get()
    assert response["Location"] == download_url(plan, theirs)
    text = served_text(b"".join(overseer_client.get(response["Location"]).streaming_content))
    assert "Q3 update on action 1." in text
    assert author_name not in text
    partnerships_text = served_text(
        b"".join(member_client.get(download_url(plan, partnerships_pack)).streaming_content)
    )
    assert author_name in partnerships_text
    # The partnership's own pack, which names its officers, is not the body's to read.
    assert overseer_client.get(status_url(plan, partnerships_pack)).status_code == 404
    assert overseer_client.get(download_url(plan, partnerships_pack)).status_code == 404


# With a real worker on Redis --------------------------------------------------------------------


@pytest.fixture(scope="session")
def pack_worker(django_db_setup, tmp_path_factory):
    """`celery worker` on the test database and the session's MEDIA_ROOT, taking a queue of
    its own on Redis database 12, which the web side's jobs go to meanwhile; stopped at the
    end."""
    folder = tmp_path_factory.mktemp("pack-worker")
    media = django_settings.MEDIA_ROOT
    with jobs_on_a_worker("packs", folder, TEST_BROKER, media) as log:
        yield type("Worker", (), {"log": log, "media": Path(media)})


def until(page_of, says: str, timeout: float = 60) -> list[str]:
    """The pages ``page_of()`` gives, every half second, until one says ``says``."""
    pages = []
    deadline = time.monotonic() + timeout
    while not pages or says not in pages[-1]:
        assert time.monotonic() < deadline, pages[-1]
        time.sleep(0.5)
        pages.append(page_of())
    return pages


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_worker_prepares_a_large_plans_pack_and_its_page_gives_it(pack_worker, member_client):
    plan = make_plan(actions=30, updates_per_action=3, title="Safer Somewhere Plan 17-18")

    response = member_client.get(url(plan.slug, 3, "pack.pdf"))

    prepared = PreparedFile.objects.get()
    assert response["Location"] == status_url(plan, prepared)  # not ready when the page answers
    first = member_client.get(response["Location"]).content.decode()
    assert "Preparing the meeting pack" in first
    assert "Check again" in first

    pages = until(
        lambda: member_client.get(response["Location"]).content.decode(),
        "The meeting pack is ready",
    )

    prepared.refresh_from_db()
    assert (prepared.state, prepared.done, prepared.total) == ("ready", 30, 30)
    assert f'href="{download_url(plan, prepared)}"' in pages[-1]
    assert TaskResult.objects.get(task_id=prepared.task_id).status == "SUCCESS"
    assert "reviews.prepare_pack" in pack_worker.log.read_text()
    download = member_client.get(download_url(plan, prepared))
    pdf = b"".join(download.streaming_content)
    assert download["Content-Disposition"] == f'attachment; filename="{plan.slug}-Q3-pack.pdf"'
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert "1.1 Action 1 of Safer Somewhere Plan 17-18." in served_text(pdf)
    assert (pack_worker.media / prepared.file.name).read_bytes() == pdf


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_job_failing_on_the_worker_is_shown_failed(pack_worker, member_client, member):
    plan = make_plan(actions=3)
    # A closed quarter whose snapshot the job cannot read.
    QuarterClosure.objects.create(plan=plan, quarter=3, snapshot={"schema": 1})
    prepared = waiting_pack(plan, member)

    start(prepared, prepare_pack, plan.pk, 3, False)
    pages = until(
        lambda: member_client.get(status_url(plan, prepared)).content.decode(),
        "could not be prepared",
    )

    assert "The error has been recorded for the site’s administrators." in pages[-1]
    prepared.refresh_from_db()
    assert prepared.state == PreparedFile.State.FAILED
    job = TaskResult.objects.get(task_id=prepared.task_id)
    assert job.status == "FAILURE"
    assert "KeyError" in job.result
    assert "Background job reviews.prepare_pack failed" in pack_worker.log.read_text()
