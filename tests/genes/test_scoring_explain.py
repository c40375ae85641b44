"""Per-gene explanations: complete, JSON-serialisable, batch-loaded in constant queries."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genes.scoring import score_explain, score_explanations, scores_recompute

pytestmark = pytest.mark.django_db


def _by_source(entries: list[dict]) -> dict[str, dict]:
    return {e["source"]: e for e in entries}


def test_explanation_gives_counts_thresholds_flags_and_source_scores(golden):
    scores_recompute()
    explained = score_explain(1)
    json.dumps(explained)
    assert (explained["hgnc_id"], explained["symbol"], explained["scored"]) == (
        "HGNC:1",
        "G1",
        True,
    )
    classic = _by_source(explained["classic"]["sources"])
    assert classic["panelapp"]["count"] == 2 and classic["panelapp"]["threshold"] == 1
    assert classic["pubtator"]["count"] == 3 and classic["pubtator"]["flag"] is True
    assert classic["hpo"]["threshold"] is None and classic["hpo"]["flag"] is True
    scored = _by_source(explained["evidence_score"]["sources"])
    # PanelApp: 3 panels, rank 4 of the 4 genes with panels → 1.0
    assert (scored["panelapp"]["count"], scored["panelapp"]["rank"]) == (3, 4)
    assert scored["panelapp"]["genes_with_count"] == 4
    assert scored["hpo"]["rank"] == 2  # tie with G3 at the lowest rank
    assert scored["gencc"]["classification"] == "Definitive"
    assert scored["gencc"]["classifications"] == ["Disputed Evidence", "Definitive"]
    assert scored["gencc"]["source_score"] == 1.0
    assert explained["evidence_score"]["source_score_sum"] == pytest.approx(4.0)
    assert explained["evidence_score"]["formula"] == "100 × 4.000 / 7 = 57.1"
    assert explained["tier"]["tier"] == "comprehensive_support"
    assert explained["tier"]["rule"] == "source_count ≥ 4 and score ≥ 50"
    assert any("Definitive" in sentence for sentence in explained["sentences"])


def test_explanation_of_red_only_and_refuted_genes(golden):
    scores_recompute()
    explained = score_explanations([3, 6])
    red_only = _by_source(explained[3]["classic"]["sources"])["panelapp"]
    assert (red_only["listed"], red_only["count"], red_only["flag"]) == (True, 0, False)
    refuted = explained[6]
    assert refuted["tier"]["tier"] == "no_evidence"
    assert _by_source(refuted["evidence_score"]["sources"])["clingen"]["classification"] == (
        "Refuted"
    )
    assert not any(entry["listed"] for entry in refuted["classic"]["sources"])


def test_gene_without_evidence_is_explained_as_no_evidence(golden):
    scores_recompute()
    explained = score_explain(7)
    assert explained["scored"] is False
    assert explained["tier"]["tier"] == "no_evidence"
    assert explained["evidence_score"]["sources_with_data"] == 7


def test_explanations_load_in_constant_queries(golden):
    scores_recompute()
    with CaptureQueriesContext(connection) as one:
        score_explanations([1])
    with CaptureQueriesContext(connection) as many:
        score_explanations([1, 2, 3, 4, 5, 6, 7])
    assert len(one) == len(many) == 3


def test_explanation_lists_classifications_from_ingestion_details():
    from tests.factories import EvidenceFactory, GeneFactory

    gene = GeneFactory(hgnc_id=42, symbol="PKD1")
    curations = [{"classification": "Disputed"}, {"classification": "Definitive"}]
    EvidenceFactory(
        gene=gene,
        source="clingen",
        classification="Definitive",
        classification_weight=1.0,
        details={"curations": curations},
    )
    scores_recompute()
    clingen = _by_source(score_explain(42)["evidence_score"]["sources"])["clingen"]
    assert clingen["classifications"] == ["Disputed", "Definitive"]
    assert (clingen["classification"], clingen["source_score"]) == ("Definitive", 1.0)
