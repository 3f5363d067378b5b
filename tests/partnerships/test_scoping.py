"""The one entry point every query goes through (partnerships/scoping.py): in a partnership,
its rows only; nowhere, none; outside any, an error rather than another partnership's rows;
an oversight body, the signed-off plans only."""

import pytest
from django_scopes import ScopeError, scope

from actions.models import Action, ProgressUpdate
from agencies.models import Agency
from consultation.models import Comment
from indicators.models import Indicator
from partnerships.context import across, acting_in, everywhere, nowhere
from partnerships.scoping import OVERSIGHT_PLAN_STATUSES
from plans.models import AnnualPlan, PlanStatus
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    AnnualPlanFactory,
    CommentFactory,
    IndicatorFactory,
    PartnershipFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db

MODELS = [AnnualPlan, Action, ProgressUpdate, Indicator, Agency, Comment]


@pytest.fixture
def two():
    """Two partnerships, each with a plan, an action with an update, an indicator, a comment
    and an agency of its own."""
    made = {}
    for name in ("a", "b"):
        partnership = PartnershipFactory(slug=f"partnership-{name}")
        agency = AgencyFactory(partner_of=[partnership])
        plan = AnnualPlanFactory(partnership=partnership, status=PlanStatus.ACTIVE)
        action = ActionFactory(strand__priority__plan=plan, lead_agency=agency)
        ProgressUpdateFactory(action=action)
        IndicatorFactory(plan=plan, source_agency=agency)
        draft = AnnualPlanFactory(partnership=partnership, status=PlanStatus.CONSULTATION)
        CommentFactory(plan=draft)
        made[name] = partnership
    return made


def test_in_a_partnership_every_query_sees_its_rows_only(two):
    for name, partnership in two.items():
        with acting_in(partnership):
            for model in MODELS:
                rows = list(model.objects.all())
                assert rows, model
                for row in rows:
                    assert partnership_of(row) == partnership.pk, (model, name)


def partnership_of(row):
    if isinstance(row, Agency):
        return row.partnerships.get().pk
    plan = row if isinstance(row, AnnualPlan) else getattr(row, "plan", None)
    if plan is None:
        plan = (row.action if isinstance(row, ProgressUpdate) else row).strand.priority.plan
    return plan.partnership_id


def test_a_query_outside_any_partnership_is_an_error_not_every_row(two):
    with scope(unrelated=1):  # a scope, but no partnership in it
        for model in MODELS:
            with pytest.raises(ScopeError):
                list(model.objects.all())


def test_the_sites_root_sees_nothing(two):
    with nowhere():
        for model in MODELS:
            assert not model.objects.exists(), model


def test_a_form_made_before_sees_the_partnership_it_is_used_in(two):
    """Querysets are built at import time (a form's choices): the partnership is read when the
    query runs."""
    agencies = Agency.objects.all()
    with acting_in(two["a"]):
        in_a = set(agencies.all())  # as a form's choices do, each time they are shown
    with acting_in(two["b"]):
        in_b = set(agencies.all())
    assert in_a and in_b and not in_a & in_b


def test_an_oversight_body_sees_no_draft_and_no_comment(two):
    with across(two.values(), oversight=True):
        assert {plan.status for plan in AnnualPlan.objects.all()} == {PlanStatus.ACTIVE}
        assert AnnualPlan.objects.count() == 2
        assert not Comment.objects.exists()
        assert Action.objects.count() == 2


def test_whole_site_work_sees_every_row_even_an_agency_of_no_partnership(two):
    alone = AgencyFactory(partner_of=[])

    with everywhere():
        assert alone in Agency.objects.all()
        assert (
            AnnualPlan.objects.count()
            == 4 + AnnualPlan.objects.filter(partnership__slug="lewisham").count()
        )


def test_the_oversight_statuses_are_plan_statuses():
    assert set(OVERSIGHT_PLAN_STATUSES) <= set(PlanStatus.values)
    assert PlanStatus.DRAFT not in OVERSIGHT_PLAN_STATUSES
    assert PlanStatus.CONSULTATION not in OVERSIGHT_PLAN_STATUSES
