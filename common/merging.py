"""Merging configuration overrides into defaults, the one rule every `*_OVERRIDES` setting follows.

Dictionaries merge key by key (an override names only what it changes); lists and scalars are
replaced whole. The result shares nothing with its inputs, so a caller may change it freely.
"""

from __future__ import annotations

import copy
from typing import Any


def deep_merge(defaults: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(defaults)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged
