"""How far a quarter's actions have got, as councils report to scrutiny: complete, in progress and
not started (adding up to every action), then the RAG ratings of those not complete, on the
quarterly page, in its filtered lists and in the meeting pack."""

import re
from datetime import date
from html import unescape

import pytest
from django.urls import reverse

from reviews.building import review_for
from reviews.outputs.pack import completion_sentence
from tests.pages import text_of
from tests.reviews.test_pack import text_of as pack_text

pytestmark = pytest.mark.django_db
AFTER_THE_YEAR = date(2018, 6, 1)
# The demo's Q3, counted from its data file: 10 complete; 1.2, 1.4 and 3.11 not started; the 24
# others in progress; of the 27 not complete, 18 green, 6 amber and 3 red.
Q3 = (
    "37 actions: 10 complete, 24 in progress, 3 not started. "
    "Of the 27 not complete: 18 green, 6 amber, 3 red."
)


def test_complete_in_progress_and_not_started_add_up_to_every_action(demo_plan):
    figures = review_for(demo_plan, 3, on=AFTER_THE_YEAR).figures

    assert (figures.complete, figures.in_progress, figures.not_started) == (10, 24, 3)
    assert figures.complete + figures.in_progress + figures.not_started == figures.total
    assert (figures.open_green, figures.open_amber, figures.open_red) == (18, 6, 3)


def read(response) -> str:
    """The page's text as a reader sees it, links run into their sentence."""
    return " ".join(unescape(re.sub(r"<[^>]+>", "", response.content.decode())).split())


def test_the_quarterly_page_says_it(member_client, demo_plan):
    response = member_client.get(reverse("reviews:quarter", args=[demo_plan.slug, 3]))

    assert Q3 in read(response)


@pytest.mark.parametrize(
    ("figure", "references"),
    [
        ("not_started", ["1.2", "1.4", "3.11"]),
        ("open_red", ["1.2", "1.4", "2.11"]),
    ],
)
def test_each_figure_links_to_its_actions(member_client, demo_plan, figure, references):
    url = reverse("reviews:actions", args=[demo_plan.slug, 3]) + f"?figure={figure}"

    page = text_of(member_client.get(url))

    for reference in references:
        assert f"{reference} " in page
    review = review_for(demo_plan, 3)
    listed = [row.reference for row in review.rows if f"{row.reference} " in page]
    assert sorted(listed) == sorted(references)


def test_the_meeting_pack_says_it(demo_plan):
    review = review_for(demo_plan, 3, on=AFTER_THE_YEAR)

    assert Q3 in pack_text(review)


def test_the_sentence_is_the_figures(demo_plan):
    figures = review_for(demo_plan, 3, on=AFTER_THE_YEAR).figures

    assert completion_sentence(figures) == Q3
