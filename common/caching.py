"""Server-side cache of the public reads, keyed by the full request and the data version.

A cached response is stored under `kg:read:<database marks>:<request digest>`. The request digest
covers the scheme, host, path, the query string (parameters sorted by name, repeated values kept
in order) and the headers a response varies on (`HX-Request`, `Accept`). The data version is
read from the database on every request — one query of indexed `MAX()`es over the tables whose
latest row marks new public data (score recomputes, source runs, curator decisions, releases,
annotation runs, HGNC loads) — plus a counter kept in the cache that `data_version_bump()`
raises (fetched with the entry in one round trip and compared with the one stored in it).
So the first request after a run, decision or release commits builds a fresh response,
whichever process committed it, and stale entries simply age out.

Never cached: anything but a 200, streamed responses (exports), responses that set cookies,
requests that carry credentials (an `Authorization` header, a session or messages cookie), and
responses computed inside an open transaction (they may show writes that roll back). When the
cache fails (Redis down) reads go straight to the views; a failure pauses caching for a few
seconds so a dead Redis costs one refused connection, not one per request.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase

logger = logging.getLogger(__name__)

KEY_PREFIX = "kg:read:"
COUNTER_KEY = "kg:data-version"
FAILURE_PAUSE_SECONDS = 5.0
VARY_HEADERS = ("HTTP_HX_REQUEST", "HTTP_ACCEPT")
STORED_HEADER_SKIP = {"set-cookie", "x-cache", "content-length"}
CACHE_HEADER = "X-Cache"
# Set in the ASGI scope by `common.edge_cache` when it will store the response itself.
EDGE_SCOPE_MARK = "kg.edge"
# (model label, column): the newest value of each marks a change to public data. Each app adds
# its own tables in its AppConfig.ready() through `register_version_marks`.
VERSION_MARKS: list[tuple[str, str]] = []

_state: dict[str, Any] = {"sql": None, "paused_until": 0.0}


def register_version_marks(*marks: tuple[str, str]) -> None:
    """Add `(model label, column)` pairs whose newest value marks new public data; an app calls
    this from its AppConfig.ready() so this module never imports an app."""
    for mark in marks:
        if mark not in VERSION_MARKS:
            VERSION_MARKS.append(mark)
    _state["sql"] = None


def cache_seconds() -> int:
    """How long an entry lives; `READ_CACHE_SECONDS = 0` in settings turns caching off."""
    return int(settings.READ_CACHE_SECONDS)


def version_sql() -> str:
    """One query of the newest mark of each table (see VERSION_MARKS)."""
    if _state["sql"] is None:
        quote = connection.ops.quote_name
        parts = []
        for label, column in VERSION_MARKS:
            try:
                model = apps.get_model(label)
            except LookupError:
                continue
            db_column = model._meta.get_field(column).column
            parts.append(f"(SELECT MAX({quote(db_column)}) FROM {quote(model._meta.db_table)})")
        _state["sql"] = "SELECT " + ", ".join(parts)
    return _state["sql"]


def cache_call(operation: Callable[[], Any], default: Any = None) -> Any:
    """Run one cache operation; on failure log it, pause cache use briefly, return `default`
    (so a dead Redis costs one refused connection every few seconds, not one per request)."""
    if time.monotonic() < _state["paused_until"]:
        return default
    try:
        return operation()
    except Exception:
        logger.warning("read cache unavailable; serving uncached", exc_info=True)
        _state["paused_until"] = time.monotonic() + FAILURE_PAUSE_SECONDS
        return default


def data_version_bump() -> None:
    """Mark public data as changed for changes no version mark sees (call on commit)."""

    def bump() -> None:
        try:
            cache.incr(COUNTER_KEY)
        except ValueError:
            cache.set(COUNTER_KEY, time.time_ns(), timeout=None)

    cache_call(bump)


def data_version_marks() -> str:
    """The database's part of the data version: a digest of the newest mark of each table."""
    with connection.cursor() as cursor:
        cursor.execute(version_sql())
        marks = cursor.fetchone()
    return marks_digest(marks)


def marks_digest(marks: tuple[Any, ...]) -> str:
    """The version marks as a short key part; equal marks give equal digests in every process."""
    text = "|".join(str(mark) for mark in marks)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def _request_cacheable(request: Any) -> bool:
    if request.method != "GET" or cache_seconds() <= 0:
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return not connection.in_atomic_block


def request_key(request: Any, version: str) -> str:
    """The entry's key: data version plus a digest of everything the response depends on."""
    pairs = sorted(
        parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True),
        key=lambda pair: pair[0],
    )
    headers = [request.META.get(name, "") for name in VARY_HEADERS]
    host = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
    parts = [request.scheme, host, request.path, repr(pairs), repr(headers)]
    digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
    return f"{KEY_PREFIX}{version}:{digest}"


def _response_storable(response: HttpResponseBase) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


def _store(key: str, counter: int, response: HttpResponse) -> None:
    if not _response_storable(response):
        return
    headers = [
        (name, value) for name, value in response.items() if name.lower() not in STORED_HEADER_SKIP
    ]
    entry = (counter, response.status_code, headers, response.content)
    cache_call(lambda: cache.set(key, entry, timeout=cache_seconds()))


def _replay(entry: tuple[int, int, list[tuple[str, str]], bytes]) -> HttpResponse:
    _, status, headers, content = entry
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    response[CACHE_HEADER] = "hit"
    return response


def _cached_call(request: Any, call: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """One database query (the version marks) and one cache round trip (bump counter + entry)."""
    if not _request_cacheable(request):
        return call()
    if _edge_stores(request):
        response = call()
        if _response_storable(response) and not _csrf_token_used(request):
            response[CACHE_HEADER] = "miss"
        return response
    key = request_key(request, data_version_marks())
    found = cache_call(lambda: cache.get_many([COUNTER_KEY, key]))
    if found is None:
        return call()
    counter = found.get(COUNTER_KEY)
    if counter is None:
        # A lost counter must not revive entries stored under an older value of it.
        counter = time.time_ns()
        cache_call(lambda: cache.add(COUNTER_KEY, counter, timeout=None))
    entry = found.get(key)
    if entry is not None and entry[0] == counter:
        return _replay(entry)
    response = call()
    response[CACHE_HEADER] = "miss"
    if hasattr(response, "add_post_render_callback") and not response.is_rendered:
        response.add_post_render_callback(
            lambda rendered: None if _csrf_token_used(request) else _store(key, counter, rendered)
        )
    elif isinstance(response, HttpResponse) and not _csrf_token_used(request):
        _store(key, counter, response)
    return response


def _edge_stores(request: Any) -> bool:
    """The edge cache in front (`common.edge_cache`) looks up and stores this read;
    the view only marks a storable response `X-Cache: miss`."""
    scope = getattr(request, "scope", None)
    return bool(scope and scope.get(EDGE_SCOPE_MARK))


def _csrf_token_used(request: Any) -> bool:
    """The response embeds this client's CSRF token: it must never be served to another."""
    return bool(request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))


def cached_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Cache a public function view (see the module docstring for what is never cached)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return _cached_call(request, lambda: view(request, *args, **kwargs))

    return wrapper


def cached_api(method: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Cache a DRF handler (`get`); authentication, permissions and throttles have already run,
    so a cached answer is still throttled like any other."""

    @wraps(method)
    def wrapper(self: Any, request: Any, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return _cached_call(request, lambda: method(self, request, *args, **kwargs))

    return wrapper
