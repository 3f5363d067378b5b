"""One partnership never sees another's data: a crawl of every address the invented Safer
Eastmere Partnership's people reach (its pages and its Plan administration), requested again
by each person of the Safer Lewisham Partnership, who gets 404 for each (as if it did not
exist) but its public pages; and Eastmere's records asked for at Lewisham's own addresses are
not there either."""

import re
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, resolve

from partnerships.context import acting_in
from partnerships.middleware import OPEN_NAMESPACES, OPEN_VIEWS
from partnerships.models import Partnership

pytestmark = pytest.mark.django_db

THEIRS = "/p/eastmere"
OURS = "/p/lewisham"
THEIR_PEOPLE = ["eastmere-admin", "eastmere-chair", "eastmere-officer"]
OUR_PEOPLE = ["admin", "chair", "officer", "police"]
# Every kind of page (each URL pattern), a few of each: enough to reach admin's change lists,
# change pages and histories, without every one of their sorting and filtering links.
EACH_KIND = 3
SKIPPED = re.compile(r"/sign-out/|/logout/|[?&](o|p|_changelist_filters|q|e|all)=|/delete/$")
# Admin's pages of what the installation shares (the completion statuses' list, the role groups,
# the shared indicator definitions): the same in every partnership, nobody's own.
SHARED = re.compile(r"/admin/(actions/completionstatus|auth/group|indicators/indicatordefinition)/")


def client_for(username):
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def links(response, url) -> set[str]:
    """The addresses a page links to, made absolute, without their fragments."""
    if "text/html" not in response.get("Content-Type", ""):
        return set()
    found = set()
    for href in re.findall(r'href="([^"]+)"', response.content.decode()):
        target = urljoin(url, unescape(href)).split("#")[0]
        if target:
            found.add(target)
    return found


def reachable(usernames) -> set[str]:
    """Every address under THEIRS that one of their people reaches by following links from
    their partnership's home page and its Plan administration, and that answers them 200."""
    seen = set()
    for username in usernames:
        client = client_for(username)
        queue = [THEIRS + "/", THEIRS + "/admin/"]
        visited = set()
        of_kind = {}
        while queue:
            url = queue.pop(0)
            kind = view_of(url)
            if url in visited or kind is None or of_kind.get(kind, 0) >= EACH_KIND:
                continue
            visited.add(url)
            of_kind[kind] = of_kind.get(kind, 0) + 1
            response = client.get(url)
            assert response.status_code < 500, f"{url} as {username}: {response.status_code}"
            if response.status_code != 200:
                continue
            seen.add(url)
            for target in links(response, url):
                if target.startswith(THEIRS + "/") and not SKIPPED.search(target):
                    queue.append(target)
    return seen


def view_of(url) -> str | None:
    """The URL pattern an address of theirs is (its view's name), None for none."""
    try:
        match = resolve(urlsplit(url).path.removeprefix(THEIRS))
    except Resolver404:
        return None
    return match.view_name + ("?" if urlsplit(url).query else "")


def is_open(url) -> bool:
    """Pages anyone may open, signed in or not: the public pages, the logo, signing in."""
    try:
        match = resolve(urlsplit(url).path.removeprefix(THEIRS))
    except Resolver404:
        return False
    return (match.url_name in OPEN_VIEWS and not match.namespace) or bool(
        set(match.namespaces) & OPEN_NAMESPACES
    )


ADMIN_RECORD = re.compile(r"^/admin/(?P<app>\w+)/(?P<model>\w+)/(?P<pk>\d+)/")


def shared_record(path) -> bool:
    """Whether an admin page of theirs is about a record we share: an organisation that is a
    partner of both (the Met), a person of both (the inspector). Ours as much as theirs."""
    found = ADMIN_RECORD.match(path)
    if not found:
        return False
    model = apps.get_model(found["app"], found["model"])
    with acting_in(Partnership.objects.get(slug="lewisham")):
        return model._default_manager.filter(pk=found["pk"]).exists() or (
            model is get_user_model()
            and Partnership.objects.filter(slug="lewisham", memberships__user=found["pk"]).exists()
        )


@pytest.fixture
def their_addresses(whole_demo):
    addresses = reachable(THEIR_PEOPLE)
    # The crawl reached each kind of page: plans, quarters, downloads, actions, indicators,
    # comments, admin's change pages.
    for part in [
        "/plans/safer-eastmere-plan-17-18/",
        "/quarters/",
        "/pack.pdf",
        "/actions.xlsx",
        "/actions/mine/",
        "/indicators/",
        "/admin/actions/action/",
        "/change/",
    ]:
        assert any(part in url for url in addresses), part
    return addresses


def test_each_of_our_people_gets_404_at_every_one_of_their_addresses(their_addresses):
    """One crawl (it is the slow part), then every one of our people at every address."""
    for username in OUR_PEOPLE:
        client = client_for(username)
        responses = {url: client.get(url) for url in sorted(their_addresses)}
        answered = {url: response.status_code for url, response in responses.items()}

        open_pages = {url for url in answered if is_open(url)}
        not_404 = {u: code for u, code in answered.items() if u not in open_pages and code != 404}
        assert not_404 == {}, username
        # The page does not even say whose it would have been.
        named = [u for u in answered if u not in open_pages and b"Eastmere" in responses[u].content]
        assert named == [], username
        assert len(answered) - len(open_pages) > 100
    their_records_are_not_at_our_addresses(their_addresses)


def their_records_are_not_at_our_addresses(their_addresses):
    """The same record asked for under our partnership's address: not there (admin, whose
    answer to a record that is not there is to send you to its index, says so that way)."""
    client = client_for("admin")
    leaked = {}
    for url in sorted(their_addresses):
        path = urlsplit(url).path
        try:
            match = resolve(path.removeprefix(THEIRS))
        except Resolver404:
            continue
        if set(match.kwargs) <= {"app_label"} or is_open(url) or SHARED.search(url):
            continue
        ours = OURS + url.removeprefix(THEIRS)
        if shared_record(path.removeprefix(THEIRS)):
            continue
        response = client.get(ours)
        admin_missing = "admin" in match.namespaces and response.status_code == 302
        if response.status_code != 404 and not admin_missing:
            leaked[ours] = response.status_code
    assert leaked == {}
