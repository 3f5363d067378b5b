"""What is due for a person in a window: the actions they lead that are not complete and have no
update for the quarter, and the indicators their agency reports in that quarter with no value."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.models import Action
from agencies import roles
from partnerships.context import current_partnership
from plans.models import QuarterClosure
from rounds.due import due_by_person, due_for, officers, rounds_for
from rounds.windows import window_for
from tests.conftest import in_role
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    IndicatorFactory,
    IndicatorValueFactory,
    ProfileFactory,
    ProgressUpdateFactory,
    UserFactory,
    completion_status,
)
from tests.rounds.conftest import IN_WINDOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def window(plan):
    return window_for(plan, 3)


def test_an_action_the_officers_agency_leads_with_no_update_is_due(officer, window, due_action):
    assert due_for(officer, window).actions == [due_action]


def test_an_action_the_officer_leads_in_person_is_due(officer, window, strand):
    action = ActionFactory(strand=strand, lead_officer=officer)

    assert due_for(officer, window).actions == [action]


def test_an_action_updated_for_the_quarter_is_not_due(officer, window, due_action):
    ProgressUpdateFactory(action=due_action, quarter=3)

    assert due_for(officer, window).actions == []


def test_an_update_for_another_quarter_does_not_count(officer, window, due_action):
    ProgressUpdateFactory(action=due_action, quarter=2)

    assert due_for(officer, window).actions == [due_action]


def test_a_complete_action_is_not_due(officer, window, strand, lead_agency):
    ActionFactory(
        strand=strand, lead_agency=lead_agency, completion_status=completion_status("complete")
    )

    assert due_for(officer, window).actions == []


def test_another_agencys_action_is_not_due(officer, window, strand):
    ActionFactory(strand=strand)

    assert not due_for(officer, window)


def test_another_plans_action_is_not_due(officer, window, lead_agency):
    ActionFactory(lead_agency=lead_agency)

    assert not due_for(officer, window)


def test_an_indicator_the_officers_agency_reports_is_due(officer, window, plan, lead_agency):
    indicator = IndicatorFactory(plan=plan, source_agency=lead_agency)

    assert due_for(officer, window).indicators == [indicator]


def test_an_indicator_with_a_value_for_the_quarter_is_not_due(officer, window, plan, lead_agency):
    indicator = IndicatorFactory(plan=plan, source_agency=lead_agency)
    IndicatorValueFactory(indicator=indicator, quarter=3)

    assert due_for(officer, window).indicators == []


def test_an_indicator_not_reported_in_the_quarter_is_not_due(officer, window, plan, lead_agency):
    IndicatorFactory(plan=plan, source_agency=lead_agency, frequency="annual")
    IndicatorFactory(plan=plan, source_agency=lead_agency, frequency="six_monthly")

    assert due_for(officer, window).indicators == []


def test_an_annual_indicator_is_due_in_q4(officer, plan, lead_agency):
    indicator = IndicatorFactory(plan=plan, source_agency=lead_agency, frequency="annual")

    assert due_for(officer, window_for(plan, 4)).indicators == [indicator]


def test_another_agencys_indicator_is_not_due(officer, window, plan):
    IndicatorFactory(plan=plan, source_agency=AgencyFactory())

    assert not due_for(officer, window)


def test_nothing_is_due_in_a_closed_plan(officer, window, plan, due_action):
    plan.status = "closed"
    plan.save()

    assert not due_for(officer, window)


def test_nothing_is_due_in_a_draft_plan(officer, window, plan, due_action):
    plan.status = "draft"
    plan.save()

    assert not due_for(officer, window)


def test_nothing_is_due_for_a_closed_quarter(officer, window, plan, due_action):
    QuarterClosure.objects.create(plan=plan, quarter=3, snapshot={})

    assert not due_for(officer, window)


def test_due_by_person_agrees_with_due_for(
    officer, other_officer, window, plan, strand, lead_agency
):
    mine = ActionFactory(strand=strand, lead_agency=lead_agency, order=2)
    in_person = ActionFactory(strand=strand, lead_officer=officer, order=1)
    theirs = ActionFactory(strand=strand, lead_agency=other_officer.profile.agency)
    indicator = IndicatorFactory(plan=plan, source_agency=lead_agency)

    found = due_by_person(window, [officer, other_officer])

    assert found[officer.pk][1].actions == [in_person, mine] == due_for(officer, window).actions
    assert found[officer.pk][1].indicators == [indicator]
    assert found[other_officer.pk][1].actions == [theirs]


def test_my_updates_agree_with_the_actions_rule_for_what_is_due(
    officer, window, plan, strand, lead_agency
):
    """rounds_for decides what is due in Python, from rows it fetches anyway; it must say what
    ActionQuerySet.due_an_update says."""
    for status in ("not-started", "in-progress", "complete"):
        for quarter in (None, 2, 3):
            action = ActionFactory(
                strand=strand, lead_agency=lead_agency, completion_status=completion_status(status)
            )
            if quarter:
                ProgressUpdateFactory(action=action, quarter=quarter)
    ActionFactory(strand=strand, lead_officer=officer)
    ActionFactory(strand=strand)  # led by nobody the officer is

    [entry] = rounds_for(officer, IN_WINDOW)

    by_rule = list(Action.objects.led_by(officer).due_an_update(3).in_plan_order())
    assert entry.due.actions == by_rule == due_for(officer, window).actions
    assert len(by_rule) == 5


def test_my_updates_and_the_rule_both_ask_nothing_for_a_closed_quarter(officer, plan, due_action):
    QuarterClosure.objects.create(plan=plan, quarter=3, snapshot={})

    assert rounds_for(officer, IN_WINDOW) == []
    assert not Action.objects.led_by(officer).due_an_update(3).exists()


def test_due_by_person_leaves_out_people_with_nothing_due(officer, window, other_officer):
    assert due_by_person(window, [officer, other_officer]) == {}


def test_due_by_person_takes_a_fixed_number_of_queries(officer, window, plan, strand, lead_agency):
    def count():
        people = list(officers(current_partnership()))
        with CaptureQueriesContext(connection) as queries:
            due_by_person(window, people)
        return len(queries)

    ActionFactory(strand=strand, lead_agency=lead_agency)
    few = count()
    for _ in range(5):
        person = UserFactory()
        ProfileFactory(user=person, agency=AgencyFactory())
        in_role(person, roles.OFFICERS)
        ActionFactory(strand=strand, lead_agency=person.profile.agency)
        IndicatorFactory(plan=plan, source_agency=person.profile.agency)

    assert count() == few


# Who the round writes to --------------------------------------------------------------------------


def test_officers_are_those_in_the_officers_role(officer, member, administrator):
    assert officer in officers(current_partnership())
    assert member not in officers(current_partnership())


def test_officers_include_anyone_who_may_add_progress_updates(administrator):
    assert administrator in officers(current_partnership())


def test_officers_leave_out_people_without_an_email_address(officer):
    officer.email = ""
    officer.save()

    assert officer not in officers(current_partnership())


def test_officers_leave_out_inactive_people(officer):
    officer.is_active = False
    officer.save()

    assert officer not in officers(current_partnership())
