"""The ratings of plans/ratings.py for templates: ``{% load ratings %}``, then
``{% with rating=rag|rag_rating %}{% govuk_tag rating.tag rating.tag_class %}{% endwith %}``.
The tags themselves are drawn by actions/includes/rag_tag.html and
indicators/includes/rating_tag.html."""

from django import template

from plans import ratings

register = template.Library()


@register.filter
def rag_rating(value):
    """The RAG rating (plans.ratings.Rating) stored as ``value``; "not updated" for None."""
    return ratings.rag_rating(value)


@register.filter
def indicator_rating(value):
    """The indicator rating stored as ``value``; "not rated" for ""."""
    return ratings.indicator_rating(value)
