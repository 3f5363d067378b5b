"""Every state change is a POST with a CSRF token: every URL pattern of the site, found from
the URL resolver (so a new page is covered without being listed here), refuses a POST without a
token, and a GET of any page changes nothing in the database.

Django's CsrfViewMiddleware checks the token before any view runs, so a POST without one is
refused with 403 whatever the page (also a page that only answers GET, which would otherwise
say 405). URL parameters are filled from the objects of the `site` fixture (tests/conftest.py)
where test_access knows the page, otherwise from the parameter's name or converter: the page
need not exist for the check, only the pattern must match.
"""

import re

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.test_access import ADMINISTRATOR, EXPECTED, URL_KWARGS, post_data, url_of

# Recorded by the framework on every request, whatever the method: not a change of the plan.
BOOKKEEPING = {
    "sessions.session",  # the session's expiry moves on with each request (idle timeout)
    "axes.accesslog",  # django-axes' record of sign-ins
    "axes.accessattempt",
    "axes.accessfailurelog",
}
# A value for a URL parameter, by its name; otherwise by its converter (CONVERTER_VALUES).
PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>|\(\?P<(?P<regex_name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")
CONVERTER_VALUES = {"int": "1", "slug": "a-slug", "str": "a", "path": "1", "quarter": "3"}


def every_pattern(patterns=None, namespace=None, prefix=""):
    """(name or None, full route) of every URL pattern, admin's included."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace
            if inner and namespace:
                inner = f"{namespace}:{inner}"
            yield from every_pattern(
                pattern.url_patterns, inner or namespace, prefix + str(pattern.pattern)
            )
        elif isinstance(pattern, URLPattern):
            name = None
            if pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, prefix + str(pattern.pattern)


PATTERNS = sorted(set(every_pattern()), key=lambda p: (p[0] or "", p[1]))


def value_for(name, converter, site):
    by_name = {
        "slug": site.plan.slug,
        "pk": site.action.pk,
        "object_id": site.action.pk,
        "quarter": 3,
        "app_label": "actions",
        "uidb64": site.uidb64,
        "token": site.token,
    }
    if name in by_name:
        return by_name[name]
    return CONVERTER_VALUES.get(converter or "str", "1")


def url_for(name, route, site):
    """A URL that the pattern matches."""
    params = [(m["name"] or m["regex_name"], m["converter"]) for m in PARAMETER.finditer(route)]
    if name is None:
        if "(?P<" in route:
            # A regular expression: admin's catch-all, admin/(?P<url>.*)$, which answers the
            # addresses below admin/ that no other pattern matches.
            url = "/" + REGEX_GROUP.sub("no-such-page/", route).strip("^$")
            assert resolve(url).route == route, f"{url} is not an address of {route}"
            return url
        return "/" + PARAMETER.sub(lambda m: str(value_for(m["name"], m["converter"], site)), route)
    if name.startswith("oversight:"):  # above the partnerships: as the access table has it
        return url_of(name, site)
    if name in URL_KWARGS:
        return reverse(name, kwargs=URL_KWARGS[name](site))
    kwargs = {param: value_for(param, converter, site) for param, converter in params}
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        pass
    # A regular expression with unnamed groups (django-simple-history's admin pages).
    for count in range(1, 4):
        try:
            return reverse(name, args=[site.action.pk] * count)
        except NoReverseMatch:
            continue
    raise AssertionError(f"Cannot make a URL for {name} ({route}): add it to URL_KWARGS")


def database():
    """Every row of every table, many-to-many tables included, as the database holds it, apart
    from the framework's bookkeeping (BOOKKEEPING). (Read with plain SQL: it is read twice for
    each of several hundred pages.)"""
    quote = connection.ops.quote_name
    rows = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.proxy or model._meta.label_lower in BOOKKEEPING:
                continue
            table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")  # noqa: S608 (the models' names)
            rows[model._meta.label_lower] = cursor.fetchall()
    return rows


def test_the_walk_finds_every_kind_of_page():
    names = {name for name, _ in PATTERNS}

    assert {"actions:update", "login", "logout", "password_reset", "admin:index"} <= names
    assert "admin:actions_action_delete" in names
    assert len(PATTERNS) > 50


# As an administrator (who may change the most) on every page; signed out on the pages outside
# admin (signing in and the password reset are the ones that matter there).
CASES = [
    pytest.param(name, route, role, id=f"{name or route}-{role}")
    for name, route in PATTERNS
    for role in ("administrator", "anonymous")
    if role == "administrator" or not (name or route).startswith(("admin:", "admin/"))
]


@pytest.mark.parametrize(("name", "route", "role"), CASES)
def test_a_post_without_a_csrf_token_is_refused_and_changes_nothing(site, name, route, role):
    url = url_for(name, route, site)
    client = Client(enforce_csrf_checks=True)
    if role == "administrator":
        client.force_login(site.users["administrator"])
    before = database()

    # What a browser would post to the page (a valid form where test_access knows one).
    response = client.post(url, post_data(name or route, site))

    assert response.status_code == 403, f"POST {url} answered {response.status_code}"
    assert "Your form could not be sent" in response.content.decode()
    assert database() == before


@pytest.mark.parametrize(
    ("name", "route"),
    [p for p in PATTERNS if p[0] and not p[0].startswith("admin:")],
    ids=[n for n, _ in PATTERNS if n and not n.startswith("admin:")],
)
def test_a_get_changes_nothing(site, name, route):
    url = url_for(name, route, site)
    client = Client()
    client.force_login(site.users["administrator"])
    before = database()

    response = client.get(url)

    # What the administrator is shown: the page, or the refusal or redirect test_access expects.
    expected = EXPECTED[name][ADMINISTRATOR][0]
    assert response.status_code == expected, f"GET {url} answered {response.status_code}"
    assert database() == before


def test_the_same_post_with_its_token_goes_through(site):
    """The refusals above are the missing token's doing: with it, the update is saved."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(site.users["officer"])
    url = reverse("actions:update", args=[site.action.pk])
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"', client.get(url).content.decode()
    ).group(1)

    response = client.post(url, {**post_data("actions:update", site), "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert site.action.progress_updates.count() == 1
