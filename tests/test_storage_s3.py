"""Uploaded files kept in an S3-compatible bucket (STORAGE_BUCKET, docs/deployment.md), against
a real S3 server: moto's, started in its own process on a free loopback port and spoken to over
HTTP by django-storages and boto3, as AWS S3 or MinIO would be in production. Neither of those
is packaged by Debian (docs/deployment.md says why moto stands in).

A plan import, a progress spreadsheet and a partnership's logo are each uploaded through the
real pages, kept in the bucket under a name of the service's own, read back from it for the
preview and the confirmation, and deleted from it with their record. The settings module is
checked to give that storage from the environment alone, and the backup to leave the bucket's
files to the store."""

import json
import os
import socket
import subprocess
import sys
import time
import uuid
from io import BytesIO
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from actions.models import Action, ProgressUpdate
from bulkupdates.models import ProgressUpload
from imports.models import PlanImport
from partnerships.models import Partnership
from plans.models import AnnualPlan
from tests.bulkupdates.sheets import confirm as confirm_progress
from tests.bulkupdates.sheets import download, filled
from tests.bulkupdates.sheets import upload as upload_progress
from tests.conftest import TEST_PARTNERSHIP_ID
from tests.factories import AnnualPlanFactory
from tests.imports.files import row, xlsx
from tests.pages import text_of
from tests.test_backup_restore import MAKE_DATA, READ_DATA, manage, run, service

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
# Any key will do for moto; the region is the one a council in England would choose.
ACCESS_KEY, SECRET_KEY, REGION = "test-access-key", "test-secret-key", "eu-west-2"
QUARTER = 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    """moto's S3 server in its own process for the module's tests: its address."""
    log_path = tmp_path_factory.mktemp("moto") / "moto.log"
    for _ in range(5):  # another process may take the port between the probe and the start
        port = free_port()
        with log_path.open("w") as log:
            server = subprocess.Popen(  # noqa: S603 - moto's own server, fixed arguments
                [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        if _answers(url, server):
            break
        server.kill()
        server.wait()
    else:
        pytest.fail("moto's S3 server did not start: " + log_path.read_text()[-2000:])
    try:
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _answers(url, server) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and server.poll() is None:
        try:
            client(url).list_buckets()
            return True
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.1)
    return False


def client(url):
    """boto3's S3 client of the server, to look in the bucket as an operator would."""
    return boto3.client(
        "s3",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"max_attempts": 1}),
    )


@pytest.fixture
def bucket(s3_server, settings):
    """A bucket of its own for the test, made the default storage as STORAGE_BUCKET makes it:
    the objects in it by name, read through the server."""
    name = f"csp-uploads-{uuid.uuid4().hex[:12]}"
    s3 = client(s3_server)
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    settings.STORAGES = {**settings.STORAGES, "default": s3_storage(s3_server, name)}

    def objects() -> dict[str, bytes]:
        listed = s3.list_objects_v2(Bucket=name).get("Contents", [])
        return {
            item["Key"]: s3.get_object(Bucket=name, Key=item["Key"])["Body"].read()
            for item in listed
        }

    return objects


def s3_storage(url, bucket_name):
    """The default storage the settings module gives for these variables (checked below)."""
    environment = {
        "STORAGE_BUCKET": bucket_name,
        "STORAGE_ENDPOINT_URL": url,
        "STORAGE_REGION": REGION,
        "STORAGE_ACCESS_KEY_ID": ACCESS_KEY,
        "STORAGE_SECRET_ACCESS_KEY": SECRET_KEY,
    }
    return settings_with(environment)["default"]


def settings_with(environment) -> dict:
    """settings.STORAGES as the settings module reads it from the environment, in a process of
    its own (so that this one's settings stay as they are)."""
    code = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES))"
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "safer_lewisham.settings",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


# The settings ---------------------------------------------------------------------------------


def test_the_settings_keep_uploads_in_the_bucket_privately_when_one_is_named():
    default = settings_with(
        {
            "STORAGE_BUCKET": "csp-uploads",
            "STORAGE_ENDPOINT_URL": "https://minio.example.internal:9000",
            "STORAGE_REGION": REGION,
            "STORAGE_ACCESS_KEY_ID": ACCESS_KEY,
            "STORAGE_SECRET_ACCESS_KEY": SECRET_KEY,
            "STORAGE_ADDRESSING_STYLE": "path",
        }
    )["default"]

    assert default == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "csp-uploads",
            "endpoint_url": "https://minio.example.internal:9000",
            "region_name": REGION,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "addressing_style": "path",
            "default_acl": None,
            "custom_domain": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }


def test_the_settings_keep_uploads_in_media_root_without_a_bucket():
    default = settings_with({"STORAGE_BUCKET": ""})["default"]

    assert default == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


# A plan import ----------------------------------------------------------------------------------


@pytest.fixture
def admin(administrator):
    browser = Client()
    browser.force_login(administrator)
    return browser


def test_a_plan_import_is_kept_in_the_bucket_read_back_and_imported(admin, bucket):
    plan = AnnualPlanFactory(status=AnnualPlan.Status.DRAFT)
    content = xlsx([row(reference="1.1", action="Open day."), row(reference="1.2")])

    uploaded = admin.post(
        reverse("admin:imports_planimport_upload"),
        {
            "plan": plan.pk,
            "file": SimpleUploadedFile("Our plan (draft).xlsx", content),
            "add_structure": "on",
        },
    )

    record = PlanImport.objects.get()
    assert uploaded.status_code == 302
    # In the bucket, under a name of the service's own, not the uploader's.
    assert record.file.name.startswith(f"imports/{TEST_PARTNERSHIP_ID}/")
    assert record.file.name.endswith(".xlsx")
    assert "plan" not in record.file.name.lower()
    assert bucket() == {record.file.name: content}
    assert record.filename == "Our plan (draft).xlsx"

    preview = admin.get(uploaded["Location"])
    assert "2 new actions" in text_of(preview)
    confirmed = admin.post(uploaded["Location"], {"digest": preview.context["preview"].digest})

    assert confirmed.status_code == 302
    assert sorted(Action.objects.values_list("reference", flat=True)) == ["1.1", "1.2"]
    record.refresh_from_db()
    assert record.status == PlanImport.Status.IMPORTED
    assert bucket() == {record.file.name: content}  # kept as the record of what was imported


def test_deleting_a_plan_deletes_its_imports_files_from_the_bucket(
    admin, bucket, django_capture_on_commit_callbacks
):
    plan = AnnualPlanFactory(status=AnnualPlan.Status.DRAFT)
    content = xlsx([row(reference="1.1")])
    admin.post(
        reverse("admin:imports_planimport_upload"),
        {"plan": plan.pk, "file": SimpleUploadedFile("plan.xlsx", content)},
    )
    assert len(bucket()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        plan.delete()

    assert PlanImport.objects.count() == 0
    assert bucket() == {}


def test_an_import_whose_file_the_bucket_lost_asks_for_it_again(admin, bucket, s3_server):
    plan = AnnualPlanFactory(status=AnnualPlan.Status.DRAFT)
    uploaded = admin.post(
        reverse("admin:imports_planimport_upload"),
        {"plan": plan.pk, "file": SimpleUploadedFile("plan.xlsx", xlsx([row()]))},
    )
    record = PlanImport.objects.get()
    default_storage.delete(record.file.name)

    preview = admin.get(uploaded["Location"], follow=True)

    assert preview.redirect_chain[-1][0].startswith(reverse("admin:imports_planimport_upload"))
    assert "The uploaded file is no longer kept: upload it again." in text_of(preview)


# A progress spreadsheet -------------------------------------------------------------------------


def test_a_progress_spreadsheet_is_kept_in_the_bucket_read_back_and_recorded(
    officer, officer_client, led_action, bucket
):
    content = filled(
        download(officer_client, led_action.plan, QUARTER),
        {led_action.pk: {"RAG rating": "Amber.", "Progress narrative": "Two posts vacant."}},
    )

    preview = upload_progress(officer_client, content, name="my progress.xlsx")

    upload = ProgressUpload.objects.get()
    assert upload.file.name.startswith(f"progress-spreadsheets/{TEST_PARTNERSHIP_ID}/")
    assert "progress" not in upload.file.name.removeprefix("progress-spreadsheets/")
    assert bucket() == {upload.file.name: content}
    assert "1 to record" in text_of(preview)

    recorded = confirm_progress(officer_client, preview, follow=True)

    assert "1 progress update recorded" in text_of(recorded)
    update = ProgressUpdate.objects.get(action=led_action, quarter=QUARTER)
    assert (update.rag_rating, update.narrative, update.author) == (
        "amber",
        "Two posts vacant.",
        officer,
    )
    assert bucket() == {upload.file.name: content}


def test_deleting_a_progress_spreadsheet_deletes_its_file_from_the_bucket(
    officer_client, led_action, bucket, django_capture_on_commit_callbacks
):
    content = download(officer_client, led_action.plan, QUARTER)
    upload_progress(officer_client, content)
    assert len(bucket()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        ProgressUpload.objects.get().delete()

    assert bucket() == {}


# A partnership's logo ---------------------------------------------------------------------------


def test_a_logo_is_kept_in_the_bucket_and_served_by_the_service(admin, bucket):
    partnership = Partnership.objects.get(pk=TEST_PARTNERSHIP_ID)
    image = BytesIO()
    Image.new("RGB", (40, 20), "navy").save(image, format="PNG")
    logo = image.getvalue()

    changed = admin.post(
        f"/p/{partnership.slug}/admin/partnerships/partnership/{partnership.pk}/change/",
        {
            "name": partnership.name,
            "short_name": partnership.short_name,
            "area": partnership.area,
            "contact_email": partnership.contact_email,
            "logo": SimpleUploadedFile("logo.png", logo, content_type="image/png"),
        },
    )

    assert changed.status_code == 302
    partnership.refresh_from_db()
    assert bucket() == {partnership.logo.name: logo}
    served = Client().get(f"/p/{partnership.slug}/logo/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == logo


# Backups ----------------------------------------------------------------------------------------


def test_with_a_bucket_the_backup_is_of_the_database_and_says_where_the_files_are(tmp_path):
    env = service(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env["STORAGE_BUCKET"] = "csp-uploads"
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "shell", "--no-imports", "-c", MAKE_DATA)

    backed_up = run(env, "deploy/backup.py", str(tmp_path / "backups"))

    folder = Path(backed_up.stdout.strip())
    assert sorted(path.name for path in folder.iterdir()) == ["database.sqlite3", "manifest.json"]
    assert "The uploaded files are in the bucket csp-uploads, not in this backup" in (
        backed_up.stderr
    )
    (tmp_path / "db.sqlite3").unlink()
    # Whatever is on the server's disk is no concern of a backup of a service using a bucket.
    untouched = tmp_path / "media" / "left-alone.txt"
    untouched.parent.mkdir()
    untouched.write_text("not the service's")

    restored = run(env, "deploy/restore.py", str(folder), "--yes")

    assert "the uploaded files were in the bucket csp-uploads, which keeps them" in (
        restored.stdout
    )
    read = manage(env, "shell", "--no-imports", "-c", READ_DATA)
    assert read.stdout.strip() == "['safer-example'] ['restored']"
    assert untouched.read_text() == "not the service's"
