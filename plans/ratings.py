"""RAG and indicator ratings, in one place: for each, its name, what it means, its GOV.UK tag and
the colours it is drawn in, and (for RAG) its rank and the figure it is counted in.

An action's progress update carries a RAG rating (``RAG``: red, amber, green or blue); an action
with no update in a quarter is *not updated* (``NOT_UPDATED``), never green. An indicator's value
is rated against its target (``IndicatorRating``: green, amber or red), or not rated. The model
fields, forms, filters, charts, meeting pack, spreadsheets, dashboard, the review's rows and the
templates' tags all read them from here.
"""

from dataclasses import dataclass

from django.db import models

from govuk.svg import BLACK, BLUE, GREEN, MID_GREY, ORANGE, RED, WHITE


@dataclass(frozen=True)
class Rating:
    """One rating as people see it: "Red (off track)" on a red GOV.UK tag."""

    value: str | None  # as stored; None (RAG) or "" (indicators) when there is none
    name: str  # "Red"
    meaning: str  # "off track"; "" when the name says it all
    tag_class: str  # the GOV.UK tag's modifier; "" for the plain tag, which is blue
    fill: str  # its colour in charts, the pack and the spreadsheets
    text_colour: str  # text on the fill, at a contrast of at least 4.5:1
    figure: str = ""  # the Figures count it is counted in (RAG only)
    tag_text: str = ""  # the tag's words when they are not the name
    word: str = ""  # the rating in running text when it is not the name in lower case
    choice_label: str = ""  # the model's label when it is not ``label`` (kept as written)

    @property
    def label(self) -> str:
        """ "Red (off track)"."""
        return f"{self.name} ({self.meaning})" if self.meaning else self.name

    @property
    def hint(self) -> str:
        """ "Off track": what a radio button's hint says under the name."""
        return self.meaning.capitalize()

    @property
    def tag(self) -> str:
        """The words on its tag."""
        return self.tag_text or self.name

    @property
    def in_words(self) -> str:
        """ "red", "not updated"."""
        return self.word or self.name.lower()

    @property
    def initial(self) -> str:
        """ "R": under a chart's bars, so that they read without colour."""
        return self.name[0]


def _choices(name: str, ratings) -> type[models.TextChoices]:
    return models.TextChoices(
        name,
        [(r.value.upper(), (r.value, r.choice_label or r.label)) for r in ratings],
        module=__name__,
    )


# RAG ----------------------------------------------------------------------------------------

# Worst first: the order charts stack them in and the meeting reads them.
_RAG = (
    Rating("red", "Red", "off track", "govuk-tag--red", RED, WHITE, figure="off_track"),
    Rating("amber", "Amber", "at risk", "govuk-tag--orange", ORANGE, BLACK, figure="at_risk"),
    Rating("green", "Green", "on track", "govuk-tag--green", GREEN, WHITE, figure="on_track"),
    # GOV.UK Frontend 6 has no --blue modifier: the plain tag is blue.
    Rating("blue", "Blue", "complete", "", BLUE, WHITE, figure="rated_complete"),
)
NOT_UPDATED = Rating(
    None,
    "Not updated",
    "",
    "govuk-tag--grey",
    MID_GREY,
    BLACK,
    figure="not_updated",
    tag_text="No update",
)

#: ProgressUpdate.rag_rating's choices.
RAG = _choices("RAG", _RAG)
RAG.__doc__ = "An action's RAG rating for a quarter."

RAG_ORDER = tuple(rating.value for rating in _RAG)
# Higher is better (worst first, so its place in RAG_ORDER): whether an action's RAG improved or
# worsened.
RAG_RANK = {rag: rank for rank, rag in enumerate(RAG_ORDER)}
# Every RAG rating and "not updated" (None), worst first.
RAG_RATINGS = {rating.value: rating for rating in (*_RAG, NOT_UPDATED)}


def rag_rating(value: str | None) -> Rating:
    """The RAG rating stored as ``value``; "not updated" for None."""
    return RAG_RATINGS.get(value, NOT_UPDATED)


# Indicators -----------------------------------------------------------------------------------

# Best first, as the indicators' figures list them.
_INDICATOR = (
    Rating("green", "Green", "on or better than target", "govuk-tag--green", GREEN, WHITE),
    Rating(
        "amber",
        "Amber",
        "within tolerance",
        "govuk-tag--orange",
        ORANGE,
        BLACK,
        choice_label="Amber (within tolerance of target)",
    ),
    Rating("red", "Red", "beyond tolerance", "govuk-tag--red", RED, WHITE),
)
NOT_RATED = Rating("", "No target", "", "govuk-tag--grey", MID_GREY, BLACK, word="not rated")

#: IndicatorValue's ratings (computed and overridden).
IndicatorRating = _choices("IndicatorRating", _INDICATOR)
IndicatorRating.__doc__ = "How an indicator's value stands against its target."

INDICATOR_RATINGS = {rating.value: rating for rating in (*_INDICATOR, NOT_RATED)}


def indicator_rating(value: str) -> Rating:
    """The indicator rating stored as ``value``; "not rated" for "" (or None)."""
    return INDICATOR_RATINGS.get(value or "", NOT_RATED)
