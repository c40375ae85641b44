"""Every rule in genes/config.py, checked by behaviour at its boundary through a real recompute.

The numbers come from the active configuration (`scoring_config()`), so these tests hold for any
configured value and fail when the SQL (or anything between config and score) stops applying
it: a gene at threshold − 1 gets no flag, a gene at the threshold does. A separate test pins the
published rules (README, "Scoring in plain words") by behaviour, since a changed default would
otherwise move both sides of a config-driven test together.
"""

from __future__ import annotations

import pytest

from genes.config import CLASSIC_SOURCES, scoring_config, tier_for
from genes.models import GeneScore
from genes.scoring import scores_recompute
from tests.factories import EvidenceFactory, GeneFactory

pytestmark = pytest.mark.django_db

THRESHOLDED = [s for s in CLASSIC_SOURCES if s.flag_field is not None]


def _flag(gene_id: int, column: str) -> bool | None:
    return getattr(GeneScore.objects.get(gene_id=gene_id), f"{column}_flag")


@pytest.mark.parametrize("source", THRESHOLDED, ids=lambda s: s.key)
def test_classic_flag_starts_exactly_at_the_configured_threshold(source):
    threshold = scoring_config().classic_thresholds[source.key]
    below, at = GeneFactory(), GeneFactory()
    EvidenceFactory(gene=below, source=source.key, **{source.flag_field: threshold - 1})
    EvidenceFactory(gene=at, source=source.key, **{source.flag_field: threshold})
    scores_recompute()
    assert _flag(below.pk, source.column) is False
    assert _flag(at.pk, source.column) is True


def test_hpo_flag_needs_presence_only():
    hpo = next(s for s in CLASSIC_SOURCES if s.flag_field is None)
    assert scoring_config().classic_thresholds.get(hpo.key) is None
    gene = GeneFactory()
    EvidenceFactory(gene=gene, source=hpo.key, phenotype_count=1, disease_count=0)
    scores_recompute()
    assert _flag(gene.pk, hpo.column) is True


def _supported_everywhere(gene, sources) -> None:
    for source in sources:
        threshold = scoring_config().classic_thresholds.get(source.key) or 1
        field = source.flag_field or "phenotype_count"
        EvidenceFactory(gene=gene, source=source.key, **{field: threshold})


def test_high_evidence_starts_at_the_configured_number_of_supporting_sources():
    needed = scoring_config().high_evidence_min_count
    assert 1 <= needed <= len(CLASSIC_SOURCES)
    below, at = GeneFactory(), GeneFactory()
    _supported_everywhere(below, CLASSIC_SOURCES[: needed - 1])
    _supported_everywhere(at, CLASSIC_SOURCES[:needed])
    scores_recompute()
    low, high = GeneScore.objects.get(gene=below), GeneScore.objects.get(gene=at)
    assert (low.evidence_count, low.high_evidence) == (needed - 1, False)
    assert (high.evidence_count, high.high_evidence) == (needed, True)


WEIGHTS = [
    (source, label, weight)
    for source, labels in scoring_config().classification_weights.items()
    for label, weight in labels.items()
]


def test_every_configured_classification_gives_its_configured_weight():
    """One gene per (source, classification); ClinGen and GenCC column = the configured weight."""
    genes = {}
    for source, label, _weight in WEIGHTS:
        gene = GeneFactory()
        # The stored weight is deliberately wrong: the recompute must use the configuration.
        EvidenceFactory(
            gene=gene, source=source, classification=label.upper(), classification_weight=0.77
        )
        genes[(source, label)] = gene.pk
    scores_recompute()
    got = {
        key: getattr(GeneScore.objects.get(gene_id=gene_id), f"{key[0]}_score")
        for key, gene_id in genes.items()
    }
    assert got == {(source, label): weight for source, label, weight in WEIGHTS}


def test_strongest_of_several_classifications_counts():
    source = "gencc"
    weights = scoring_config().classification_weights[source]
    weakest, strongest = min(weights, key=weights.get), max(weights, key=weights.get)
    gene = GeneFactory()
    EvidenceFactory(gene=gene, source=source, classifications=[weakest, strongest, weakest])
    scores_recompute()
    assert GeneScore.objects.get(gene=gene).gencc_score == weights[strongest]


@pytest.mark.parametrize("rule", scoring_config().tiers, ids=lambda r: r.tier)
def test_each_tier_starts_at_its_configured_score_and_source_count(rule):
    step = 1e-6
    assert tier_for(rule.min_score + step, rule.min_source_count) == rule.tier
    at_bound = tier_for(rule.min_score, rule.min_source_count)
    assert (at_bound == rule.tier) is rule.inclusive
    assert tier_for(rule.min_score - step, rule.min_source_count) != rule.tier
    if rule.min_source_count:
        assert tier_for(rule.min_score + step, rule.min_source_count - 1) != rule.tier


def test_published_classic_rules_hold_at_their_boundaries():
    """README: "in at least 2 curated publications; on at least 2 diagnostic panels; PubTator has
    at least 3 distinct (paper, mention) pairs; Green or Amber on a kidney panel"."""
    published = {
        "literature": ("publication_count", 2),
        "diagnostic-panels": ("panel_count", 2),
        "pubtator": ("mention_pair_count", 3),
        "panelapp": ("supporting_panel_count", 1),
    }
    genes = {}
    for source, (field, bound) in published.items():
        for count in (bound - 1, bound):
            gene = GeneFactory()
            EvidenceFactory(gene=gene, source=source, **{field: count})
            genes[(source, count)] = gene.pk
    scores_recompute()
    column = {s.key: s.column for s in CLASSIC_SOURCES}
    flags = {key: _flag(gene_id, column[key[0]]) for key, gene_id in genes.items()}
    assert flags == {
        (source, count): count == bound
        for source, (_, bound) in published.items()
        for count in (bound - 1, bound)
    }
