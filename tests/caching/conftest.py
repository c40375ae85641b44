"""Caching tests run outside a test transaction: responses built inside one are never cached."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _empty_cache(empty_cache):
    """Every test starts with an empty cache and caching not paused by an earlier failure."""
