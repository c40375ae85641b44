import pytest

from annotations.loaders.gtex import tissue_specificity
from annotations.models import GeneExpression, RunStatus
from annotations.services import annotation_run_execute
from tests.annotations.conftest import gtex_lines, write


def test_synthetic_gct_matches_versioned_ensembl_ids(kidney_genes, tmp_path):
    path = write(
        tmp_path / "median_tpm.gct.gz",
        gtex_lines(
            [
                ("ENSG00000169344.15", "UMOD", [0.1, 900.0, 2000.0, 0.0]),
                ("ENSG00000111640.14", "GAPDH", [1000.0, 1100.0, 900.0, 1200.0]),
                ("ENSG00000999999.1", "NOTAGENE", [1.0, 1.0, 1.0, 1.0]),
            ]
        ),
        compress=True,
    )

    run = annotation_run_execute(provider="gtex", files=[path])

    assert run.status == RunStatus.COMPLETED, run.error
    umod = GeneExpression.objects.get(gene__symbol="UMOD")
    assert (umod.kidney_cortex_tpm, umod.kidney_medulla_tpm) == (900.0, 2000.0)
    assert umod.tissues["Liver"] == 0.0
    assert umod.kidney_enrichment == pytest.approx(2000.0 / 0.05)
    gapdh = GeneExpression.objects.get(gene__symbol="GAPDH")
    assert umod.tau > 0.6 > gapdh.tau
    assert run.rows_unmatched == 1


def test_tau_is_zero_for_uniform_and_one_for_single_tissue():
    assert tissue_specificity([5.0, 5.0, 5.0]) == pytest.approx(0.0)
    assert tissue_specificity([0.0, 0.0, 7.0]) == pytest.approx(1.0)
    assert tissue_specificity([0.0, 0.0]) is None


def test_missing_preamble_is_rejected_and_previous_data_kept(kidney_genes, tmp_path):
    good = write(tmp_path / "good.gct", gtex_lines([("ENSG00000169344.1", "UMOD", [1, 2, 3, 4])]))
    annotation_run_execute(provider="gtex", files=[good])
    bad = write(tmp_path / "bad.gct", gtex_lines([("ENSG00000169344.1", "UMOD", [1, 2, 3])]))

    run = annotation_run_execute(provider="gtex", files=[bad])

    assert run.status == RunStatus.FAILED
    assert "line 4" in run.error and "expected 6 fields" in run.error
    assert GeneExpression.objects.get(gene__symbol="UMOD").kidney_cortex_tpm == 2.0


def test_header_without_kidney_cortex_fails(kidney_genes, tmp_path):
    lines = gtex_lines([("ENSG00000169344.1", "UMOD", [1, 2, 3, 4])])
    lines[2] = lines[2].replace("Kidney - Cortex", "Kidney Cortex")
    path = write(tmp_path / "renamed.gct", lines)

    run = annotation_run_execute(provider="gtex", files=[path])

    assert run.status == RunStatus.FAILED
    assert "Kidney - Cortex" in run.error and "line 3" in run.error
