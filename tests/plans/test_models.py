"""Strategies, plans and their parts: what the database refuses, and the order things come in.

Bad data is refused by the database itself (objects.create skips the forms), so a typing slip in
an import or a shell session cannot get in either.
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from plans.models import AnnualPlan, Driver, KeyQuestion, Principle, Strategy, Theme
from tests.factories import (
    AnnualPlanFactory,
    DriverFactory,
    KeyQuestionFactory,
    PrincipleFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def create_plan(**fields):
    values = {"title": "Safer Plan", "slug": "safer-plan", "financial_year": 2017}
    return AnnualPlan.objects.create(**(values | fields))


@pytest.mark.parametrize("year", [1999, 2100, 1917, 20177])
def test_it_refuses_a_plan_financial_year_outside_2000_to_2099(year):
    with pytest.raises(IntegrityError), transaction.atomic():
        create_plan(financial_year=year)

    assert not AnnualPlan.objects.exists()


@pytest.mark.parametrize("year", [2000, 2099])
def test_it_accepts_a_plan_financial_year_at_either_end_of_the_range(year):
    create_plan(financial_year=year)

    assert AnnualPlan.objects.get().financial_year == year


def test_it_refuses_a_financial_year_on_bulk_create():
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualPlan.objects.bulk_create([AnnualPlan(title="Bad", slug="bad", financial_year=1999)])

    assert not AnnualPlan.objects.exists()


def test_it_refuses_a_financial_year_changed_by_an_update():
    plan = create_plan()

    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualPlan.objects.filter(pk=plan.pk).update(financial_year=2100)

    plan.refresh_from_db()
    assert plan.financial_year == 2017


def test_it_explains_a_bad_financial_year_in_words():
    plan = AnnualPlan(title="Safer Plan", slug="safer-plan", financial_year=1999)

    with pytest.raises(ValidationError) as error:
        plan.full_clean()

    assert "The financial year must start between 2000 and 2099." in error.value.messages


def test_it_refuses_two_plans_with_one_slug():
    create_plan(slug="safer-lewisham-17-18")

    with pytest.raises(IntegrityError), transaction.atomic():
        create_plan(slug="safer-lewisham-17-18", financial_year=2018)

    assert AnnualPlan.objects.count() == 1


def test_it_refuses_a_plan_status_that_is_not_one_of_the_choices():
    with pytest.raises(IntegrityError), transaction.atomic():
        create_plan(status="finished")

    assert not AnnualPlan.objects.exists()


def test_it_starts_a_new_plan_as_a_draft():
    assert create_plan().status == AnnualPlan.Status.DRAFT


def test_it_refuses_a_strategy_that_ends_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        Strategy.objects.create(title="Strategy", slug="strategy", start_year=2021, end_year=2017)

    assert not Strategy.objects.exists()


def test_it_accepts_a_strategy_of_a_single_year():
    Strategy.objects.create(title="Strategy", slug="strategy", start_year=2017, end_year=2017)

    assert Strategy.objects.get().period == "2017 to 2017"


def test_it_refuses_a_strategy_starting_outside_2000_to_2099():
    with pytest.raises(IntegrityError), transaction.atomic():
        Strategy.objects.create(title="Strategy", slug="strategy", start_year=1998, end_year=2001)

    assert not Strategy.objects.exists()


def test_it_refuses_two_themes_with_one_slug_in_a_plan():
    plan = AnnualPlanFactory()
    Theme.objects.create(plan=plan, name="Prevention", slug="prevention")

    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(plan=plan, name="Preventing harm", slug="prevention")

    assert plan.themes.count() == 1


def test_it_refuses_two_themes_with_one_name_in_a_plan():
    plan = AnnualPlanFactory()
    Theme.objects.create(plan=plan, name="Prevention", slug="prevention")

    with pytest.raises(IntegrityError), transaction.atomic():
        Theme.objects.create(plan=plan, name="Prevention", slug="prevention-2")

    assert plan.themes.count() == 1


def test_it_allows_the_same_theme_in_another_plan():
    this_year, next_year = AnnualPlanFactory(), AnnualPlanFactory(financial_year=2018)
    Theme.objects.create(plan=this_year, name="Prevention", slug="prevention")

    Theme.objects.create(plan=next_year, name="Prevention", slug="prevention")

    assert Theme.objects.filter(slug="prevention").count() == 2


def test_it_refuses_two_principles_with_one_name_in_a_plan():
    plan = AnnualPlanFactory()
    Principle.objects.create(plan=plan, name="Victim-centred approach")

    with pytest.raises(IntegrityError), transaction.atomic():
        Principle.objects.create(plan=plan, name="Victim-centred approach")

    assert plan.principles.count() == 1


def test_it_allows_the_same_principle_in_another_plan():
    Principle.objects.create(plan=AnnualPlanFactory(), name="Trust and confidence")

    Principle.objects.create(plan=AnnualPlanFactory(), name="Trust and confidence")

    assert Principle.objects.filter(name="Trust and confidence").count() == 2


def test_it_lists_plans_in_home_page_status_order():
    for status in ["closed", "draft", "consultation", "signed_off", "active"]:
        AnnualPlanFactory(status=status)

    statuses = [plan.status for plan in AnnualPlan.objects.by_status()]

    assert statuses == ["active", "signed_off", "consultation", "draft", "closed"]


def test_it_lists_the_newest_plan_first_within_a_status():
    AnnualPlanFactory(title="Plan 16-17", financial_year=2016, status="closed")
    AnnualPlanFactory(title="Plan 15-16", financial_year=2015, status="closed")
    AnnualPlanFactory(title="Plan 17-18", financial_year=2017, status="closed")

    titles = [plan.title for plan in AnnualPlan.objects.by_status()]

    assert titles == ["Plan 17-18", "Plan 16-17", "Plan 15-16"]


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        (Principle, PrincipleFactory),
        (KeyQuestion, KeyQuestionFactory),
        (Driver, DriverFactory),
        (Theme, ThemeFactory),
    ],
)
def test_it_returns_a_plans_parts_in_their_order_then_as_added(model, factory):
    plan = AnnualPlanFactory()
    third = factory(plan=plan, order=2)
    first = factory(plan=plan, order=1)
    second = factory(plan=plan, order=1)
    last = factory(plan=plan, order=5)

    assert list(model.objects.filter(plan=plan)) == [first, second, third, last]
