"""The read cache in front of Django: stored public responses served without entering Django.

Inside Django a cached read still costs 2-4 ms of CPU (sixteen middlewares, a thread hop, the
view's lookup); on 2 cores that caps a mostly-cached load near 200 requests/s. This ASGI layer
answers a stored response on the event loop instead: one PostgreSQL round trip for the data
version, run at the same time as one Redis round trip for the entry, the bump counter and the
client's rate-limit counter.

It keeps every rule of `common.caching`:
- Only GET requests without an `Authorization` header, a session or a messages cookie.
- Only responses of views that declare themselves public (`cached_page` / `cached_api` mark
  them `X-Cache: miss`): status 200, not streamed, no `Set-Cookie`, not `private`/`no-store`.
  The stored response is the final one, with every header the middlewares added.
- Fresh on the first request after a change: an entry is served only when the database's
  version marks (read on every request) and the bump counter both equal those it was stored
  with.
- Rate limits still apply: API hits are counted with `ClientRateThrottle`'s counter; a client
  over its limit goes through to Django, which answers 429.
- Each hit gets its own request id (the caller's when plain), echoed and written to the access
  log like any other request, and is counted in the `kgdb_edge_cache` metric.
Any failure (Redis or PostgreSQL unreachable) hands the request to Django and pauses the edge
for a few seconds; Django's own cache and fail-open throttles take it from there.

Active with PostgreSQL and Redis (production); with SQLite or a local-memory cache the
view-level cache in `common.caching` serves hits instead. `EDGE_CACHE = False` turns it
off.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import pickle
import time
from collections.abc import Awaitable, Callable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl

import prometheus_client
from django.conf import settings
from django.core.cache import cache

from common import caching, throttling
from common.middleware import REQUEST_ID_HEADER, accepted_request_id, log_access

logger = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]

ENTRY_PREFIX = "kg:edge:"
MAX_STORED_BYTES = 4 * 1024 * 1024
FAILURE_PAUSE_SECONDS = 5.0
# Request headers a stored response may depend on, beyond host, path and query.
VARY_HEADERS = (b"host", b"hx-request", b"accept", b"x-forwarded-proto", b"x-forwarded-host")
STORED_HEADER_SKIP = {b"x-request-id", b"x-cache", b"content-length", b"date", b"server"}
# libpq connection keywords that may sit in Django's OPTIONS (the rest are Django's own).
LIBPQ_OPTIONS = {"sslmode", "sslrootcert", "sslcert", "sslkey", "connect_timeout", "options"}

EDGE_REQUESTS = prometheus_client.Counter(
    "kgdb_edge_cache",
    "Public reads seen by the edge cache, by outcome (hit, miss, bypass, throttled, error)",
    ["outcome"],
)
EDGE_HIT_SECONDS = prometheus_client.Histogram(
    "kgdb_edge_cache_hit_seconds",
    "Time to answer a request from the edge cache",
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25),
)


def edge_enabled() -> bool:
    """PostgreSQL, a Redis cache, caching on, and not switched off in settings."""
    if not settings.EDGE_CACHE or caching.cache_seconds() <= 0:
        return False
    database = settings.DATABASES["default"]["ENGINE"]
    backend = settings.CACHES["default"]["BACKEND"]
    return database.endswith("postgresql") and backend == "django_redis.cache.RedisCache"


class EdgeReadCache:
    """ASGI middleware: stored public responses for anonymous GETs, everything else to `app`.

    Put in front only where `edge_enabled()` (see `edge_wrapped`)."""

    def __init__(self, app: Callable[..., Awaitable[None]]) -> None:
        self.app = app
        self._database: Any = None
        self._database_lock: asyncio.Lock | None = None
        self._redis: Any = None
        self._paused_until = 0.0

    async def __call__(self, scope: Scope, receive: Any, send: Send) -> None:
        if not self._applies(scope):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request = _EdgeRequest(scope)
        try:
            marks, (counter, entry, count) = await asyncio.gather(
                self._version_marks(), self._lookup(request)
            )
        except Exception:
            logger.warning("edge cache unavailable; passing reads to Django", exc_info=True)
            EDGE_REQUESTS.labels("error").inc()
            self._paused_until = time.monotonic() + FAILURE_PAUSE_SECONDS
            await self._reset_connections()
            await self.app(scope, receive, send)
            return
        if request.limit is not None and count > request.limit:
            EDGE_REQUESTS.labels("throttled").inc()
            await self.app(scope, receive, send)
            return
        if entry is not None and entry[0] == marks and entry[1] == counter:
            EDGE_REQUESTS.labels("hit").inc()
            await self._replay(request, entry, send)
            EDGE_HIT_SECONDS.observe(time.perf_counter() - started)
            return
        EDGE_REQUESTS.labels("miss").inc()
        # Counted here: Django's throttle must not count this request a second time.
        inner_scope = {
            **scope,
            caching.EDGE_SCOPE_MARK: True,
            throttling.COUNTED_SCOPE_MARK: request.limit is not None,
        }

        async def store(capture: _Capture) -> None:
            await self._store(request, (marks, counter, *capture.entry()))

        await self.app(inner_scope, receive, _Capture(send, store).send)

    def _applies(self, scope: Scope) -> bool:
        if scope["type"] != "http" or scope["method"] != "GET":
            return False
        if time.monotonic() < self._paused_until:
            return False
        headers = dict(scope.get("headers", ()))
        if b"authorization" in headers:
            EDGE_REQUESTS.labels("bypass").inc()
            return False
        cookie = headers.get(b"cookie")
        if cookie:
            names = SimpleCookie(cookie.decode("latin-1")).keys()
            if settings.SESSION_COOKIE_NAME in names or "messages" in names:
                EDGE_REQUESTS.labels("bypass").inc()
                return False
        return True

    async def _version_marks(self) -> str:
        """The database's half of the data version, exactly as `caching.data_version_marks`."""
        if self._database_lock is None:
            self._database_lock = asyncio.Lock()
        async with self._database_lock:
            if self._database is None or self._database.closed:
                import psycopg

                self._database = await psycopg.AsyncConnection.connect(
                    **_connection_params(), autocommit=True
                )
            cursor = await self._database.execute(caching.version_sql(), prepare=True)
            marks = await cursor.fetchone()
        return caching.marks_digest(marks)

    async def _lookup(self, request: _EdgeRequest) -> tuple[int, tuple | None, int]:
        """The bump counter, the stored entry and, for API reads, the client's request count."""
        redis = self._redis_client()
        pipeline = redis.pipeline(transaction=False)
        pipeline.mget([cache.make_key(caching.COUNTER_KEY), request.entry_key])
        if request.limit is not None:
            pipeline.incr(request.throttle_key)
            pipeline.expire(request.throttle_key, request.period + 1)
        results = await pipeline.execute()
        raw_counter, raw_entry = results[0]
        if raw_counter is None:
            # A lost counter must not revive entries stored under an older value of it.
            await redis.set(cache.make_key(caching.COUNTER_KEY), time.time_ns(), nx=True)
            raw_counter = await redis.get(cache.make_key(caching.COUNTER_KEY))
        entry = pickle.loads(raw_entry) if raw_entry is not None else None
        count = int(results[1]) if request.limit is not None else 0
        return int(raw_counter), entry, count

    async def _store(self, request: _EdgeRequest, entry: tuple) -> None:
        try:
            await self._redis_client().set(
                request.entry_key, pickle.dumps(entry), ex=caching.cache_seconds()
            )
        except Exception:
            logger.warning("edge cache could not store a response", exc_info=True)

    async def _replay(self, request: _EdgeRequest, entry: tuple, send: Send) -> None:
        _, _, status, headers, body = entry
        request_id = accepted_request_id(request.header(b"x-request-id"))
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    *headers,
                    (b"content-length", str(len(body)).encode()),
                    (REQUEST_ID_HEADER.encode(), request_id.encode()),
                    (caching.CACHE_HEADER.encode(), b"hit"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
        full_path = f"{request.path}?{request.query}" if request.query else request.path
        log_access(
            request_id, "GET", request.path, full_path, status, request.started, view="edge-cache"
        )

    def _redis_client(self) -> Any:
        if self._redis is None:
            import redis.asyncio

            options = settings.CACHES["default"].get("OPTIONS", {})
            self._redis = redis.asyncio.Redis.from_url(
                settings.CACHES["default"]["LOCATION"],
                socket_connect_timeout=options.get("SOCKET_CONNECT_TIMEOUT", 2),
                socket_timeout=options.get("SOCKET_TIMEOUT", 2),
            )
        return self._redis

    async def _reset_connections(self) -> None:
        """Drop both connections after a failure; the next request opens new ones."""
        database, self._database = self._database, None
        redis, self._redis = self._redis, None
        with contextlib.suppress(Exception):
            if database is not None:
                await database.close()
        with contextlib.suppress(Exception):
            if redis is not None:
                await redis.aclose()


class _EdgeRequest:
    """What the edge reads off an ASGI scope: the entry key and the rate-limit counter."""

    def __init__(self, scope: Scope) -> None:
        self.started = time.perf_counter()
        self.scope = scope
        self.headers: dict[bytes, bytes] = {}
        for name, value in scope.get("headers", ()):
            self.headers.setdefault(name.lower(), value)
        self.path: str = scope["path"]
        self.query: str = scope.get("query_string", b"").decode("latin-1")
        pairs = sorted(parse_qsl(self.query, keep_blank_values=True), key=lambda pair: pair[0])
        parts = [scope.get("scheme", "http"), self.path, repr(pairs)]
        parts += [self.header(name) for name in VARY_HEADERS]
        digest = hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()
        self.entry_key = cache.make_key(ENTRY_PREFIX + digest)
        self.limit: int | None = None
        self.period = 0
        rate = throttling.rate_for("anon") if self.path.startswith("/api/") else None
        if rate is not None:
            self.limit, self.period = rate
            client = scope.get("client") or ("", 0)
            forwarded = self.headers.get(b"x-forwarded-for")
            ident = throttling.client_ident(
                client[0], forwarded.decode("latin-1") if forwarded is not None else None
            )
            key = throttling.window_key("anon", ident, self.period, time.time())
            self.throttle_key = cache.make_key(key)

    def header(self, name: bytes) -> str:
        return self.headers.get(name, b"").decode("latin-1")


class _Capture:
    """Passes Django's response through to the client and keeps a copy when it may be stored.

    A storable response is stored before its last part goes out, so once a client has read a
    response, the next identical request finds it.
    """

    def __init__(
        self, send: Send, on_storable: Callable[[_Capture], Awaitable[None]] | None = None
    ) -> None:
        self._send = send
        self._on_storable = on_storable
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: list[bytes] = []
        self.size = 0
        self.complete = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", ()))
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            self.size += len(body)
            if self.size <= MAX_STORED_BYTES:
                self.chunks.append(body)
            self.complete = not message.get("more_body", False)
            if self.complete and self._on_storable is not None and self.storable():
                await self._on_storable(self)
        await self._send(message)

    def storable(self) -> bool:
        if self.status != 200 or not self.complete or self.size > MAX_STORED_BYTES:
            return False
        names = {name.lower(): value for name, value in self.headers}
        cache_control = names.get(b"cache-control", b"").lower()
        return (
            names.get(b"x-cache") == b"miss"
            and b"set-cookie" not in names
            and b"private" not in cache_control
            and b"no-store" not in cache_control
        )

    def entry(self) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        kept = [(n, v) for n, v in self.headers if n.lower() not in STORED_HEADER_SKIP]
        return self.status, kept, b"".join(self.chunks)


def _connection_params() -> dict[str, Any]:
    """psycopg keyword arguments for Django's default database."""
    database = settings.DATABASES["default"]
    params = {
        "dbname": database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }
    options = database.get("OPTIONS", {})
    params.update({key: value for key, value in options.items() if key in LIBPQ_OPTIONS})
    return {key: value for key, value in params.items() if value is not None}


def edge_wrapped(app: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """`app` behind the edge cache when it is enabled, else `app` itself."""
    return EdgeReadCache(app) if edge_enabled() else app
