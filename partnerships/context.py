"""The partnership a piece of work is done in: which rows its queries see (``scoping``), which
role its person has (``backends``) and where its links point (the ``/p/<slug>/`` prefix that
``reverse()`` and ``{% url %}`` put before every address).

The middleware enters ``acting_in(partnership)`` for a page of a partnership and ``nowhere()``
for the site's root pages; a management command enters ``acting_in`` for the partnership it
works on; an oversight body's pages enter ``across(partnerships)``.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.urls import get_script_prefix, set_script_prefix
from django_scopes import scope, scopes_disabled

from .scoping import DIMENSION, OVERSIGHT

_acting = ContextVar("acting_partnership", default=None)
# The prefix of the site's root ("/" unless it is served under a path of its own), kept while a
# partnership's prefix is in force so that another partnership's links can be made from there.
_root_prefix = ContextVar("root_script_prefix", default=None)


def current_partnership():
    """The partnership whose page is being made, or None (a root page, an oversight page)."""
    return _acting.get()


def root_prefix() -> str:
    return _root_prefix.get() or get_script_prefix()


@contextmanager
def acting_in(partnership, *, oversight=False):
    """Do the work of one partnership: its rows only, its people's roles, its addresses.
    ``oversight``: an oversight body's person reads it, and sees only what such a body may
    (partnerships.scoping)."""
    with roles_and_addresses_of(partnership, partnership.prefix):
        with scope(**{DIMENSION: [partnership.pk], OVERSIGHT: oversight}):
            yield partnership


@contextmanager
def roles_and_addresses_of(partnership, prefix: str):
    """The people's roles in the partnership and its addresses (``prefix``, "/p/<slug>/"),
    without limiting queries to its rows: ``acting_in`` does both. The tests use it alone, to
    work in their partnership while reading every row."""
    root = root_prefix()
    previous_prefix = get_script_prefix()
    acting_token = _acting.set(partnership)
    root_token = _root_prefix.set(root)
    set_script_prefix(root + prefix.lstrip("/"))
    try:
        yield partnership
    finally:
        set_script_prefix(previous_prefix)
        _root_prefix.reset(root_token)
        _acting.reset(acting_token)


@contextmanager
def across(partnerships, *, oversight=False):
    """Read several partnerships' rows at once (an oversight body's comparison): no role, no
    partnership's addresses. ``oversight``: as an oversight body reads them."""
    ids = [p.pk for p in partnerships]
    acting_token = _acting.set(None)
    try:
        with scope(**{DIMENSION: ids, OVERSIGHT: oversight}):
            yield
    finally:
        _acting.reset(acting_token)


@contextmanager
def nowhere():
    """The site's root pages: no partnership's rows at all."""
    with across([]):
        yield


@contextmanager
def everywhere():
    """Every partnership's rows: a site administrator's whole-site admin, migrations' and
    management commands' own bookkeeping. Never for a page a partnership's people see."""
    acting_token = _acting.set(None)
    try:
        with scopes_disabled():
            yield
    finally:
        _acting.reset(acting_token)


def partnership_url(partnership, viewname, *args, **kwargs) -> str:
    """``reverse()`` for a page of a given partnership, from anywhere (an oversight page, an
    e-mail, a redirect from an old address)."""
    from django.urls import reverse

    with acting_in(partnership):
        return reverse(viewname, args=args or None, kwargs=kwargs or None)


def current_partnership_id():
    """The id of the partnership in force, or None: the default of every record's partnership,
    so that a record made on a partnership's page (a form, admin) belongs to it."""
    partnership = _acting.get()
    return partnership.pk if partnership is not None else None
