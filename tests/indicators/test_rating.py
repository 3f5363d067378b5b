"""Rating a value against its target (indicators/rating.py), and when ratings are worked out."""

from decimal import Decimal

import pytest

from indicators.models import Indicator, IndicatorValue, Rating
from indicators.rating import rate, target_for
from reviews.building import review_for
from reviews.figures import IndicatorFigures
from tests.factories import (
    AnnualPlanFactory,
    IndicatorFactory,
    IndicatorTargetFactory,
    IndicatorValueFactory,
)

HIGHER = Indicator.Direction.HIGHER
LOWER = Indicator.Direction.LOWER


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (20, Rating.GREEN),  # exactly on target
        (25, Rating.GREEN),  # better
        (Decimal("19.99"), Rating.AMBER),  # just worse
        (18, Rating.AMBER),  # worse by exactly the tolerance
        (Decimal("17.99"), Rating.RED),  # just beyond the tolerance
        (0, Rating.RED),
    ],
)
def test_higher_is_better(value, expected):
    assert rate(value, 20, HIGHER, 2) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (45, Rating.GREEN),  # exactly on target
        (30, Rating.GREEN),  # fewer offences is better
        (49, Rating.AMBER),  # more by exactly the tolerance
        (50, Rating.RED),
    ],
)
def test_lower_is_better(value, expected):
    assert rate(value, 45, LOWER, 4) == expected


def test_with_no_tolerance_anything_worse_than_the_target_is_red():
    assert rate(0, 1, HIGHER, 0) == Rating.RED
    assert rate(1, 1, HIGHER, 0) == Rating.GREEN


def test_with_no_target_a_value_is_not_rated():
    assert rate(12, None, HIGHER, 2) == ""


@pytest.mark.django_db
def test_a_quarters_own_target_comes_before_the_annual_target():
    indicator = IndicatorFactory(annual_target=20)
    IndicatorTargetFactory(indicator=indicator, quarter=2, value=12)

    assert target_for(indicator, 2) == 12
    assert target_for(indicator, 1) == 20


@pytest.mark.django_db
def test_with_neither_there_is_no_target():
    assert target_for(IndicatorFactory(annual_target=None), 1) is None


@pytest.mark.django_db
def test_a_value_is_rated_when_it_is_saved():
    value = IndicatorValueFactory(indicator__annual_target=20, indicator__tolerance=2, value=19)

    assert IndicatorValue.objects.get(pk=value.pk).rating == Rating.AMBER

    value.value = 20
    value.save()

    assert IndicatorValue.objects.get(pk=value.pk).rating == Rating.GREEN


@pytest.mark.django_db
def test_values_are_rated_again_when_a_target_changes():
    value = IndicatorValueFactory(indicator__annual_target=20, quarter=2, value=15)
    assert IndicatorValue.objects.get(pk=value.pk).rating == Rating.RED

    target = IndicatorTargetFactory(indicator=value.indicator, quarter=2, value=15)
    assert IndicatorValue.objects.get(pk=value.pk).rating == Rating.GREEN

    target.delete()
    assert IndicatorValue.objects.get(pk=value.pk).rating == Rating.RED


@pytest.mark.django_db
def test_values_are_rated_again_when_the_direction_changes():
    value = IndicatorValueFactory(indicator__annual_target=20, value=25)
    indicator = value.indicator
    indicator.direction = LOWER
    indicator.save()

    assert IndicatorValue.objects.get(pk=value.pk).rating == Rating.RED


@pytest.mark.django_db
def test_an_override_is_shown_and_the_computed_rating_kept():
    value = IndicatorValueFactory(indicator__annual_target=20, value=10)
    value.rating_override = Rating.AMBER
    value.override_reason = "Two months' returns are missing."
    value.save()
    value.refresh_from_db()

    assert value.rating == Rating.RED
    assert value.final_rating == Rating.AMBER


# In the quarterly review ---------------------------------------------------------------------


@pytest.mark.django_db
def test_an_annual_indicator_is_not_due_before_q4_and_not_reported_in_q4():
    plan = AnnualPlanFactory()
    IndicatorFactory(plan=plan, frequency=Indicator.Frequency.ANNUAL, annual_target=68)

    for quarter in (1, 2, 3):
        review = review_for(plan, quarter)
        assert review.indicators[0].status == "not_due"
        assert review.indicator_figures == IndicatorFigures(total=1, not_due=1)
    assert review_for(plan, 4).indicator_figures == IndicatorFigures(total=1, not_reported=1)


@pytest.mark.django_db
def test_a_six_monthly_indicator_is_due_in_q2_and_q4():
    indicator = IndicatorFactory(frequency=Indicator.Frequency.SIX_MONTHLY)

    assert [indicator.reported_in(n) for n in (1, 2, 3, 4)] == [False, True, False, True]


@pytest.mark.django_db
def test_the_reviews_indicator_figures_count_each_rating():
    plan = AnnualPlanFactory()
    for value in (20, 19, 5):  # green, amber, red against 20 with a tolerance of 2
        IndicatorValueFactory(indicator__plan=plan, quarter=3, value=value)
    IndicatorValueFactory(indicator__plan=plan, indicator__annual_target=None, quarter=3)
    IndicatorFactory(plan=plan)  # due, not reported

    figures = review_for(plan, 3).indicator_figures

    assert figures == IndicatorFigures(
        total=5, green=1, amber=1, red=1, no_target=1, not_reported=1
    )


@pytest.mark.django_db
def test_an_overridden_rating_counts_as_the_override():
    plan = AnnualPlanFactory()
    IndicatorValueFactory(
        indicator__plan=plan,
        quarter=1,
        value=5,
        rating_override=Rating.AMBER,
        override_reason="Returns missing.",
    )

    review = review_for(plan, 1)

    row = review.indicators[0]
    assert (row.rating, row.computed_rating, row.overridden) == ("amber", "red", True)
    assert review.indicator_figures.amber == 1
