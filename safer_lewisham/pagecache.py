"""The page cache: a partnership's busiest pages, once drawn for a person, are kept until the
data changes, and a browser that already has the page is told so (304) without drawing it.

A page is kept under a key of everything it is drawn from:

- the page's address with its query (filters), the person, the partnership, and whether the
  person reads it as an oversight body;
- the data's versions (``changes.py``): the partnership's and the installation's, which move on
  every write a page could show, committed or not;
- the day (London time): which actions are late and which quarter is reported move with it.

So a kept page is what drawing it again would give, except for what is made per request: the
forms' CSRF token (put back fresh into every form of a kept page) and the messages shown once
after an action ("Progress saved"): a request with a message waiting is drawn, not served from
the cache.

Only the pages named in ``settings.CACHED_PAGES`` are kept, only for GET and HEAD, only for a
signed-in person on a partnership's page, and only a 200 answer. The access checks run first
(this middleware's ``process_view`` comes after the partnership's and the sign-in's), so a
kept page is only ever served to the person it was drawn for, after they were let in again.

Conditional GET: every kept page carries a weak ``ETag`` made from its key and the person's
CSRF cookie, and ``Cache-Control: private, no-cache``: the browser asks again each time with
``If-None-Match`` and gets a bodyless 304 while nothing has changed.

``PAGE_CACHE`` turns it on; by default it is on where the cache is shared by every process
(``REDIS_URL``) or there is one process (``DEBUG``, ``make run``). With several processes and
each its own memory, one process would not see another's writes, so it is off.
"""

import hashlib
import re
import zlib

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags

from . import changes

_CSRF_VALUE = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Content-Disposition")
_MESSAGES = "_messages"
# Kept pages expire anyway after this long: pages nobody asks for again leave the cache, and a
# version that could not be moved (the cache out of reach for a moment during a save) leaves a
# kept page out of date for this long at most, or until the next change.
TIMEOUT = 15 * 60


def _cacheable_request(request) -> bool:
    if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD"):
        return False
    match = request.resolver_match
    if match is None or match.view_name not in settings.CACHED_PAGES:
        return False
    if getattr(request, "partnership", None) is None or not request.user.is_authenticated:
        return False
    # A message waiting to be shown once ("Progress saved") belongs to this drawing only.
    return not request.session.get(_MESSAGES)


def page_key(request) -> str | None:
    """The key of the page as drawn for this request, or None if it cannot be kept."""
    versions = changes.versions(request.partnership.pk)
    if versions is None:
        return None
    parts = (
        request.resolver_match.view_name,
        request.get_full_path(),
        request.user.pk,
        request.partnership.pk,
        bool(getattr(request, "reads_as_oversight", False)),
        getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE),
        timezone.localdate().isoformat(),
        *versions,
    )
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"page:{digest}"


def _etag(key: str, request) -> str:
    """The page's entity tag: its key, and the CSRF secret its forms' tokens were made from (it
    changes when the person signs in again, and with it the tokens a browser's copy holds)."""
    secret = request.META.get("CSRF_COOKIE") or request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    digest = hashlib.sha256(f"{key}|{secret}".encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def _private(response, key: str, request):
    response["ETag"] = _etag(key, request)
    patch_cache_control(response, private=True, no_cache=True)
    return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        changes.watch_open_connections()

    def __call__(self, request):
        response = self.get_response(request)
        key = getattr(request, "_page_cache", None)
        if key is not None and self._keepable(response):
            self._keep(key, response)
            _private(response, key, request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not _cacheable_request(request):
            return None
        key = page_key(request)
        if key is None:
            return None
        store = changes.cache()
        try:
            kept = store.get(key)
        except Exception:  # noqa: BLE001 (the cache out of reach: draw the page)
            kept = None
        if kept is None:
            request._page_cache = key
            return None
        if _etag(key, request) in parse_etags(request.headers.get("If-None-Match", "")):
            return _private(HttpResponseNotModified(), key, request)
        return _private(self._served(kept, request), key, request)

    @staticmethod
    def _keepable(response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and "no-store" not in response.get("Cache-Control", "")
        )

    @staticmethod
    def _keep(key, response):
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        headers = {name: response[name] for name in _KEPT_HEADERS if response.has_header(name)}
        try:
            changes.cache().set(key, (headers, zlib.compress(response.content, 1)), TIMEOUT)
        except Exception:  # noqa: BLE001 (not kept: drawn again next time)
            changes.logger.warning("A page could not be kept: the cache is out of reach.")

    @staticmethod
    def _served(kept, request) -> HttpResponse:
        headers, compressed = kept
        content = zlib.decompress(compressed)
        if b"csrfmiddlewaretoken" in content:
            token = get_token(request).encode()
            content = _CSRF_VALUE.sub(lambda m: m.group(1) + token + m.group(2), content)
        response = HttpResponse(content)
        for name, value in headers.items():
            response[name] = value
        return response
