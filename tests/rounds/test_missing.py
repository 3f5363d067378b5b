"""The quarterly page's part of the update round as the view receives it (rounds.missing): when
updates are due, or, once the window has closed, the missing updates by agency and officer.
How the page shows it is in test_missing_updates.py."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rounds.missing import missing_updates
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    ProgressUpdateFactory,
    UserFactory,
    completion_status,
)
from tests.rounds.conftest import AFTER_CLOSE, IN_WINDOW, OPENS

pytestmark = pytest.mark.django_db


@dataclass
class Row:
    """What missing_updates reads of a quarterly review's row."""

    action_id: int
    reference: str
    text: str
    lead_agency: str
    lead_officer: str


def rows_of(*actions):
    return [
        Row(
            action.pk,
            action.reference,
            action.text,
            action.lead_agency.display_name if action.lead_agency else "",
            action.lead_officer.get_full_name() if action.lead_officer else "",
        )
        for action in actions
    ]


@pytest.mark.parametrize("status", ["draft", "consultation"])
def test_a_plan_not_yet_signed_off_says_nothing(plan, status):
    plan.status = status

    assert missing_updates(plan, [], 3, closed=False, on=AFTER_CLOSE).show is None


def test_while_the_window_is_open_it_says_when_updates_are_due(plan):
    missing = missing_updates(plan, [], 3, closed=False, on=IN_WINDOW)

    assert (missing.show, missing.quarter_label, missing.has_opened) == ("note", "Q3 2017-18", True)
    assert (missing.window.opens_on, missing.window.closes_on) == (OPENS, date(2018, 1, 10))


def test_before_the_window_opens_it_says_it_has_not_opened(plan):
    missing = missing_updates(plan, [], 3, closed=False, on=date(2017, 11, 20))

    assert (missing.show, missing.has_opened) == ("note", False)


def test_once_the_window_has_closed_it_lists_the_actions_without_their_update(
    plan, strand, lead_agency, due_action
):
    updated = ActionFactory(strand=strand, lead_agency=lead_agency)
    ProgressUpdateFactory(action=updated, quarter=3)
    complete = ActionFactory(
        strand=strand, lead_agency=lead_agency, completion_status=completion_status("complete")
    )

    missing = missing_updates(
        plan, rows_of(due_action, updated, complete), 3, closed=False, on=AFTER_CLOSE
    )

    assert missing.show == "missing"
    [council] = missing.agencies
    assert (council.name, council.count) == ("Lewisham Council", 1)
    assert [(officer, [row.action_id for row in rows]) for officer, rows in council.officers] == [
        ("No lead officer named", [due_action.pk])
    ]


def test_it_groups_them_by_agency_then_officer_with_those_without_last(plan, strand):
    police = AgencyFactory(name="Metropolitan Police")
    actions = [
        ActionFactory(strand=strand, lead_agency=police, lead_officer=UserFactory()),
        ActionFactory(strand=strand, lead_agency=None),
        ActionFactory(strand=strand, lead_agency=AgencyFactory(name="Lewisham Council")),
    ]

    missing = missing_updates(plan, rows_of(*actions), 3, closed=False, on=AFTER_CLOSE)

    assert [agency.name for agency in missing.agencies] == [
        "Lewisham Council",
        "Metropolitan Police",
        "No lead agency",
    ]


def test_it_lists_the_indicators_without_their_value(plan, lead_agency):
    without = IndicatorFactory(plan=plan, source_agency=lead_agency)
    IndicatorValueFactory(
        indicator=IndicatorFactory(plan=plan, source_agency=lead_agency), quarter=3
    )
    IndicatorFactory(plan=plan, source_agency=lead_agency, frequency="annual")

    missing = missing_updates(plan, [], 3, closed=False, on=AFTER_CLOSE)

    assert [agency.indicators for agency in missing.agencies] == [[without]]


def test_a_closed_quarter_lists_its_missing_updates_before_the_window_closes(plan, due_action):
    missing = missing_updates(plan, rows_of(due_action), 3, closed=True, on=IN_WINDOW)

    assert missing.show == "missing"
    assert missing.agencies[0].count == 1


def test_a_closed_plan_lists_its_missing_updates(plan, due_action):
    plan.status = "closed"

    missing = missing_updates(plan, rows_of(due_action), 3, closed=False, on=IN_WINDOW)

    assert missing.show == "missing"


def test_it_takes_three_queries_whatever_the_size_of_the_plan(plan, strand, lead_agency):
    def count(actions):
        with CaptureQueriesContext(connection) as queries:
            missing_updates(plan, rows_of(*actions), 3, closed=False, on=AFTER_CLOSE)
        return len(queries)

    actions = [ActionFactory(strand=strand, lead_agency=lead_agency)]
    IndicatorFactory(plan=plan, source_agency=lead_agency)
    assert count(actions) == 3
    actions += [ActionFactory(strand=strand, lead_agency=AgencyFactory()) for _ in range(5)]
    for _ in range(5):
        IndicatorFactory(plan=plan, source_agency=AgencyFactory())

    assert count(actions) == 3
