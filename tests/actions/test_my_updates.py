"""My updates (/actions/mine/): what an officer owes the update windows open now, with the
deadline, and what they have already updated for the quarter (the list of their actions below
is tested in test_my_actions.py)."""

import html
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import QuarterClosure
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AnnualPlanFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    ProgressUpdateFactory,
    StrandFactory,
    completion_status,
)
from tests.pages import text_of

pytestmark = pytest.mark.django_db

URL = "/p/lewisham/actions/mine/"
IN_WINDOW = date(2017, 12, 20)


@pytest.fixture
def plan():
    return AnnualPlanFactory(title="Safer Plan 17-18", slug="safer-17-18", financial_year=2017)


@pytest.fixture
def strand(plan):
    return StrandFactory(priority__plan=plan)


@pytest.fixture
def in_window(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: IN_WINDOW)


def table(response, element_id) -> str:
    body = response.content.decode()
    match = re.search(rf'<table class="govuk-table" id="{element_id}">(.*?)</table>', body, re.S)
    assert match, f"no table {element_id}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


def test_its_heading_is_my_updates(officer_client):
    response = officer_client.get(URL)

    assert '<h1 class="govuk-heading-xl">My updates</h1>' in response.content.decode()
    assert "<title>My updates" in response.content.decode()


def test_the_navigation_calls_it_my_updates(officer_client):
    assert 'aria-current="true">My updates</a>' in officer_client.get(URL).content.decode()


def test_it_lists_the_actions_due_with_the_deadline(officer_client, strand, lead_agency, in_window):
    action = ActionFactory(strand=strand, lead_agency=lead_agency, reference="1.1", text="Do it.")

    response = officer_client.get(URL)

    page = text_of(response)
    assert "Safer Plan 17-18 Updates for Q3 2017-18" in page
    assert "1 update due by 10 January 2018" in page
    assert "Action 1.1 Do it. 10 January 2018 Update progress" in table(response, "due-1")
    assert f'href="/p/lewisham/actions/{action.pk}/update/?quarter=3"' in response.content.decode()


def test_it_lists_the_indicators_due(officer_client, plan, lead_agency, in_window):
    indicator = IndicatorFactory(plan=plan, source_agency=lead_agency, name="DVPOs applied for")

    response = officer_client.get(URL)

    assert "Indicator DVPOs applied for 10 January 2018 Record the value" in table(
        response, "due-1"
    )
    assert (
        f'href="/p/lewisham/indicators/{indicator.pk}/record/?quarter=3"'
        in response.content.decode()
    )


def test_it_shows_what_is_already_done_with_its_rag_and_value(
    officer_client, plan, strand, lead_agency, in_window
):
    action = ActionFactory(strand=strand, lead_agency=lead_agency, reference="2.1", text="Done.")
    ProgressUpdateFactory(action=action, quarter=3, rag_rating="amber")
    indicator = IndicatorFactory(
        plan=plan, source_agency=lead_agency, name="Referrals", unit="percentage"
    )
    IndicatorValueFactory(indicator=indicator, quarter=3, value=64)

    response = officer_client.get(URL)

    done = table(response, "done-1")
    assert "Action 2.1 Done. Amber" in done
    assert "Indicator Referrals 64%" in done
    assert "You have nothing left to update for Q3 2017-18: thank you." in text_of(response)


def test_an_update_for_another_quarter_does_not_count_as_done(
    officer_client, strand, lead_agency, in_window
):
    action = ActionFactory(strand=strand, lead_agency=lead_agency, text="Updated in Q2.")
    ProgressUpdateFactory(action=action, quarter=2)

    response = officer_client.get(URL)

    assert "Updated in Q2." in table(response, "due-1")


def test_a_complete_action_is_not_due(officer_client, strand, lead_agency, in_window):
    ActionFactory(
        strand=strand,
        lead_agency=lead_agency,
        text="Finished.",
        completion_status=completion_status("complete"),
    )

    response = officer_client.get(URL)

    assert 'id="due-1"' not in response.content.decode()


def test_another_agencys_updates_are_not_listed(officer_client, plan, strand, in_window):
    ActionFactory(strand=strand, lead_agency=AgencyFactory(), text="The police's action.")
    IndicatorFactory(plan=plan, source_agency=AgencyFactory(), name="Police figure")

    response = officer_client.get(URL)

    assert "The police's action." not in text_of(response)
    assert "Police figure" not in text_of(response)


def test_outside_any_window_it_says_none_is_open(officer_client, led_action):
    # The 2017-18 plan's last window closed on 10 April 2018.
    response = officer_client.get(URL)

    assert "No update window is open now" in text_of(response)


def test_a_closed_quarter_asks_for_nothing(officer_client, plan, strand, lead_agency, in_window):
    ActionFactory(strand=strand, lead_agency=lead_agency)
    QuarterClosure.objects.create(plan=plan, quarter=3, snapshot={})

    response = officer_client.get(URL)

    assert 'id="due-1"' not in response.content.decode()
    assert "No update window is open now" in text_of(response)


def test_a_chair_is_asked_for_nothing(member_client, strand, lead_agency, in_window):
    ActionFactory(strand=strand, lead_agency=lead_agency)

    response = member_client.get(URL)

    page = text_of(response)
    assert "Updates for Q3" not in page
    assert "No update window is open now" not in page
    assert "You do not lead any actions" in page


def test_an_officer_of_another_agency_sees_their_own(
    client, other_officer, strand, lead_agency, in_window
):
    ActionFactory(strand=strand, lead_agency=lead_agency, text="Council's action.")
    ActionFactory(strand=strand, lead_agency=other_officer.profile.agency, text="Police action.")
    client.force_login(other_officer)

    response = client.get(URL)

    assert "Police action." in table(response, "due-1")
    assert "Council's action." not in text_of(response)


def test_its_query_count_does_not_grow_with_the_updates(
    officer_client, plan, strand, lead_agency, in_window
):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert officer_client.get(URL).status_code == 200
        return len(queries)

    ActionFactory(strand=strand, lead_agency=lead_agency)
    ProgressUpdateFactory(action=ActionFactory(strand=strand, lead_agency=lead_agency), quarter=3)
    IndicatorFactory(plan=plan, source_agency=lead_agency)
    IndicatorValueFactory(
        indicator=IndicatorFactory(plan=plan, source_agency=lead_agency), quarter=3
    )
    few = count()
    for _ in range(5):
        ActionFactory(strand=strand, lead_agency=lead_agency)
        done = ActionFactory(strand=StrandFactory(priority__plan=plan), lead_agency=lead_agency)
        ProgressUpdateFactory(action=done, quarter=3)
        IndicatorFactory(plan=plan, source_agency=lead_agency)
        IndicatorValueFactory(
            indicator=IndicatorFactory(plan=plan, source_agency=lead_agency), quarter=3
        )
    other_plan = AnnualPlanFactory(financial_year=2017)
    ActionFactory(strand=StrandFactory(priority__plan=other_plan), lead_agency=lead_agency)

    assert count() == few
