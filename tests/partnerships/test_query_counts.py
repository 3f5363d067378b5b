"""One partnership's pages make as many SQL queries with other partnerships in the installation as
with that partnership alone: every page looks up its partnership's rows only, and nothing is
done once per partnership. (The time the same pages take with 300 partnerships present is the
benchmark's job: benchmarks/run_benchmarks.py, docs/performance.md.)

The measured partnership is the tests' own (Safer Lewisham, /p/lewisham/); the others get the
same data, made by the same function while working in them, down to the plan's address
(``safer-plan-17-18`` in each): a page that found its plan by address alone would find several.
"""

from datetime import date, timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import ProgressUpdate
from agencies import roles
from partnerships.context import acting_in
from partnerships.models import Partnership
from tests.closing import close_quarter
from tests.conftest import TEST_PARTNERSHIP_SLUG, in_role
from tests.factories import (
    ActionFactory,
    ActionSubItemFactory,
    AgencyFactory,
    AnnualPlanFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
    PartnershipFactory,
    PrincipleFactory,
    ProfileFactory,
    ProgressUpdateFactory,
    StrandFactory,
    UserFactory,
    completion_status,
)

pytestmark = pytest.mark.django_db

PLAN_SLUG = "safer-plan-17-18"
AFTER_THE_YEAR = date(2018, 4, 20)
RAGS = [ProgressUpdate.RAG.GREEN, ProgressUpdate.RAG.AMBER, ProgressUpdate.RAG.RED]


def make_partnership_data() -> dict:
    """In the partnership in force: a published 2017-18 plan in delivery with a principle, two
    strands of three actions (led by one agency, with a partner agency, a sub-item, some with
    a lead officer), each updated in quarters 1 to 3, two indicators with targets and values,
    quarters 1 and 2 closed after their meetings; and its chair and an officer of the lead
    agency."""
    chair = in_role(UserFactory(), roles.CHAIR_AND_MEMBERS)
    agency, partner = AgencyFactory(), AgencyFactory()
    officer = in_role(UserFactory(), roles.OFFICERS)
    ProfileFactory(user=officer, agency=agency)
    plan = AnnualPlanFactory(
        slug=PLAN_SLUG,
        title="Safer Partnership Plan 17-18",
        financial_year=2017,
        published_at=timezone.now() - timedelta(days=1),
    )
    PrincipleFactory(plan=plan)
    actions = []
    for strand_number in range(2):
        strand = StrandFactory(priority__plan=plan)
        for n in range(3):
            action = ActionFactory(
                strand=strand,
                lead_agency=agency,
                lead_officer=officer if n == 0 else None,
            )
            action.partner_agencies.set([partner])
            for quarter in (1, 2, 3):
                ProgressUpdateFactory(
                    action=action,
                    quarter=quarter,
                    author=officer,
                    rag_rating=RAGS[(n + quarter + strand_number) % len(RAGS)],
                    completion_status=completion_status(
                        "complete" if n == 2 and quarter == 3 else "in-progress"
                    ),
                )
            actions.append(action)
    ActionSubItemFactory(action=actions[0])
    indicators = []
    for _ in range(2):
        indicator = IndicatorFactory(plan=plan, source_agency=agency)
        for quarter in (1, 2, 3):
            IndicatorTargetFactory(indicator=indicator, quarter=quarter, value=5 * quarter)
            IndicatorValueFactory(
                indicator=indicator, quarter=quarter, value=4 * quarter, recorded_by=officer
            )
        indicators.append(indicator)
    for quarter in (1, 2):
        close_quarter(plan, quarter, by=chair, on=AFTER_THE_YEAR)
    return {
        "plan": plan,
        "action": actions[0],
        "indicator": indicators[0],
        "chair": chair,
        "officer": officer,
    }


def make_another_partnership():
    """Another partnership with the same data, made while working in it."""
    partnership = PartnershipFactory()
    with acting_in(partnership):
        make_partnership_data()
    return partnership


def pages_of(made: dict) -> dict[str, tuple[str, str]]:
    """The partnership's pages: name -> (who requests it, its address)."""
    plan = made["plan"].slug
    quarter = {"slug": plan, "quarter": 3}
    return {
        "home": ("chair", reverse("home")),
        "plan page": ("chair", reverse("plans:detail", kwargs={"slug": plan})),
        "quarter page (open quarter)": ("chair", reverse("reviews:quarter", kwargs=quarter)),
        "quarter page (closed quarter)": (
            "chair",
            reverse("reviews:quarter", kwargs={"slug": plan, "quarter": 1}),
        ),
        "quarter's actions list": ("chair", reverse("reviews:actions", kwargs=quarter)),
        "quarter's actions list, filtered": (
            "chair",
            reverse("reviews:actions", kwargs=quarter) + "?figure=open_red",
        ),
        "meeting pack": ("chair", reverse("reviews:pack", kwargs=quarter)),
        "xlsx export": ("chair", reverse("reviews:xlsx", kwargs=quarter)),
        "csv export": ("chair", reverse("reviews:csv", kwargs=quarter)),
        "dashboard": ("chair", reverse("reviews:dashboard")),
        "My updates": ("officer", reverse("actions:mine")),
        "action page": ("officer", reverse("actions:detail", kwargs={"pk": made["action"].pk})),
        "update form": ("officer", reverse("actions:update", kwargs={"pk": made["action"].pk})),
        "indicator page": (
            "chair",
            reverse("indicators:detail", kwargs={"pk": made["indicator"].pk}),
        ),
        "public plan page": ("chair", reverse("public:plan", kwargs={"slug": plan})),
        "public plan page, signed out": ("anyone", reverse("public:plan", kwargs={"slug": plan})),
        "public index, signed out": ("anyone", reverse("public:index")),
    }


def clients_for(made: dict) -> dict[str, Client]:
    chair, officer = Client(), Client()
    chair.force_login(made["chair"])
    officer.force_login(made["officer"])
    return {"chair": chair, "officer": officer, "anyone": Client()}


def query_counts(clients: dict[str, Client], pages: dict[str, tuple[str, str]]) -> dict:
    """Each page's number of queries: requested once first (what a process keeps once, such as
    content types, is then kept), then again with the cache emptied (what the quarterly page
    keeps of its drawn tables is drawn again), counted."""
    counts = {}
    for name, (who, address) in pages.items():
        client = clients[who]
        assert client.get(address).status_code == 200, name
        for cache in caches.all():
            cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


def changed(before: dict, after: dict) -> dict[str, str]:
    """The pages whose count is not the same: name -> "before → after"."""
    return {
        name: f"{count} → {after[name]}" for name, count in before.items() if after[name] != count
    }


def csv_export(clients, pages) -> bytes:
    who, address = pages["csv export"]
    return clients[who].get(address).content


def test_one_partnerships_pages_make_as_many_queries_with_other_partnerships_present():
    ours = make_partnership_data()
    clients, pages = clients_for(ours), pages_of(ours)
    assert list(Partnership.objects.values_list("slug", flat=True)) == [TEST_PARTNERSHIP_SLUG]
    alone = query_counts(clients, pages)
    csv_alone = csv_export(clients, pages)

    make_another_partnership()
    with_two = query_counts(clients, pages)
    for _ in range(4):
        make_another_partnership()
    assert Partnership.objects.count() == 6
    with_six = query_counts(clients, pages)

    assert changed(alone, with_two) == {}
    assert changed(alone, with_six) == {}
    # And they still show the partnership's own plan only: the same rows as before.
    assert csv_export(clients, pages) == csv_alone


def test_the_others_have_the_same_pages_with_the_same_counts():
    """The other partnerships' data is like ours: their pages answer, in as many queries (so
    that the test above adds partnerships a page could trip over, not empty ones)."""
    ours = make_partnership_data()
    ours_counts = query_counts(clients_for(ours), pages_of(ours))

    other = PartnershipFactory()
    with acting_in(other):
        theirs = make_partnership_data()
        pages = pages_of(theirs)
    assert pages["home"][1] == f"/p/{other.slug}/"
    assert changed(ours_counts, query_counts(clients_for(theirs), pages)) == {}
