"""Golden tests for the recompute: every number below is worked out by hand in the comments.

Fixture (N = 7 sources with data; G7 has no evidence):

PanelApp (panel_count = distinct panels, supporting = Green/Amber listings)
  G1 (3, 2)  G2 (1, 1)  G3 (1, 0) Red-only  G4 (2, 1)
  score counts 1,1,2,3 (n = 4): G2,G3 rank 1 → 0; G4 rank 3 → 2/3; G1 rank 4 → 3/3 = 1
  classic counts G3 0, G2 1, G4 1, G1 2 (4 listed): G3 rank 1 → 1/4; G2,G4 share ranks 2,3
  → 2.5/4 = 0.625; G1 rank 4 → 1.0.  Flags (≥ 1): G1 T, G2 T, G3 F (Red only), G4 T.
Literature (publications): G1 5 only → n = 1 → score 0; classic 1/1 = 1.0; flag 5 ≥ 2 T.
Diagnostic panels: G2 1, G1 2, G5 4 → scores 0, 1/2, 1; classic 1/3, 2/3, 1;
  flags G2 F, G1 T (2 ≥ 2, the boundary), G5 T.
HPO (phenotype terms, diseases): G1 (4, 2), G3 (4, 1), G5 (1, 1)
  score counts G5 1 rank 1 → 0; G1,G3 tie at 4, rank 2 → (2−1)/(3−1) = 0.5
  classic (diseases) G3,G5 share ranks 1,2 → 1.5/3 = 0.5; G1 rank 3 → 1.0; flags: presence T.
PubTator (pairs, PMIDs): G1 (3, 1), G2 (2, 2), G4 (10, 5)
  score counts PMIDs 1,2,5 → G1 0, G2 0.5, G4 1.0
  classic counts pairs 2,3,10 → G2 1/3, G1 2/3, G4 1.0; flags (pairs ≥ 3): G1 T, G2 F, G4 T.
ClinGen: G1 Definitive 1.0, G3 Moderate 0.6, G6 Refuted 0 (its only evidence).
GenCC: G1 [Disputed Evidence, Definitive] → MAX 1.0; G2 Supportive 0.5;
  G4 "Foo bar" (unknown → 0); G5 Animal Model Only 0.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genes.models import Evidence, GeneScore, ScoreRun
from genes.scoring import data_version_current, scores_recompute
from tests.genes.conftest import make_synthetic_evidence

pytestmark = pytest.mark.django_db
EXACT = 1e-12


def _row(gene_id: int) -> GeneScore:
    return GeneScore.objects.get(gene_id=gene_id)


def _flags(row: GeneScore) -> tuple:
    return (
        row.panelapp_flag,
        row.literature_flag,
        row.diagnostic_panels_flag,
        row.hpo_flag,
        row.pubtator_flag,
    )


def _scores(row: GeneScore) -> tuple:
    return (
        row.panelapp_score,
        row.clingen_score,
        row.gencc_score,
        row.hpo_score,
        row.pubtator_score,
        row.literature_score,
        row.diagnostic_panels_score,
    )


def test_recompute_scores_one_row_per_gene_with_evidence(golden):
    summary = scores_recompute()
    assert summary.genes_scored == 6
    assert summary.sources_with_data == 7
    assert not GeneScore.objects.filter(gene_id=7).exists()
    assert summary.tier_counts == {
        "comprehensive_support": 1,
        "multi_source_support": 0,
        "established_support": 1,
        "preliminary_evidence": 3,
        "minimal_evidence": 0,
        "no_evidence": 1,
    }


def test_gene_supported_everywhere_matches_hand_computation(golden):
    scores_recompute()
    g1 = _row(1)
    assert _flags(g1) == (True, True, True, True, True)
    assert (g1.evidence_count, g1.list_count, g1.high_evidence) == (5, 5, True)
    # percentiles: panelapp 1.0, literature 1/1, diagnostic 2/3, hpo 1.0, pubtator 2/3
    assert g1.panelapp_percentile == pytest.approx(1.0, abs=EXACT)
    assert g1.literature_percentile == pytest.approx(1.0, abs=EXACT)
    assert g1.source_count_percentile == pytest.approx(1 + 1 + 2 / 3 + 1 + 2 / 3, abs=EXACT)
    # panelapp 1, clingen 1, gencc MAX(Disputed 0.2, Definitive 1.0) = 1, hpo tie 0.5,
    # pubtator 1 PMID → 0, literature n = 1 → 0, diagnostic 0.5 → Σ = 4.0
    assert _scores(g1) == pytest.approx((1.0, 1.0, 1.0, 0.5, 0.0, 0.0, 0.5), abs=EXACT)
    assert g1.score == pytest.approx(100 * 4.0 / 7, abs=EXACT)  # 57.142857…
    assert (g1.source_count, g1.sources_with_data) == (7, 7)
    assert g1.tier == "comprehensive_support"  # 7 ≥ 4 and 57.1 ≥ 50


def test_pubtator_flag_uses_pairs_and_score_uses_pmids(golden):
    scores_recompute()
    g1, g2 = _row(1), _row(2)
    assert (g1.pubtator_flag, g1.pubtator_score) == (True, 0.0)  # 3 pairs ≥ 3; fewest PMIDs
    assert (g2.pubtator_flag, g2.pubtator_score) == (False, 0.5)  # 2 pairs < 3; middle PMIDs
    assert g2.pubtator_percentile == pytest.approx(1 / 3, abs=EXACT)


def test_low_evidence_gene_with_average_rank_ties(golden):
    scores_recompute()
    g2 = _row(2)
    assert _flags(g2) == (True, None, False, None, False)
    assert (g2.evidence_count, g2.list_count, g2.high_evidence) == (1, 3, False)
    # panelapp tie 2.5/4 = 0.625, diagnostic 1/3, pubtator 1/3
    assert g2.source_count_percentile == pytest.approx(0.625 + 1 / 3 + 1 / 3, abs=EXACT)
    # panelapp tie at rank 1 → 0, gencc Supportive 0.5, pubtator 0.5, diagnostic 0 → Σ 1.0
    assert _scores(g2) == pytest.approx((0.0, None, 0.5, None, 0.5, None, 0.0), abs=EXACT)
    assert g2.score == pytest.approx(100 / 7, abs=EXACT)  # 14.29: 4 sources but < 20
    assert (g2.source_count, g2.tier) == (4, "preliminary_evidence")


def test_red_only_panelapp_gene_is_listed_but_not_supported(golden):
    scores_recompute()
    g3 = _row(3)
    assert (g3.panelapp_flag, g3.hpo_flag) == (False, True)
    assert (g3.evidence_count, g3.list_count) == (1, 2)
    assert g3.panelapp_percentile == pytest.approx(0.25, abs=EXACT)  # rank 1 of 4
    assert g3.source_count_percentile == pytest.approx(0.25 + 0.5, abs=EXACT)
    # panelapp 1 panel ties with G2 at rank 1 → 0; hpo 0.5; clingen Moderate 0.6 → Σ 1.1
    assert g3.panelapp_score == 0.0
    assert g3.score == pytest.approx(100 * 1.1 / 7, abs=EXACT)  # 15.71
    assert g3.tier == "preliminary_evidence"


def test_unknown_classification_weighs_nothing(golden):
    scores_recompute()
    g4 = _row(4)
    assert Evidence.objects.get(gene_id=4, source="gencc").classification == "Foo bar"
    assert g4.gencc_score == 0.0
    # panelapp 2/3 + pubtator 1.0 → 100 × (5/3) / 7 = 23.81; 3 sources → established
    assert g4.score == pytest.approx(100 * (2 / 3 + 1.0) / 7, abs=EXACT)
    assert (g4.evidence_count, g4.high_evidence, g4.tier) == (2, True, "established_support")


def test_refuted_only_clingen_gene_has_no_evidence_tier(golden):
    scores_recompute()
    g6 = _row(6)
    assert _flags(g6) == (None,) * 5
    assert (g6.evidence_count, g6.list_count, g6.source_count_percentile) == (0, 0, 0.0)
    assert (g6.clingen_score, g6.score, g6.source_count) == (0.0, 0.0, 1)
    assert g6.tier == "no_evidence"


def test_source_without_data_lowers_n(golden):
    Evidence.objects.filter(source="gencc").delete()
    summary = scores_recompute()
    assert summary.sources_with_data == 6
    g1, g2, g4, g5 = _row(1), _row(2), _row(4), _row(5)
    assert g1.score == pytest.approx(100 * 3.0 / 6, abs=EXACT)  # 50.0: ≥ 4 sources, ≥ 50
    assert g1.tier == "comprehensive_support"
    assert g2.score == pytest.approx(100 * 0.5 / 6, abs=EXACT)  # 8.33 → minimal
    assert g2.tier == "minimal_evidence"
    assert g4.score == pytest.approx(100 * (5 / 3) / 6, abs=EXACT)  # 27.78, 2 sources
    assert g4.tier == "established_support"
    assert (g5.score, g5.sources_with_data) == (pytest.approx(100 / 6, abs=EXACT), 6)
    assert g5.gencc_score is None


def test_recompute_is_idempotent_apart_from_version(golden):
    first = scores_recompute()
    rows = list(GeneScore.objects.order_by("gene_id").values())
    second = scores_recompute()
    again = list(GeneScore.objects.order_by("gene_id").values())
    assert second.data_version == first.data_version + 1 == data_version_current()
    for before, after in zip(rows, again, strict=True):
        for volatile in ("computed_at", "data_version"):
            before.pop(volatile), after.pop(volatile)
        assert before == after


def test_recompute_removes_scores_of_genes_that_lost_evidence(golden):
    scores_recompute()
    Evidence.objects.filter(gene_id=6).delete()
    scores_recompute()
    assert not GeneScore.objects.filter(gene_id=6).exists()


def test_data_version_is_zero_before_first_recompute():
    assert data_version_current() == 0
    summary = scores_recompute()
    assert summary.genes_scored == 0
    assert data_version_current() == summary.data_version == ScoreRun.objects.get().pk


def _recompute_queries(gene_count: int) -> int:
    Evidence.objects.all().delete()
    make_synthetic_evidence(gene_count, start=1000)
    with CaptureQueriesContext(connection) as captured:
        scores_recompute()
    assert GeneScore.objects.count() == gene_count
    return len(captured)


def test_recompute_query_count_does_not_depend_on_gene_count():
    few = _recompute_queries(5)
    from genes.models import Gene

    Gene.objects.all().delete()
    many = _recompute_queries(50)
    # savepoint, (PostgreSQL: LOCK), run insert, source stats, delete, insert-select,
    # tier counts, run update, savepoint release
    expected = 9 if connection.vendor == "postgresql" else 8
    assert few == many == expected


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_readers_never_see_a_half_written_table():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent readers need PostgreSQL (SQLite test databases are in memory)")
    import threading

    from django.db import connections

    make_synthetic_evidence(300)
    scores_recompute()
    done, seen = threading.Event(), []

    def read() -> None:
        while not done.is_set():
            versions = set(GeneScore.objects.values_list("data_version", flat=True))
            seen.append((GeneScore.objects.count(), len(versions)))
        connections.close_all()

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for _ in range(5):
            scores_recompute()
    finally:
        done.set()
        reader.join()
    assert seen and set(seen) <= {(300, 1)}
