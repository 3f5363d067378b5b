"""The quarterly page's part of the update round: before the quarter's window closes, when
updates are due; once it has closed, the missing updates by agency and lead officer."""

import html
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.closing import close_quarter
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    ProgressUpdateFactory,
    UpdateWindowFactory,
    UserFactory,
    completion_status,
)
from tests.pages import text_of
from tests.rounds.conftest import AFTER_CLOSE, IN_WINDOW

pytestmark = pytest.mark.django_db


def page(client, plan, quarter=3):
    return client.get(f"/p/lewisham/plans/{plan.slug}/quarters/{quarter}/")


def missing(response) -> str:
    """The text of the Missing updates section."""
    body = response.content.decode()
    match = re.search(r'<section aria-labelledby="missing-updates">(.*?)</section>', body, re.S)
    assert match, "no Missing updates section"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))).split())


# Before the window closes ------------------------------------------------------------------------


def test_while_the_window_is_open_it_says_when_updates_are_due(member_client, plan, on_day):
    on_day(IN_WINDOW)

    response = page(member_client, plan)

    assert (
        "Updates for Q3 2017-18 are due by 10 January 2018 (window opened 17 December 2017)."
        in text_of(response)
    )
    assert 'aria-labelledby="missing-updates"' not in response.content.decode()


def test_before_the_window_opens_it_says_when_it_will(member_client, plan, on_day):
    on_day(date(2017, 11, 20))

    assert (
        "Updates for Q3 2017-18 will be due by 10 January 2018 (window opens 17 December 2017)."
        in text_of(page(member_client, plan))
    )


def test_it_follows_a_window_changed_in_admin(member_client, plan, on_day):
    UpdateWindowFactory(
        plan=plan, quarter=3, opens_on=date(2018, 1, 2), closes_on=date(2018, 1, 20)
    )
    on_day(AFTER_CLOSE)

    assert "Updates for Q3 2017-18 are due by 20 January 2018 (window opened 2 January 2018)." in (
        text_of(page(member_client, plan))
    )


def test_a_draft_plan_says_nothing_about_updates(member_client, plan, on_day):
    plan.status = "draft"
    plan.save()
    on_day(AFTER_CLOSE)

    response = page(member_client, plan)

    assert "Missing updates" not in text_of(response)
    assert "are due by" not in text_of(response)


# Once it has closed ---------------------------------------------------------------------------


def test_after_the_window_closes_it_lists_the_missing_updates(
    member_client, plan, strand, due_action, on_day
):
    on_day(AFTER_CLOSE)

    section = missing(page(member_client, plan))

    assert "The window for Q3 2017-18 updates ran from 17 December 2017 to 10 January 2018." in (
        section
    )
    assert "Lewisham Council (1 missing)" in section
    assert "No lead officer named" in section
    assert "1.1 Run the Open Day with the community." in section


def test_it_lists_them_by_agency_and_lead_officer(member_client, plan, strand, on_day):
    police = AgencyFactory(name="Metropolitan Police")
    council = AgencyFactory(name="Lewisham Council")
    inspector = UserFactory(first_name="Sarah", last_name="Whitfield")
    ActionFactory(strand=strand, lead_agency=police, lead_officer=inspector, text="Police one.")
    ActionFactory(strand=strand, lead_agency=council, text="Council one.")
    ActionFactory(strand=strand, lead_agency=police, text="Police two.")
    on_day(AFTER_CLOSE)

    section = missing(page(member_client, plan))

    assert re.search(
        r"Lewisham Council \(1 missing\) No lead officer named Council one\. "
        r"Metropolitan Police \(2 missing\) Sarah Whitfield Police one\. "
        r"No lead officer named Police two\.",
        section,
    ), section


def test_it_leaves_out_updated_and_complete_actions(
    member_client, plan, strand, lead_agency, on_day
):
    updated = ActionFactory(strand=strand, lead_agency=lead_agency, text="Updated one.")
    ProgressUpdateFactory(action=updated, quarter=3)
    ActionFactory(
        strand=strand,
        lead_agency=lead_agency,
        text="Complete one.",
        completion_status=completion_status("complete"),
    )
    on_day(AFTER_CLOSE)

    section = missing(page(member_client, plan))

    assert "Updated one." not in section
    assert "Complete one." not in section
    assert "Every action that is not complete has its update" in section


def test_it_leaves_out_an_action_completed_since_its_last_update(
    member_client, plan, strand, lead_agency, on_day
):
    # Its Q2 update said "in progress"; it has been marked complete since: nothing is owed.
    action = ActionFactory(
        strand=strand,
        lead_agency=lead_agency,
        text="Finished after Q2.",
        completion_status=completion_status("complete"),
    )
    ProgressUpdateFactory(action=action, quarter=2)
    on_day(AFTER_CLOSE)

    assert "Finished after Q2." not in missing(page(member_client, plan))


def test_it_lists_indicators_without_a_value_under_their_source_agency(
    member_client, plan, lead_agency, on_day
):
    IndicatorFactory(plan=plan, source_agency=lead_agency, name="DVPOs applied for")
    reported = IndicatorFactory(plan=plan, source_agency=lead_agency, name="Hate crime reports")
    IndicatorValueFactory(indicator=reported, quarter=3)
    IndicatorFactory(plan=plan, source_agency=lead_agency, name="Survey", frequency="annual")
    on_day(AFTER_CLOSE)

    section = missing(page(member_client, plan))

    assert "Lewisham Council (1 missing) Indicators DVPOs applied for" in section
    assert "Hate crime reports" not in section
    assert "Survey" not in section


def test_a_closed_quarter_lists_its_missing_updates_even_before_the_window_closes(
    member_client, plan, due_action, on_day, superuser
):
    on_day(date(2018, 1, 5))
    close_quarter(plan, 3, by=superuser, on=date(2018, 1, 5))

    section = missing(page(member_client, plan))

    assert "1.1 Run the Open Day with the community." in section


def test_its_query_count_does_not_grow_with_the_plan(member_client, plan, strand, on_day):
    on_day(AFTER_CLOSE)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert page(member_client, plan).status_code == 200
        return len(queries)

    ActionFactory(strand=strand)
    IndicatorFactory(plan=plan)
    few = count()
    for _ in range(6):
        ActionFactory(strand=strand, lead_officer=UserFactory(), lead_agency=AgencyFactory())
        IndicatorFactory(plan=plan)

    assert count() == few
