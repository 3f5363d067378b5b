"""Files prepared by background jobs (preparedfiles): one in progress per file, progress written
sparingly, and files past their week removed from the storage. The journey through the meeting
pack is tests/reviews/test_pack_in_background.py's."""

from contextlib import nullcontext
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from partnerships.context import acting_in
from preparedfiles.models import KEPT_FOR, PreparedFile
from preparedfiles.preparing import Progress, ask_for, finish
from tests.factories import PartnershipFactory, UserFactory


def asked(key="report", person=None) -> PreparedFile:
    prepared, _new = ask_for(
        key=key,
        fingerprint="figures",
        title="A report",
        counting="rows",
        content_type="text/plain",
        download_name="report.txt",
        person=person,
    )
    return prepared


@pytest.mark.django_db
def test_a_new_file_waits_for_its_job_and_is_kept_a_week():
    before = timezone.now()

    prepared = asked(person=UserFactory())

    assert prepared.state == PreparedFile.State.WAITING
    assert prepared.is_in_progress
    assert before + KEPT_FOR <= prepared.expires_at <= timezone.now() + KEPT_FOR


@pytest.mark.django_db
def test_the_database_allows_one_file_in_progress_per_key():
    asked("report")

    with pytest.raises(IntegrityError), transaction.atomic():
        PreparedFile.objects.create(
            key="report", title="The same report", content_type="text/plain", download_name="r"
        )
    assert asked("report") == PreparedFile.objects.get(key="report")
    assert asked("another report") != PreparedFile.objects.get(key="report")


@pytest.mark.django_db
def test_a_ready_file_is_given_again_only_for_the_same_figures():
    prepared = asked("report")
    finish(prepared, b"the report", "figures")

    assert asked("report") == prepared
    changed, new = ask_for(
        key="report",
        fingerprint="other figures",
        title="A report",
        counting="rows",
        content_type="text/plain",
        download_name="report.txt",
        person=None,
    )
    assert new and changed != prepared


@pytest.mark.django_db
def test_progress_is_written_at_most_once_a_second_but_always_the_last():
    prepared = asked()
    progress = Progress(prepared)

    progress(0, 100)
    progress(40, 100)  # within the second: not written
    assert PreparedFile.objects.values_list("done", "total").get() == (0, 100)

    progress(100, 100)
    assert PreparedFile.objects.values_list("done", "total").get() == (100, 100)


def nightly_job():
    """The job the scheduler starts every night, as its schedule names it."""
    from safer_lewisham.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["remove-expired-files"]
    assert entry["schedule"] == crontab(hour=3, minute=30)
    app.loader.import_default_modules()  # the apps' tasks.py, as a worker finds them
    app.tasks[entry["task"]].delay().get()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "remove",
    [lambda: call_command("remove_expired_files", verbosity=0), nightly_job],
    ids=["the command", "the nightly job"],
)
def test_every_partnerships_expired_files_are_removed_and_the_others_kept(remove):
    elsewhere = PartnershipFactory()
    files = {}
    for partnership in (None, elsewhere):
        # None: the tests' own partnership, which every test works in already.
        with acting_in(partnership) if partnership else nullcontext():
            for name in ("old", "new"):
                prepared = asked(f"{name} report")
                finish(prepared, name.encode(), "figures")
                files[(partnership, name)] = prepared
    old = [files[(p, "old")] for p in (None, elsewhere)]
    PreparedFile.objects.filter(pk__in=[f.pk for f in old]).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    remove()

    assert set(PreparedFile.objects.values_list("key", flat=True)) == {"new report"}
    assert PreparedFile.objects.count() == 2
    assert not any(default_storage.exists(f.file.name) for f in old)
    assert all(default_storage.exists(files[(p, "new")].file.name) for p in (None, elsewhere))
