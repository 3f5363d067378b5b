"""Priorities and strands: slugs unique where the web address needs them, strands in order."""

import pytest
from django.db import IntegrityError, transaction

from priorities.models import Priority, Strand
from tests.factories import AnnualPlanFactory, PriorityFactory, StrandFactory

pytestmark = pytest.mark.django_db


def test_it_refuses_two_priorities_with_one_slug_in_a_plan():
    plan = AnnualPlanFactory()
    Priority.objects.create(plan=plan, title="Violence", slug="violence")

    with pytest.raises(IntegrityError), transaction.atomic():
        Priority.objects.create(plan=plan, title="Serious violence", slug="violence")

    assert plan.priorities.count() == 1


def test_it_allows_the_same_priority_slug_in_another_plan():
    Priority.objects.create(plan=AnnualPlanFactory(), title="Violence", slug="violence")

    Priority.objects.create(plan=AnnualPlanFactory(), title="Violence", slug="violence")

    assert Priority.objects.filter(slug="violence").count() == 2


def test_it_refuses_two_strands_with_one_slug_in_a_priority():
    priority = PriorityFactory()
    Strand.objects.create(priority=priority, title="Violence against women and girls", slug="vawg")

    with pytest.raises(IntegrityError), transaction.atomic():
        Strand.objects.create(priority=priority, title="VAWG", slug="vawg")

    assert priority.strands.count() == 1


def test_it_allows_the_same_strand_slug_in_another_priority():
    plan = AnnualPlanFactory()
    Strand.objects.create(priority=PriorityFactory(plan=plan), title="Youth", slug="youth")

    Strand.objects.create(priority=PriorityFactory(plan=plan), title="Youth", slug="youth")

    assert Strand.objects.filter(slug="youth").count() == 2


def test_it_returns_a_prioritys_strands_in_their_order_then_as_added():
    priority = PriorityFactory()
    third = StrandFactory(priority=priority, order=3)
    first = StrandFactory(priority=priority, order=1)
    second = StrandFactory(priority=priority, order=1)

    assert list(priority.strands.all()) == [first, second, third]


def test_it_returns_a_plans_priorities_in_their_order():
    plan = AnnualPlanFactory()
    second = PriorityFactory(plan=plan, order=2)
    first = PriorityFactory(plan=plan, order=1)

    assert list(plan.priorities.all()) == [first, second]


def test_it_gives_a_strand_its_plan():
    plan = AnnualPlanFactory()

    assert StrandFactory(priority__plan=plan).plan == plan
