"""A draft plan with one priority, strand and theme, and the agencies and people rows name."""

import pytest

from agencies import roles
from plans.models import AnnualPlan
from tests.conftest import in_role
from tests.factories import (
    AgencyFactory,
    AnnualPlanFactory,
    PriorityFactory,
    StrandFactory,
    ThemeFactory,
    UserFactory,
)


@pytest.fixture
def plan(db):
    plan = AnnualPlanFactory(
        title="Safer Example Plan 18-19",
        slug="example-18-19",
        financial_year=2017,
        status=AnnualPlan.Status.DRAFT,
    )
    priority = PriorityFactory(plan=plan, title="Violence", slug="violence", order=1)
    StrandFactory(priority=priority, title="Violence against women and girls", slug="vawg", order=1)
    ThemeFactory(plan=plan, name="Prevention", slug="prevention", order=1)
    return plan


@pytest.fixture
def agencies(db):
    return {
        "council": AgencyFactory(
            name="Lewisham Council", short_name="Lewisham Council", slug="lewisham-council"
        ),
        "police": AgencyFactory(
            name="Metropolitan Police Service (Lewisham)",
            short_name="Met Police",
            slug="metropolitan-police",
        ),
        "nps": AgencyFactory(
            name="National Probation Service", short_name="NPS", slug="national-probation-service"
        ),
        "athena": AgencyFactory(
            name="Athena (Lewisham VAWG service)", short_name="Athena", slug="athena"
        ),
    }


@pytest.fixture
def daniel(db):
    """An officer of the partnership: an import finds lead officers among its people."""
    return in_role(
        UserFactory(
            username="officer", first_name="Daniel", last_name="Osei", email="daniel@example.org"
        ),
        roles.OFFICERS,
    )
