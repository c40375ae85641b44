"""How a source's configuration is resolved, and the defaults several sources share.

Each source declares its defaults on its class (`default_config`) and reads the effective
configuration as `self.config` (others use `source_config(key)`); `settings.SOURCE_OVERRIDES`
(a dict, also settable as JSON in the environment) overrides individual keys per source, e.g.
`SOURCE_OVERRIDES={"pubtator": {"max_pages": 50}}`. Dictionaries are merged key by key, lists
and scalars are replaced.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from common.merging import deep_merge
from genes.sources import source_descriptor

# Disease-text keywords shared by ClinGen (disease label) and GenCC (disease title); matched
# case-insensitively as substrings.
KIDNEY_KEYWORDS: list[str] = [
    "kidney",
    "renal",
    "nephro",
    "nephri",
    "glomerul",
    "tubul",
    "polycystic",
    "alport",
    "cystinosis",
    "cystinuria",
    "bartter",
    "gitelman",
    "dent disease",
    "fanconi",
    "hyperoxaluria",
    "nephronophthisis",
    "cakut",
    "urinary tract",
    "hematuria",
    "proteinuria",
    "hemolytic uremic",
    "uremic",
    "podocyt",
]

# "adrenal" contains "renal": disease texts matching these are not kidney evidence.
KIDNEY_KEYWORDS_EXCLUDE: list[str] = [
    "adrenal",
    "fanconi anemia",
    "fanconi anaemia",
    "homocystinuria",
    "tubulin",
    "tubular aggregate",
]

# HTTP behaviour of the fetcher, shared by all sources unless a source overrides "http".
HTTP_DEFAULTS: dict[str, Any] = {
    "attempts": 5,
    "backoff_base": 1.0,
    "backoff_max": 60.0,
    "connect_timeout": 10.0,
    "read_timeout": 120.0,
    "circuit_threshold": 8,
}

# The shrink guard of the run service (pipeline/shrink.py), shared by all sources unless a
# source overrides "shrink_guard": a run that would leave the source with more than
# `max_drop_percent` % fewer genes than it has now, or with fewer than `min_genes`, is held
# until a curator confirms it.
SHRINK_GUARD_DEFAULTS: dict[str, Any] = {"max_drop_percent": 20, "min_genes": 10}


def config_resolve(key: str, defaults: dict[str, Any]) -> dict[str, Any]:
    """A source's declared defaults (and the shared HTTP defaults) merged with SOURCE_OVERRIDES."""
    overrides = settings.SOURCE_OVERRIDES or {}
    base = {"http": HTTP_DEFAULTS, "shrink_guard": SHRINK_GUARD_DEFAULTS, **defaults}
    return deep_merge(base, overrides.get(key, {}))


def source_config(key: str) -> dict[str, Any]:
    """The effective configuration of a registered source (its class's `default_config`)."""
    descriptor = source_descriptor(key)
    return config_resolve(key, getattr(descriptor, "default_config", {}))
