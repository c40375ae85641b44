"""Configuration of every evidence source, in one place.

Each source reads its own section through `source_config(key)`; `settings.SOURCE_OVERRIDES`
(a dict, also settable as JSON in the environment) overrides individual keys per source, e.g.
`SOURCE_OVERRIDES={"pubtator": {"max_pages": 50}}`. Dictionaries are merged key by key, lists
and scalars are replaced. Every key listed here is read by the source or by the run service.
"""

from __future__ import annotations

import copy
from typing import Any

from django.conf import settings

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

SOURCE_DEFAULTS: dict[str, dict[str, Any]] = {
    "panelapp": {
        "instances": [
            {"region": "UK", "base_url": "https://panelapp.genomicsengland.co.uk/api/v1"},
            {"region": "AU", "base_url": "https://panelapp-aus.org/api/v1"},
        ],
        # A panel is a kidney panel when its name contains one of `panel_name_include` and
        # none of `panel_name_exclude` (case-insensitive).
        "panel_name_include": ["kidney", "renal", "nephro"],
        "panel_name_exclude": ["adrenal"],
        # Green = 3, Amber = 2; listings at or above this count as supporting.
        "supporting_confidence": 2,
        "max_list_pages": 100,
        "rate_limits": {"panelapp.genomicsengland.co.uk": 5.0, "panelapp-aus.org": 5.0},
    },
    "clingen": {
        "url": "https://search.clinicalgenome.org/kb/gene-validity/download",
        "kidney_gceps": [
            "Kidney Cystic and Ciliopathy Disorders",
            "Glomerulopathy",
            "Tubulopathy",
            "Complement-Mediated Kidney Diseases",
            "Congenital Anomalies of the Kidney and Urinary Tract",
        ],
        "kidney_keywords": KIDNEY_KEYWORDS,
        "kidney_keywords_exclude": KIDNEY_KEYWORDS_EXCLUDE,
        "rate_limits": {"search.clinicalgenome.org": 2.0},
    },
    "gencc": {
        "url": "https://search.thegencc.org/download/action/submissions-export-tsv",
        "kidney_keywords": KIDNEY_KEYWORDS,
        "kidney_keywords_exclude": KIDNEY_KEYWORDS_EXCLUDE,
        "rate_limits": {"search.thegencc.org": 1.0},
    },
    "hpo": {
        "obo_url": "http://purl.obolibrary.org/obo/hp.obo",
        "genes_to_phenotype_url": "http://purl.obolibrary.org/obo/hp/hpoa/genes_to_phenotype.txt",
        "root_term": "HP:0010935",
        "rate_limits": {"purl.obolibrary.org": 2.0},
    },
    "pubtator": {
        "search_url": "https://www.ncbi.nlm.nih.gov/research/pubtator3-api/search/",
        "query": (
            '("kidney disease" OR "renal disease") AND (gene OR syndrome) AND (variant OR mutation)'
        ),
        # None = crawl every page the API reports; an integer caps the crawl.
        "max_pages": None,
        # Save crawl state every this many pages so a failed crawl resumes from there.
        "checkpoint_every": 25,
        "rate_limits": {"www.ncbi.nlm.nih.gov": 3.0},
    },
    "literature": {"min_publications": 2},
    "diagnostic-panels": {"min_panels": 2},
}


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def source_config(key: str) -> dict[str, Any]:
    """The effective configuration of one source: defaults merged with SOURCE_OVERRIDES."""
    overrides = getattr(settings, "SOURCE_OVERRIDES", {}) or {}
    base = {"http": HTTP_DEFAULTS, "shrink_guard": SHRINK_GUARD_DEFAULTS}
    base.update(SOURCE_DEFAULTS.get(key, {}))
    return _merge(base, overrides.get(key, {}))
