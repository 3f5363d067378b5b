"""The ratings of plans/ratings.py as GOV.UK tags, named in words (colour is never the only
carrier): ``{% load ratings %}``, then ``{% rag_tag update.rag_rating %}`` or
``{% indicator_rating_tag value.final_rating %}``. Drawn by govuk's ``govuk_tag``, in Python
rather than through an include, because lists draw one per row."""

from django import template

from govuk.templatetags.govuk import govuk_tag
from plans import ratings

register = template.Library()


@register.simple_tag
def rag_tag(rag):
    """An action's RAG rating (a ProgressUpdate.RAG value; None: no update) as a tag."""
    rating = ratings.rag_rating(rag)
    return govuk_tag(rating.tag, rating.tag_class)


@register.simple_tag
def indicator_rating_tag(value):
    """An indicator value's rating ("" or None: not rated, "No target") as a tag."""
    rating = ratings.indicator_rating(value)
    return govuk_tag(rating.tag, rating.tag_class)
