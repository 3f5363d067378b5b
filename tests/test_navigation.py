"""The service navigation marks the section a page is in, worked out from the page's address
(safer_lewisham/context_processors.py), not set by each view."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LINKS = {"dashboard": "Dashboard", "plans": "Plans", "mine": "My updates"}


def current_links(response):
    """The navigation links marked as the current page, by their text."""
    html = response.content.decode()
    return re.findall(
        r'<a class="govuk-service-navigation__link"[^>]*aria-current="true">([^<]+)', html
    )


def pages(site):
    plan, action = site.plan, site.action
    return [
        ("dashboard", reverse("reviews:dashboard")),
        ("mine", reverse("actions:mine")),
        ("plans", reverse("home")),
        ("plans", reverse("plans:detail", args=[plan.slug])),
        ("plans", reverse("plans:status", args=[plan.slug])),
        ("plans", reverse("actions:detail", args=[action.pk])),
        ("plans", reverse("actions:update", args=[action.pk])),
        ("plans", reverse("reviews:quarter", args=[plan.slug, 3])),
        ("plans", reverse("reviews:actions", args=[plan.slug, 3])),
    ]


def test_each_page_marks_its_own_section_and_no_other(site, client):
    client.force_login(site.users["officer"])
    for section, url in pages(site):
        response = client.get(url)
        assert response.status_code == 200, url
        assert current_links(response) == [LINKS[section]], url


def test_a_page_outside_the_sections_marks_none(site, client):
    client.force_login(site.users["officer"])
    response = client.get(reverse("password_reset"))
    assert current_links(response) == []
