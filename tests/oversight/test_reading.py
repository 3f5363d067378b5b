"""What an oversight body's people read of a partnership they cover: its signed-off, active and
closed plans, quarterly reviews, packs and exports; never its drafts, its consultation, the
names of its officers or the narratives it marked internal; and they change nothing."""

import io
import re
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import Action, ProgressUpdate
from consultation.models import Comment
from partnerships.context import across, acting_in
from partnerships.models import Partnership
from plans.models import AnnualPlan
from tests.conftest import PREFIX

pytestmark = pytest.mark.django_db

PLAN = "safer-lewisham-plan-17-18"
DRAFT = "safer-lewisham-plan-18-19"
QUARTER = f"{PREFIX}/plans/{PLAN}/quarters/3/"


def read(response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def oversight(whole_demo):
    client = Client()
    client.force_login(get_user_model().objects.get(username="oversight"))
    return client


@pytest.fixture
def internal_update(whole_demo):
    """Action 1.2's Q3 update, its narrative marked internal."""
    update = ProgressUpdate.objects.get(
        action__strand__priority__plan__slug=PLAN, action__reference="1.2", quarter=3
    )
    ProgressUpdate.objects.filter(pk=update.pk).update(
        internal=True, narrative="Internal: the council's legal advice on the case."
    )
    return update


@pytest.mark.parametrize(
    "url",
    [
        f"{PREFIX}/",
        f"{PREFIX}/plans/{PLAN}/",
        QUARTER,
        QUARTER + "actions/?figure=open_red",
        QUARTER + "pack.pdf",
        QUARTER + "actions.xlsx",
        QUARTER + "actions.csv",
        f"{PREFIX}/dashboard/",
    ],
)
def test_it_reads_the_signed_off_work(oversight, url):
    assert oversight.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        f"{PREFIX}/plans/{DRAFT}/",  # a draft
        f"{PREFIX}/plans/{DRAFT}/quarters/1/",
        f"{PREFIX}/plans/{DRAFT}/comments/add/",  # consultation
        f"{PREFIX}/plans/{PLAN}/comments/",
        f"{PREFIX}/actions/mine/",  # recording progress
        f"{PREFIX}/admin/",
    ],
)
def test_it_never_reads_drafts_consultation_or_the_partnerships_own_work(oversight, url):
    assert oversight.get(url).status_code == 404


def test_an_actions_own_page_with_its_history_of_names_is_not_there(oversight):
    action = Action.objects.get(strand__priority__plan__slug=PLAN, reference="1.2")

    assert oversight.get(f"{PREFIX}/actions/{action.pk}/").status_code == 404
    assert oversight.get(f"{PREFIX}/actions/{action.pk}/update/").status_code == 404


def test_its_queries_see_no_draft_and_no_comment(whole_demo):
    lewisham = Partnership.objects.get(slug="lewisham")
    Comment.objects.create(
        plan=AnnualPlan.objects.get(slug=DRAFT), text="A draft's comment.", author=None
    )

    with acting_in(lewisham, oversight=True):
        assert list(AnnualPlan.objects.values_list("slug", flat=True)) == [PLAN]
        assert not Comment.objects.exists()
        assert not Action.objects.filter(strand__priority__plan__slug=DRAFT).exists()
    with across([lewisham], oversight=True):
        assert list(AnnualPlan.objects.values_list("slug", flat=True)) == [PLAN]
    with acting_in(lewisham):
        assert AnnualPlan.objects.filter(slug=DRAFT).exists()
        assert Comment.objects.exists()


def test_the_quarter_names_no_officer(oversight, whole_demo):
    page = read(oversight.get(QUARTER))

    assert "Off track and at risk" in page
    for name in ["Daniel Osei", "Sarah Whitfield", "Catherine Holloway", "Grace Adeyemi"]:
        assert name not in page, name


def test_the_quarter_shows_no_internal_narrative(oversight, internal_update):
    page = read(oversight.get(QUARTER))

    assert "legal advice" not in page


def test_the_partnerships_own_people_still_read_it(internal_update):
    chair = Client()
    chair.force_login(get_user_model().objects.get(username="chair"))

    page = read(chair.get(QUARTER))

    assert "legal advice" in page
    assert "Daniel Osei" in page


def test_the_exports_name_no_officer_and_keep_internal_narratives_out(oversight, internal_update):
    workbook = load_workbook(io.BytesIO(oversight.get(QUARTER + "actions.xlsx").content))
    cells = " ".join(
        str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
    )
    text = oversight.get(QUARTER + "actions.csv").content.decode("utf-8-sig")

    for content in (cells, text):
        assert "Daniel Osei" not in content
        assert "legal advice" not in content
        assert "Borough wide campaign" in content


def test_it_changes_nothing(oversight, whole_demo):
    action = Action.objects.get(strand__priority__plan__slug=PLAN, reference="1.1")
    before = ProgressUpdate.objects.count()

    response = oversight.post(
        reverse("actions:update", args=[action.pk]),
        {"quarter": "4", "rag_rating": "green", "narrative": "Not theirs to write."},
    )
    closing = oversight.post(QUARTER + "close/")

    assert response.status_code == 404
    assert closing.status_code == 404
    assert ProgressUpdate.objects.count() == before
