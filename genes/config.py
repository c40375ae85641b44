"""Scoring rules, defined once: classic thresholds, classification weights and tier thresholds.

Everything that scores evidence (the SQL recompute, explanations, ingestion filling
`Evidence.classification_weight`, pages and exports) reads its numbers from here. The defaults
follow ../shared/docs/SCORING.md; `settings.SCORING_OVERRIDES` replaces individual keys, e.g.
`{"classic_thresholds": {"literature": 3}, "classification_weights": {"gencc": {"Supportive": 0.4}},
"tiers": [["comprehensive_support", 4, 50, true], ...], "high_evidence_min_count": 2}`.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from common.merging import deep_merge
from genes.models import Tier


@dataclass(frozen=True)
class CountSource:
    """A source scored by counts: which Evidence column feeds which rule.

    `flag_field` None means presence alone sets the classic flag (HPO).
    """

    key: str
    column: str
    score_field: str
    score_count_label: str
    classic: bool
    flag_field: str | None = None
    percentile_field: str | None = None
    classic_count_label: str = ""


# Column prefixes (`panelapp_score`, `diagnostic_panels_flag`) follow this order everywhere.
COUNT_SOURCES: tuple[CountSource, ...] = (
    CountSource(
        key="panelapp",
        column="panelapp",
        score_field="panel_count",
        score_count_label="distinct kidney panels",
        classic=True,
        flag_field="supporting_panel_count",
        percentile_field="supporting_panel_count",
        classic_count_label="Green/Amber kidney panel listings",
    ),
    CountSource(
        key="literature",
        column="literature",
        score_field="publication_count",
        score_count_label="curated publications",
        classic=True,
        flag_field="publication_count",
        percentile_field="publication_count",
        classic_count_label="curated publications",
    ),
    CountSource(
        key="diagnostic-panels",
        column="diagnostic_panels",
        score_field="panel_count",
        score_count_label="diagnostic panels (distinct provider, panel)",
        classic=True,
        flag_field="panel_count",
        percentile_field="panel_count",
        classic_count_label="diagnostic panels (distinct provider, panel)",
    ),
    CountSource(
        key="hpo",
        column="hpo",
        score_field="phenotype_count",
        score_count_label="kidney HPO terms",
        classic=True,
        flag_field=None,
        percentile_field="disease_count",
        classic_count_label="kidney-annotated diseases",
    ),
    CountSource(
        key="pubtator",
        column="pubtator",
        score_field="publication_count",
        score_count_label="distinct PMIDs",
        classic=True,
        flag_field="mention_pair_count",
        percentile_field="mention_pair_count",
        classic_count_label="distinct (PMID, mention text) pairs",
    ),
)
CLASSIFICATION_SOURCES: tuple[str, ...] = ("clingen", "gencc")
CLASSIFICATION_COLUMNS: dict[str, str] = {"clingen": "clingen", "gencc": "gencc"}
CLASSIC_SOURCES: tuple[CountSource, ...] = tuple(s for s in COUNT_SOURCES if s.classic)

# The seven score columns in export / display order.
SCORE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("panelapp", "panelapp"),
    ("clingen", "clingen"),
    ("gencc", "gencc"),
    ("hpo", "hpo"),
    ("pubtator", "pubtator"),
    ("literature", "literature"),
    ("diagnostic-panels", "diagnostic_panels"),
)
ALL_SOURCES: tuple[str, ...] = tuple(key for key, _ in SCORE_COLUMNS)

DEFAULTS: dict[str, Any] = {
    # Classic flag: count >= threshold (HPO has no threshold: presence is enough).
    "classic_thresholds": {
        "panelapp": 1,
        "literature": 2,
        "diagnostic-panels": 2,
        "pubtator": 3,
    },
    "high_evidence_min_count": 2,
    "classification_weights": {
        "clingen": {
            "Definitive": 1.0,
            "Strong": 0.8,
            "Moderate": 0.6,
            "Limited": 0.4,
            "Disputed": 0.2,
            "Refuted": 0.0,
            "No Known Disease Relationship": 0.0,
        },
        "gencc": {
            "Definitive": 1.0,
            "Strong": 0.8,
            "Moderate": 0.6,
            "Supportive": 0.5,
            "Limited": 0.4,
            "Disputed Evidence": 0.2,
            "Refuted Evidence": 0.0,
            "No Known Disease Relationship": 0.0,
            "Animal Model Only": 0.0,
        },
    },
    # (tier, minimum source_count, minimum score, score bound inclusive); first match wins.
    "tiers": [
        [Tier.COMPREHENSIVE_SUPPORT, 4, 50.0, True],
        [Tier.MULTI_SOURCE_SUPPORT, 3, 35.0, True],
        [Tier.ESTABLISHED_SUPPORT, 2, 20.0, True],
        [Tier.PRELIMINARY_EVIDENCE, 0, 10.0, True],
        [Tier.MINIMAL_EVIDENCE, 0, 0.0, False],
    ],
    "fallback_tier": Tier.NO_EVIDENCE,
}

# GenCC exports carry curies beside titles; both name the same classification.
GENCC_CURIES: dict[str, str] = {
    "GENCC:100001": "Definitive",
    "GENCC:100002": "Strong",
    "GENCC:100003": "Moderate",
    "GENCC:100009": "Supportive",
    "GENCC:100004": "Limited",
    "GENCC:100005": "Disputed Evidence",
    "GENCC:100006": "Refuted Evidence",
    "GENCC:100008": "No Known Disease Relationship",
    "GENCC:100010": "Animal Model Only",
}


@dataclass(frozen=True)
class TierRule:
    tier: str
    min_source_count: int
    min_score: float
    inclusive: bool

    def matches(self, score: float, source_count: int) -> bool:
        above = score >= self.min_score if self.inclusive else score > self.min_score
        return source_count >= self.min_source_count and above

    def describe(self) -> str:
        parts = [f"source_count ≥ {self.min_source_count}"] if self.min_source_count else []
        parts.append(f"score {'≥' if self.inclusive else '>'} {self.min_score:g}")
        return " and ".join(parts)


@dataclass(frozen=True)
class ScoringConfig:
    classic_thresholds: dict[str, int]
    high_evidence_min_count: int
    classification_weights: dict[str, dict[str, float]]
    tiers: tuple[TierRule, ...]
    fallback_tier: str

    def as_dict(self) -> dict[str, Any]:
        """A JSON snapshot stored with each recompute, so explanations show the rules used."""
        return {
            "classic_thresholds": dict(self.classic_thresholds),
            "high_evidence_min_count": self.high_evidence_min_count,
            "classification_weights": copy.deepcopy(self.classification_weights),
            "tiers": [[r.tier, r.min_source_count, r.min_score, r.inclusive] for r in self.tiers],
            "fallback_tier": self.fallback_tier,
        }


def config_from_dict(raw: dict[str, Any]) -> ScoringConfig:
    return ScoringConfig(
        classic_thresholds={str(k): int(v) for k, v in raw["classic_thresholds"].items()},
        high_evidence_min_count=int(raw["high_evidence_min_count"]),
        classification_weights={
            str(source): {str(label): float(w) for label, w in weights.items()}
            for source, weights in raw["classification_weights"].items()
        },
        tiers=tuple(TierRule(str(t), int(n), float(s), bool(i)) for t, n, s, i in raw["tiers"]),
        fallback_tier=str(raw["fallback_tier"]),
    )


@lru_cache(maxsize=1)
def scoring_config() -> ScoringConfig:
    """The active rules: DEFAULTS with settings.SCORING_OVERRIDES applied."""
    overrides = settings.SCORING_OVERRIDES or {}
    return config_from_dict(deep_merge(DEFAULTS, overrides))


@receiver(setting_changed)
def _reset_config(*, setting: str, **kwargs: Any) -> None:
    if setting == "SCORING_OVERRIDES":
        scoring_config.cache_clear()
        _weight_lookup.cache_clear()


def normalise_label(label: str) -> str:
    """Classifications are matched case- and whitespace-insensitively."""
    return " ".join(str(label).split()).lower()


@lru_cache(maxsize=1)
def _weight_lookup() -> dict[str, dict[str, tuple[str, float]]]:
    lookup: dict[str, dict[str, tuple[str, float]]] = {}
    for source, weights in scoring_config().classification_weights.items():
        lookup[source] = {normalise_label(label): (label, w) for label, w in weights.items()}
    gencc = lookup.get("gencc", {})
    for curie, label in GENCC_CURIES.items():
        if normalise_label(label) in gencc:
            gencc[normalise_label(curie)] = gencc[normalise_label(label)]
    return lookup


def canonical_classification(source: str, classification: str) -> str | None:
    """The configured spelling of a classification, or None when it is not a known value."""
    found = _weight_lookup().get(str(source), {}).get(normalise_label(classification))
    return found[0] if found else None


def classification_weight(source: str, classification: str) -> float | None:
    """Weight of one ClinGen/GenCC classification; None for an unknown value (weighs nothing)."""
    found = _weight_lookup().get(str(source), {}).get(normalise_label(classification))
    return found[1] if found else None


def best_classification(source: str, classifications: Iterable[str]) -> tuple[str, float] | None:
    """The strongest classification (MAX weight, never the first) and its weight.

    Unknown values are kept, weigh 0 and lose ties against known ones; None when there are none.
    """
    candidates = []
    for raw in classifications:
        if raw is None or not str(raw).strip():
            continue
        label = canonical_classification(source, raw)
        weight = classification_weight(source, raw)
        known = label is not None
        shown = label if known else " ".join(str(raw).split())
        candidates.append((weight if known else 0.0, known, shown))
    if not candidates:
        return None
    weight, _known, label = max(candidates, key=lambda c: (c[0], c[1], c[2]))
    return label, weight


def tier_for(score: float, source_count: int, config: ScoringConfig | None = None) -> str:
    """The first matching tier; the SQL recompute evaluates the same rules."""
    config = config or scoring_config()
    for rule in config.tiers:
        if rule.matches(score, source_count):
            return rule.tier
    return config.fallback_tier


def classic_threshold(source: str, config: ScoringConfig | None = None) -> int | None:
    """Minimum count for the classic flag; None when presence is enough."""
    config = config or scoring_config()
    return config.classic_thresholds.get(str(source))
