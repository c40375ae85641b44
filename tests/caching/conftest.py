"""Caching tests run outside a test transaction: responses built inside one are never cached."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from common import caching


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache and caching not paused by an earlier failure."""
    caching._state["paused_until"] = 0.0
    cache.clear()
    yield
    cache.clear()
    caching._state["paused_until"] = 0.0
