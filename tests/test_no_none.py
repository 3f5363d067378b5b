"""No page, export or e-mail prints a bare "None" where something is missing: an indicator with
no target or baseline, an action with no lead agency, officer, theme, reference or due date, a
quarter with no update. Each says what is missing instead ("No target", "No lead agency").

The pages are found as people find them: as an administrator, a member, an officer and the
public, following every link from the start pages, opening each URL pattern a few times, and the
pages about the objects with missing values always. The demo data is loaded once for the module,
with those objects added to it.
"""

import csv
import io
import re
from collections import deque
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions.models import Action, ProgressUpdate
from agencies.models import Profile
from consultation.models import Comment
from demo.loading import (
    DEMO_DATA_FILE,
    DEMO_SHARED_FILE,
    load_demo_data,
    load_indicator_definitions,
    read_demo_file,
)
from indicators.models import Indicator, IndicatorValue
from plans.models import AnnualPlan, PlanStatus
from reviews.building import review_for
from reviews.outputs.pack import build_pack
from tests.closing import close_quarter
from tests.conftest import PREFIX, working_in_the_test_partnership
from tests.factories import (
    ActionFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    ProgressUpdateFactory,
    TimeframeFactory,
    UserFactory,
    completion_status,
)
from tests.pages import text_of
from tests.reviews.test_pack import pdf_text

BARE_NONE = re.compile(r"\bNone\b")
PLAN = "safer-lewisham-plan-17-18"
# How many URLs of one pattern each role opens (the demo plan's 37 actions are one pattern).
PER_PATTERN = 3
# Plan administration, signing out or in, and the static files, at the root or the partnership's.
NOT_FOLLOWED = tuple(
    prefix + path
    for prefix in ("", PREFIX)
    for path in ("/admin/", "/sign-out/", "/static/", "/sign-in/")
)
ROLES = {"administrator": "admin", "member": "chair", "officer": "officer", "public": None}


def nones_in(text: str) -> list[str]:
    """Each bare "None" the service printed, with a little of the text around it to say where
    it is. People's own words are theirs ("None applied for locally; court data..."): the text
    typed into the plan is left out first."""
    text = " ".join(text.split())
    for typed in TYPED_WITH_NONE:
        text = text.replace(typed, " ")
    return [text[max(m.start() - 60, 0) : m.end() + 60] for m in BARE_NONE.finditer(text)]


# The plan's own text with the word "None" in it (filled in by the `missing` fixture).
TYPED_WITH_NONE: list[str] = []


def typed_with_none() -> list[str]:
    """Every text people typed into the plan that holds the word "None", its white space
    collapsed as a page shows it, longest first."""
    typed = [
        *ProgressUpdate.objects.values_list("narrative", flat=True),
        *Action.objects.values_list("text", flat=True),
        *Action.objects.values_list("completion_note", flat=True),
        *Comment.objects.values_list("text", flat=True),
        *IndicatorValue.objects.values_list("note", flat=True),
        *Indicator.objects.values_list("description", flat=True),
    ]
    found = {" ".join(text.split()) for text in typed if BARE_NONE.search(text or "")}
    return sorted(found, key=len, reverse=True)


@pytest.fixture(scope="module")
def missing(django_db_setup, django_db_blocker):
    """The demo data (with its users), the 17-18 plan published and its Q2 closed, the 18-19
    plan out for consultation with a comment, and things with nothing but what they must have:
    an action, an indicator, an update with no narrative. Made in the tests' partnership, as a
    test's own data is (a module's fixture is set up before a test's partnership is in force)."""
    with django_db_blocker.unblock(), transaction.atomic():
        with working_in_the_test_partnership():
            # As tests/conftest.py's demo_rows loads it: the shared indicator definitions first.
            load_indicator_definitions(read_demo_file(DEMO_SHARED_FILE))
            load_demo_data(read_demo_file(DEMO_DATA_FILE), create_users=True)
            plan = AnnualPlan.objects.get(slug=PLAN)
            officer = Profile.objects.select_related("agency").get(user__username="officer")
            strand = Action.objects.filter(strand__priority__plan=plan).first().strand
            bare = ActionFactory(
                strand=strand,
                reference="",
                theme=None,
                lead_agency=None,
                lead_officer=None,
                timeframe=None,
                text="An action nobody leads yet.",
            )
            undated = ActionFactory(
                strand=strand,
                reference="",
                theme=None,
                lead_agency=officer.agency,
                lead_officer=None,
                timeframe=TimeframeFactory(plan=plan, wording="As required"),
                text="An action with no due date.",
            )
            ProgressUpdateFactory(
                action=undated,
                quarter=3,
                narrative="",
                rag_rating="green",
                author=UserFactory(first_name="", last_name=""),
                completion_status=completion_status("in-progress"),
            )
            indicator = IndicatorFactory(
                plan=plan,
                name="Repeat referrals to MARAC",
                baseline_value=None,
                baseline_period="",
                annual_target=None,
                source_agency=officer.agency,
            )
            IndicatorValueFactory(indicator=indicator, quarter=2, value=4, note="")
            IndicatorValueFactory(indicator=indicator, quarter=3, value=6, note="")
            close_quarter(plan, 2, by=UserFactory(username="closer"), on=date(2018, 1, 15))
            AnnualPlan.objects.filter(pk=plan.pk).update(published_at=timezone.now())
            draft = AnnualPlan.objects.get(slug="safer-lewisham-plan-18-19")
            AnnualPlan.objects.filter(pk=draft.pk).update(status=PlanStatus.CONSULTATION)
            Comment.objects.create(plan=draft, author=UserFactory(), text="Add a strand on hate.")
            TYPED_WITH_NONE[:] = typed_with_none()
            made = {
                "plan": plan,
                "starts": [
                    reverse("home"),
                    reverse("public:index"),
                    reverse("actions:mine"),
                    bare.get_absolute_url(),
                    undated.get_absolute_url(),
                    reverse("actions:update", args=[undated.pk]),
                    reverse("indicators:detail", args=[indicator.pk]),
                    reverse("indicators:record", args=[indicator.pk]),
                    *(reverse("reviews:quarter", args=[PLAN, n]) for n in (1, 2, 3)),
                    reverse("reviews:actions", args=[PLAN, 3]) + "?figure=not_updated",
                    reverse("reviews:dashboard"),
                    reverse("public:plan", args=[PLAN]),
                    reverse("consultation:list", args=[draft.slug]),
                ],
            }
        yield made
        transaction.set_rollback(True)


def pattern_of(path):
    """The view of a partnership's page (None for any other address: the crawl keeps to the
    partnership's pages)."""
    if not path.startswith(PREFIX + "/"):
        return None
    try:
        match = resolve(path.removeprefix(PREFIX))
    except Resolver404:
        return None
    return match.view_name


def crawl(client, starts):
    """{url: response} of the pages the client reaches from `starts` by following links."""
    queue = deque(starts)
    seen = set(queue)
    opened = {}
    per_pattern = {}
    while queue:
        url = queue.popleft()
        pattern = pattern_of(urlsplit(url).path)
        if pattern is None:
            continue
        if url not in starts:
            if per_pattern.get(pattern, 0) >= PER_PATTERN:
                continue
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        response = client.get(url)
        opened[url] = response
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for href in re.findall(r'href="([^"#]+)', response.content.decode()):
            href = href.replace("&amp;", "&")
            if href.startswith("/") and not href.startswith(NOT_FOLLOWED) and href not in seen:
                seen.add(href)
                queue.append(href)
    return opened


def client_for(username):
    client = Client()
    if username:
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username=username))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_no_page_prints_none(db, missing, role):
    pages = crawl(client_for(ROLES[role]), missing["starts"])

    found = {
        url: nones_in(text_of(response))
        for url, response in pages.items()
        if response.status_code == 200 and "text/html" in response.get("Content-Type", "")
    }
    assert len(found) >= (2 if role == "public" else 10)
    assert {url: nones for url, nones in found.items() if nones} == {}


@pytest.mark.parametrize("quarter", [1, 2, 3])
def test_the_meeting_pack_prints_no_none(db, missing, quarter):
    pack = build_pack(
        review_for(missing["plan"], quarter), settings.PARTNERSHIP_NAME, compress=False
    )

    assert nones_in(pdf_text(pack)) == []


@pytest.mark.parametrize("quarter", [1, 2, 3])
def test_the_spreadsheet_export_prints_no_none(db, missing, quarter):
    client = client_for("chair")

    response = client.get(reverse("reviews:xlsx", args=[PLAN, quarter]))

    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    cells = [
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert cells
    assert [none for cell in cells for none in nones_in(cell)] == []


@pytest.mark.parametrize("quarter", [1, 2, 3])
def test_the_csv_export_prints_no_none(db, missing, quarter):
    client = client_for("chair")

    response = client.get(reverse("reviews:csv", args=[PLAN, quarter]))

    cells = [cell for row in csv.reader(io.StringIO(response.content.decode())) for cell in row]
    assert cells
    assert [none for cell in cells for none in nones_in(cell)] == []


# In the Q4 2017-18 window, when every action of the demo plan is due.
OPENING, REMINDER = date(2018, 3, 20), date(2018, 4, 7)


@pytest.mark.parametrize("day", [OPENING, REMINDER], ids=["opening", "reminder"])
def test_the_update_round_emails_print_no_none(db, missing, day, settings):
    settings.SITE_URL = "https://csp.example.gov.uk"
    if day == REMINDER:
        call_command("send_update_round", "--today", OPENING.isoformat(), stdout=io.StringIO())
        mail.outbox.clear()

    call_command("send_update_round", "--today", day.isoformat(), stdout=io.StringIO())

    assert mail.outbox
    for message in mail.outbox:
        html = message.alternatives[0][0] if message.alternatives else ""
        assert nones_in(message.subject + message.body) == []
        assert nones_in(re.sub(r"<[^>]+>", " ", html)) == []
