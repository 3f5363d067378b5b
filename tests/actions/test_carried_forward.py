"""An action carried forward into next year's plan links to where it came from, and the action
it came from links to where it went: on both actions' pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import ActionFactory, AnnualPlanFactory, StrandFactory
from tests.pages import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def old():
    return ActionFactory(
        reference="1.2",
        strand__priority__plan__title="Safer Lewisham Plan 17-18",
    )


def carried(old, title, year, reference="1.2"):
    plan = AnnualPlanFactory(title=title, financial_year=year, status="draft")
    return ActionFactory(
        strand=StrandFactory(priority__plan=plan), reference=reference, carried_from=old
    )


def test_a_carried_action_links_to_where_it_came_from(member_client, old):
    new = carried(old, "Safer Lewisham Plan 18-19", 2018)

    response = member_client.get(new.get_absolute_url())

    assert "Carried forward from Action 1.2 in Safer Lewisham Plan 17-18" in text_of(response)
    assert f'href="{old.get_absolute_url()}">Action 1.2 in Safer Lewisham Plan 17-18' in (
        response.content.decode()
    )
    assert "Carried forward into" not in text_of(response)


def test_the_old_action_links_to_where_it_was_carried(member_client, old):
    new = carried(old, "Safer Lewisham Plan 18-19", 2018)

    response = member_client.get(old.get_absolute_url())

    assert "Carried forward into Action 1.2 in Safer Lewisham Plan 18-19" in text_of(response)
    assert f'href="{new.get_absolute_url()}"' in response.content.decode()
    assert "Carried forward from" not in text_of(response)


def test_an_action_carried_into_several_plans_links_to_each(member_client, old):
    carried(old, "Safer Lewisham Plan 19-20", 2019, reference="")
    carried(old, "Safer Lewisham Plan 18-19", 2018)

    text = text_of(member_client.get(old.get_absolute_url()))

    assert (
        "Carried forward into Action 1.2 in Safer Lewisham Plan 18-19 "
        "An action in Safer Lewisham Plan 19-20"
    ) in text


def test_an_action_never_carried_says_nothing_of_it(member_client, old):
    assert "Carried forward" not in text_of(member_client.get(old.get_absolute_url()))


def queries_for(client, action):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(action.get_absolute_url()).status_code == 200
    return len(queries)


def test_the_links_take_the_same_queries_however_many(member_client, old):
    middle = carried(old, "Plan 18-19", 2018)
    one = queries_for(member_client, middle)
    for year in range(2019, 2023):
        carried(middle, f"Plan {year}", year, reference="")
    carried(old, "Another 18-19", 2018)

    assert queries_for(member_client, middle) == one
