"""Tool answers in the read cache, under the same data version as the API's cached responses.

An answer is stored under `kg:mcp:<database marks>:<digest of tool and arguments>` together with
the bump counter, exactly as `common.caching` stores responses: the first call after a
source run, recompute, decision or release computes a fresh answer in whichever process, and
stale entries age out. Nothing is cached inside an open transaction (it may roll back), and a
failing cache only costs the lookup (`cache_call` pauses it briefly).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connection

from common import caching

KEY_PREFIX = "kg:mcp:"


def tool_cache_key(name: str, arguments: dict[str, Any], version: str) -> str:
    text = json.dumps([name, arguments], sort_keys=True, default=str)
    digest = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return f"{KEY_PREFIX}{version}:{digest}"


def tool_result_cached(
    name: str, arguments: dict[str, Any], compute: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """The stored answer for these arguments at the current data version, else `compute()`."""
    if caching.cache_seconds() <= 0 or connection.in_atomic_block:
        return compute()
    key = tool_cache_key(name, arguments, caching.data_version_marks())
    found = caching.cache_call(lambda: cache.get_many([caching.COUNTER_KEY, key]))
    if found is None:
        return compute()
    counter = found.get(caching.COUNTER_KEY)
    if counter is None:
        counter = time.time_ns()
        caching.cache_call(lambda: cache.add(caching.COUNTER_KEY, counter, timeout=None))
    entry = found.get(key)
    if entry is not None and entry[0] == counter:
        return entry[1]
    payload = compute()
    caching.cache_call(lambda: cache.set(key, (counter, payload), timeout=caching.cache_seconds()))
    return payload
