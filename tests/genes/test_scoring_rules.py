"""Tier boundaries, classification weights and configuration overrides."""

from __future__ import annotations

import pytest
from django.test import override_settings

from genes.config import (
    DEFAULTS,
    best_classification,
    classic_threshold,
    classification_weight,
    scoring_config,
    tier_for,
)
from genes.models import GeneScore
from genes.scoring import scores_recompute
from tests.factories import EvidenceFactory, GeneFactory


def test_classification_weight_ignores_case_and_spacing():
    assert classification_weight("clingen", "  definitive ") == 1.0
    assert classification_weight("gencc", "Disputed   Evidence") == 0.2
    assert classification_weight("gencc", "GENCC:100009") == 0.5  # Supportive by curie
    assert classification_weight("clingen", "Supportive") is None  # a GenCC-only value
    assert classification_weight("clingen", "Something new") is None


def test_best_classification_takes_the_maximum_not_the_first():
    assert best_classification("clingen", ["Disputed", "Definitive", "Limited"]) == (
        "Definitive",
        1.0,
    )
    assert best_classification("gencc", ["refuted evidence", "Supportive"]) == ("Supportive", 0.5)


def test_best_classification_keeps_unknown_values_at_zero_weight():
    assert best_classification("gencc", ["Foo bar"]) == ("Foo bar", 0.0)
    # A known zero-weight value wins the tie over an unknown one.
    assert best_classification("clingen", ["Foo", "Refuted"]) == ("Refuted", 0.0)
    assert best_classification("clingen", []) is None
    assert best_classification("clingen", ["", "  "]) is None


@pytest.mark.parametrize(
    ("score", "source_count", "tier"),
    [
        (50.0, 4, "comprehensive_support"),
        (49.999, 4, "multi_source_support"),
        (50.0, 3, "multi_source_support"),
        (35.0, 3, "multi_source_support"),
        (34.999, 3, "established_support"),
        (35.0, 2, "established_support"),
        (20.0, 2, "established_support"),
        (19.999, 2, "preliminary_evidence"),
        (25.0, 1, "preliminary_evidence"),
        (10.0, 1, "preliminary_evidence"),
        (9.999, 1, "minimal_evidence"),
        (0.001, 1, "minimal_evidence"),
        (0.0, 5, "no_evidence"),
    ],
)
def test_tier_first_match_wins(score, source_count, tier):
    assert tier_for(score, source_count) == tier


@pytest.mark.django_db
def test_tier_boundaries_in_the_database():
    """N = 4 (PanelApp, HPO, ClinGen, GenCC); every PanelApp and HPO count is 1, so they tie at
    rank 1 and score 0 — each gene's score is 100 × (ClinGen + GenCC) / 4 = 25 × Σ."""
    cases = {
        # gene: (clingen, gencc, with panelapp, with hpo) → Σ, source_count, score, tier
        1: ("Definitive", "Definitive", True, True),  # 2.0, 4, 50 → comprehensive
        2: ("Definitive", "Definitive", True, False),  # 2.0, 3, 50 → multi-source
        3: ("Strong", "Moderate", True, False),  # 0.8 + 0.6 = 1.4, 3, 35 → multi-source
        4: ("Strong", "Supportive", True, True),  # 1.3, 4, 32.5 → established
        5: ("Limited", "Limited", False, False),  # 0.8, 2, 20 → established
        6: ("Limited", "Disputed Evidence", False, False),  # 0.6, 2, 15 → preliminary
        7: ("Definitive", None, False, False),  # 1.0, 1, 25 → preliminary (1 source)
        8: ("Limited", None, False, False),  # 0.4, 1, 10 → preliminary
        9: ("Disputed", None, False, False),  # 0.2, 1, 5 → minimal
        10: ("Refuted", None, False, False),  # 0, 1, 0 → no evidence
    }
    for gene_id, (clingen, gencc, panelapp, hpo) in cases.items():
        gene = GeneFactory(hgnc_id=gene_id)
        EvidenceFactory(gene=gene, source="clingen", classifications=[clingen])
        if gencc:
            EvidenceFactory(gene=gene, source="gencc", classifications=[gencc])
        if panelapp:
            EvidenceFactory(gene=gene, source="panelapp", panel_count=1, supporting_panel_count=1)
        if hpo:
            EvidenceFactory(gene=gene, source="hpo", phenotype_count=1, disease_count=1)
    scores_recompute()
    got = {s.gene_id: (s.score, s.tier) for s in GeneScore.objects.all()}
    assert got == {
        1: (50.0, "comprehensive_support"),
        2: (50.0, "multi_source_support"),
        3: (35.0, "multi_source_support"),
        4: (32.5, "established_support"),
        5: (20.0, "established_support"),
        6: (pytest.approx(15.0), "preliminary_evidence"),
        7: (25.0, "preliminary_evidence"),
        8: (10.0, "preliminary_evidence"),
        9: (5.0, "minimal_evidence"),
        10: (0.0, "no_evidence"),
    }


def test_overrides_from_settings_replace_single_keys():
    with override_settings(
        SCORING_OVERRIDES={
            "classic_thresholds": {"literature": 3},
            "classification_weights": {"gencc": {"Supportive": 0.4}},
        }
    ):
        assert classic_threshold("literature") == 3
        assert classic_threshold("pubtator") == 3
        assert classification_weight("gencc", "Supportive") == 0.4
        assert classification_weight("gencc", "Definitive") == 1.0
    # Leaving the override restores the defaults (their values are pinned by behaviour in
    # test_config_boundaries.py, not here).
    assert classic_threshold("literature") == DEFAULTS["classic_thresholds"]["literature"]
    assert (
        classification_weight("gencc", "Supportive")
        == (DEFAULTS["classification_weights"]["gencc"]["Supportive"])
    )
    assert scoring_config().high_evidence_min_count == DEFAULTS["high_evidence_min_count"]


@pytest.mark.django_db
def test_recompute_uses_overridden_thresholds():
    gene = GeneFactory(hgnc_id=1)
    EvidenceFactory(gene=gene, source="literature", publication_count=2)
    scores_recompute()
    assert GeneScore.objects.get().literature_flag is True
    with override_settings(SCORING_OVERRIDES={"classic_thresholds": {"literature": 3}}):
        scores_recompute()
    assert GeneScore.objects.get().literature_flag is False
