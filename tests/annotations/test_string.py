import math

import pytest

from annotations.models import GeneInteraction, GenePPIScore, RunStatus
from annotations.ppi import compute_ppi_scores
from annotations.services import annotation_run_execute, ppi_scores_recompute
from tests.annotations.conftest import make_scores, write


def pairs() -> set[tuple[str, str, int]]:
    return {
        (a, b, score)
        for a, b, score in GeneInteraction.objects.values_list(
            "gene_a__symbol", "gene_b__symbol", "combined_score"
        )
    }


def test_interactions_are_kept_between_scored_genes_only(kidney_genes, string_files):
    make_scores({"NPHS1": 90.0, "NPHS2": 80.0, "TRPC6": 60.0, "PKD1": 95.0}, kidney_genes)

    run = annotation_run_execute(provider="string", files=string_files)

    assert run.status == RunStatus.COMPLETED, run.error
    assert run.source_version == ""
    stored = {tuple(sorted((a, b))) for a, b, _score in pairs()}
    assert stored == {("NPHS1", "NPHS2"), ("NPHS1", "TRPC6"), ("NPHS2", "TRPC6")}
    nphs1 = GenePPIScore.objects.get(gene__symbol="NPHS1")
    expected = (0.999 * 80.0 + 0.8 * 60.0) / math.sqrt(2)
    assert nphs1.ppi_score == pytest.approx(expected, rel=1e-5)
    assert nphs1.degree == 2
    percentiles = sorted(GenePPIScore.objects.values_list("percentile", flat=True))
    assert percentiles == pytest.approx([100 * (rank + 0.5) / 3 for rank in range(3)], abs=1e-3)


def test_without_scores_all_matched_genes_are_kept(kidney_genes, string_files):
    run = annotation_run_execute(provider="string", files=string_files)

    assert run.status == RunStatus.COMPLETED, run.error
    stored = {tuple(sorted((a, b))) for a, b, _score in pairs()}
    # PBP is a previous symbol of PKD1; the 300 link is below the minimum score.
    assert ("PKD1", "PKD2") in stored and ("GAPDH", "PKD2") in stored
    assert ("GAPDH", "NPHS2") not in stored
    assert set(GenePPIScore.objects.values_list("ppi_score", flat=True)) == {0.0}
    assert set(GenePPIScore.objects.values_list("percentile", flat=True)) == {50.0}


def test_ppi_scores_follow_new_evidence_scores(kidney_genes, string_files):
    annotation_run_execute(provider="string", files=string_files)
    make_scores({"PKD2": 50.0}, kidney_genes)

    ppi_scores_recompute()

    pkd1 = GenePPIScore.objects.get(gene__symbol="PKD1")
    assert pkd1.ppi_score == pytest.approx(0.99 * 50.0)


def test_compute_ppi_scores_formula_and_percentiles():
    results = compute_ppi_scores([(1, 2, 500), (1, 3, 1000)], {2: 10.0, 3: 20.0, 1: 0.0})

    assert results[1][0] == pytest.approx((0.5 * 10 + 1.0 * 20) / math.sqrt(2))
    assert results[1][1] == pytest.approx(100 * 2.5 / 3) and results[1][2] == 2
    assert results[2][0] == 0.0 and results[2][1] == pytest.approx(100 / 3)


def test_bad_links_line_fails_and_keeps_previous_interactions(kidney_genes, string_files, tmp_path):
    annotation_run_execute(provider="string", files=string_files)
    before = pairs()
    links = write(
        tmp_path / "links.txt",
        ["protein1 protein2 combined_score", "9606.ENSP01 9606.ENSP02 999", "9606.ENSP01 high"],
    )

    run = annotation_run_execute(provider="string", files=[links, string_files[1]])

    assert run.status == RunStatus.FAILED
    assert "line 3" in run.error and str(links) in run.error
    assert pairs() == before
