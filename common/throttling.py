"""API rate limits as one counter per client per time window, failing open when the cache fails.

DRF's own throttles keep every request time of a client in one cached list and rewrite the list
on each request (at 600/minute that is 600 floats unpickled and pickled again, twice, since the
anonymous and the user throttle both count an anonymous client), and they turn every read into
a 500 when the cache is unreachable. Here each request costs one increment of a counter that
expires with its window (Redis: INCR and EXPIRE in one round trip). A fixed window lets a client
send up to twice its rate across a window boundary, the usual trade for O(1) counting.

Anonymous clients are counted per address under the `anon` rate, signed-in users per account
under the `user` rate (`REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`). The read cache in front of
Django (`common.edge_cache`) counts the requests it answers itself with the same keys.
"""

from __future__ import annotations

import math
import time
from typing import Any

from django.core.cache import cache
from django_redis import get_redis_connection
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from common.caching import cache_call

PERIOD_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
KEY_PREFIX = "kg:throttle"
# Set in the ASGI scope by the edge cache when it has already counted the request (and found
# the client within its limit).
COUNTED_SCOPE_MARK = "kg.throttle_counted"


def parse_rate(rate: str) -> tuple[int, int]:
    """`"600/minute"` → (600, 60): the number of requests and the window in seconds."""
    number, _, period = rate.partition("/")
    return int(number), PERIOD_SECONDS[period.strip()[0]]


def rate_for(scope: str) -> tuple[int, int] | None:
    """The configured limit for `anon` or `user`; None when that scope is not limited."""
    rate = SimpleRateThrottle.THROTTLE_RATES.get(scope)
    return parse_rate(rate) if rate else None


def client_ident(remote_addr: str, forwarded_for: str | None) -> str:
    """The client's address, read as DRF reads it (`NUM_PROXIES` decides whether to trust
    X-Forwarded-For), so Django and the edge cache count one client under one key."""
    num_proxies = api_settings.NUM_PROXIES
    if num_proxies is not None:
        if num_proxies == 0 or forwarded_for is None:
            return remote_addr
        addresses = forwarded_for.split(",")
        return addresses[-min(num_proxies, len(addresses))].strip()
    return "".join(forwarded_for.split()) if forwarded_for else remote_addr


def request_client_address(request: Any) -> str:
    """`client_ident` of a Django request (also django-axes' client address callable)."""
    return client_ident(
        request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR")
    )


def window_key(scope: str, ident: str, period: int, now: float) -> str:
    """The counter of `ident`'s requests in the window that contains `now`."""
    return f"{KEY_PREFIX}:{scope}:{ident}:{period}:{int(now // period)}"


def seconds_left(period: int, now: float) -> float:
    """Until the window containing `now` ends: what Retry-After tells a throttled client."""
    return period - now % period


def _increment(key: str, period: int) -> int:
    """Count one request; the counter outlives its window by a second, then expires."""
    client = _redis_client()
    if client is None:
        cache.add(key, 0, timeout=period + 1)
        return int(cache.incr(key))
    pipeline = client.pipeline(transaction=False)
    pipeline.incr(cache.make_key(key))
    pipeline.expire(cache.make_key(key), period + 1)
    count, _ = pipeline.execute()
    return int(count)


def _redis_client() -> Any | None:
    """The raw Redis client behind django-redis, or None for other cache backends."""
    try:
        return get_redis_connection("default")
    except NotImplementedError:
        return None


def client_request_count(scope: str, ident: str) -> float | None:
    """Count one request of `ident` under the `scope` rate; the seconds until its window ends
    when that is one too many, else None. (Also counts the MCP endpoint's requests.)"""
    rate = rate_for(scope)
    if rate is None:
        return None
    limit, period = rate
    now = time.time()
    key = window_key(scope, ident, period, now)
    # A rate limit must not take the API down with the cache: no counter, no limit.
    count = cache_call(lambda: _increment(key, period))
    if count is None or count <= limit:
        return None
    return seconds_left(period, now)


class ClientRateThrottle(BaseThrottle):
    """The `anon` rate per address for anonymous clients, the `user` rate per signed-in user."""

    wait_seconds: float | None = None

    def allow_request(self, request: Any, view: Any) -> bool:
        scope = getattr(request, "scope", None)
        if scope and scope.get(COUNTED_SCOPE_MARK):
            return True
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            scope, ident = "user", str(user.pk)
        else:
            scope, ident = "anon", self.get_ident(request)
        self.wait_seconds = client_request_count(scope, ident)
        return self.wait_seconds is None

    def get_ident(self, request: Any) -> str:
        return request_client_address(request)

    def wait(self) -> float | None:
        return math.ceil(self.wait_seconds) if self.wait_seconds is not None else None
