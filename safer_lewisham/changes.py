"""The data's versions: a number per partnership, and one for the whole installation, that
changes whenever anything a page could show is written. The page cache (``pagecache.py``) keys
a drawn page by them, so that a page is drawn again after any change and never before.

How a change is seen: every SQL statement Django runs goes through ``_watch`` (a database
connection's execute wrapper, installed on each new connection). An ``INSERT``, ``UPDATE`` or
``DELETE`` of a table a page may show moves a version on:

- a table of a partnership's own rows (its model's manager is a ``partnership_manager``, its
  audit trail included) moves that partnership's version, when a partnership is in force (a page
  or a job of that partnership);
- anything else (a table shared by partnerships, such as agencies, people and the partnerships
  themselves, or any write done with no partnership in force: the site's admin, a management
  command) moves the installation's version, which every page's key holds too.

Watching the statements rather than the models' ``save`` catches what signals miss:
``bulk_create``, ``QuerySet.update``, ``delete`` of many rows, raw SQL. Writes that no cached page
shows (sessions, the sign-in lock-out's records, job results, ``last_login``) move nothing, or
every sign-in would empty the cache.

When: at once (so that a later read on the same connection, inside the same transaction, is
drawn again: tests, and a request that writes then reads), and again when the transaction
commits. The second move is what other servers rely on: between the first move and the commit
another connection can still read the old rows, and may keep a page drawn from them under the
moved version; the commit's move leaves that key behind.

The versions live in the cache, shared by every server where ``REDIS_URL`` names one. A version
starts at the time in nanoseconds when its key is missing (first use, or evicted), never at 1,
so that a number is not used twice for different data.
"""

import logging
import re
import time
from functools import cache as memoise

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed
from django.db import connections
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from partnerships.context import current_partnership

logger = logging.getLogger("safer_lewisham.cache")

ALL = "all"
_KEY = "data-version:{}"
_WRITE = re.compile(
    r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?([A-Za-z0-9_]+)"?',
    re.IGNORECASE,
)
# Writes no cached page shows. A table named here never moves a version; a prefix ends in "*".
IGNORED_TABLES = (
    "django_session",
    "axes_*",
    "django_celery_results_*",
    "django_admin_log",
    # A file being prepared in the background (its progress is written every second or so);
    # its own status page is not kept.
    "preparedfiles_*",
)
_LAST_LOGIN = re.compile(
    r'^\s*UPDATE\s+"?auth_user"?\s+SET\s+"?last_login"?\s*=\s*\S+\s+WHERE', re.I
)


def cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _key(owner) -> str:
    return _KEY.format(owner)


@memoise
def _tables() -> dict[str, str]:
    """Each table's kind: "partnership" for a partnership's own rows, "shared" otherwise."""
    kinds = {}
    for model in apps.get_models(include_auto_created=True):
        # An audit trail's table is its model's; a many-to-many table, the model that has it.
        original = getattr(model, "instance_type", None) or model._meta.auto_created or model
        manager = getattr(original, "_default_manager", None)
        own = getattr(manager, "partnership_path", None) is not None and not getattr(
            manager, "shared", False
        )
        kinds[model._meta.db_table] = "partnership" if own else "shared"
    return kinds


def _ignored(table: str) -> bool:
    extra = tuple(getattr(settings, "PAGE_CACHE_IGNORED_TABLES", ()))
    for name in IGNORED_TABLES + extra:
        if name.endswith("*") and table.startswith(name[:-1]) or table == name:
            return True
    return False


def owner_of_write(sql: str) -> str | None:
    """Whose version a statement moves: a partnership's id, ``ALL``, or None (not a write, or
    a write no page shows)."""
    match = _WRITE.match(sql)
    if match is None:
        return None
    table = match.group(1)
    if _ignored(table) or _LAST_LOGIN.match(sql):
        return None
    partnership = current_partnership()
    if partnership is not None and _tables().get(table) == "partnership":
        return str(partnership.pk)
    return ALL


def move(owner: str) -> None:
    """Move a version on. Never fails a write: a cache out of reach leaves versions alone (the
    page cache then finds no version either, and draws pages afresh)."""
    store = cache()
    key = _key(owner)
    try:
        try:
            store.incr(key)
        except ValueError:  # missing: start it where no earlier number can be
            if not store.add(key, time.time_ns(), timeout=None):
                store.incr(key)
    except Exception:  # noqa: BLE001 (a cache that does not answer must not fail a save)
        logger.warning("The data's version %s could not be moved: the cache is out of reach.", key)


def versions(partnership_id) -> tuple | None:
    """The versions a page of the partnership depends on: (its own, the installation's); None
    if the cache cannot say (then nothing may be served from it)."""
    store = cache()
    keys = [_key(partnership_id), _key(ALL)]
    try:
        found = store.get_many(keys)
        for key in keys:
            if key not in found:
                store.add(key, time.time_ns(), timeout=None)
        found = store.get_many(keys)
    except Exception:  # noqa: BLE001
        return None
    if len(found) != len(keys):
        return None
    return tuple(found[key] for key in keys)


class _OnCommit:
    """The move at commit of one owner's version, registered once per transaction."""

    def __init__(self, owner):
        self.owner = owner

    def __call__(self):
        move(self.owner)

    def __eq__(self, other):
        return isinstance(other, _OnCommit) and other.owner == self.owner

    def __hash__(self):
        return hash(self.owner)


def _watch(execute, sql, params, many, context):
    owner = owner_of_write(sql) if settings.PAGE_CACHE else None
    result = execute(sql, params, many, context)
    if owner is not None:
        move(owner)
        connection = context["connection"]
        if connection.in_atomic_block:
            pending = _OnCommit(owner)
            if not any(entry[1] == pending for entry in connection.run_on_commit):
                connection.on_commit(pending)
    return result


@receiver(connection_created)
def watch_writes(sender, connection, **kwargs):
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def watch_open_connections():
    """For connections opened before this module was imported (the signal was not heard)."""
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None and _watch not in connection.execute_wrappers:
            connection.execute_wrappers.append(_watch)


@receiver(setting_changed)
def settings_changed(**kwargs):
    """A setting changed (tests' ``override_settings``) may change any page: draw them again."""
    _tables.cache_clear()
    if kwargs.get("setting") not in {"PAGE_CACHE", "PAGE_CACHE_ALIAS"}:
        move(ALL)
