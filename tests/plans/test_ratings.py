"""RAG and indicator ratings (plans/ratings.py): the one place their names, meanings, tags and
colours are written."""

import pytest

from actions.models import ProgressUpdate
from indicators.models import Rating
from plans.ratings import (
    INDICATOR_RATINGS,
    NOT_RATED,
    NOT_UPDATED,
    RAG,
    RAG_ORDER,
    RAG_RANK,
    RAG_RATINGS,
    IndicatorRating,
    indicator_rating,
    rag_rating,
)


def luminance(colour: str) -> float:
    """A colour's relative luminance (WCAG 2)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted([luminance(one), luminance(other)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_models_choices_are_the_ratings_modules():
    assert ProgressUpdate.RAG is RAG
    assert Rating is IndicatorRating


def test_the_rag_choices_keep_their_values_and_labels():
    assert RAG.choices == [
        ("red", "Red (off track)"),
        ("amber", "Amber (at risk)"),
        ("green", "Green (on track)"),
        ("blue", "Blue (complete)"),
    ]
    assert RAG.RED == "red"


def test_the_indicator_choices_keep_their_values_and_labels():
    assert IndicatorRating.choices == [
        ("green", "Green (on or better than target)"),
        ("amber", "Amber (within tolerance of target)"),
        ("red", "Red (beyond tolerance)"),
    ]


@pytest.mark.parametrize(
    "rating", [*RAG_RATINGS.values(), *INDICATOR_RATINGS.values()], ids=lambda r: repr(r.value)
)
def test_every_ratings_text_keeps_a_contrast_of_at_least_4_5_to_1_on_its_colour(rating):
    assert contrast(rating.fill, rating.text_colour) >= 4.5


def test_a_better_rating_ranks_higher():
    assert sorted(RAG_ORDER, key=RAG_RANK.get) == ["red", "amber", "green", "blue"]


def test_each_rag_rating_is_counted_in_a_figure_of_its_own():
    figures = [rating.figure for rating in RAG_RATINGS.values()]
    assert figures == ["off_track", "at_risk", "on_track", "rated_complete", "not_updated"]


def test_no_update_and_no_rating_have_their_own_names():
    assert rag_rating(None) is NOT_UPDATED
    assert (NOT_UPDATED.label, NOT_UPDATED.tag) == ("Not updated", "No update")
    assert indicator_rating("") is NOT_RATED
    assert (NOT_RATED.name, NOT_RATED.in_words) == ("No target", "not rated")


def test_the_tag_of_a_blue_rating_is_the_plain_tag():
    """GOV.UK Frontend 6 has no blue modifier: the plain tag is blue."""
    assert rag_rating("blue").tag_class == ""
