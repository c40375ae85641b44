from pathlib import Path

import pytest

from annotations.models import AnnotationRun, GeneConstraint, RunStatus
from annotations.services import annotation_run_execute

V41 = "gnomad/gnomad.v4.1.constraint_metrics.reduced.scout.tsv"
V411 = "gnomad/gnomad.v4.1.1.constraint_metrics.subset.scout.tsv"


def test_real_v41_sample_keeps_canonical_ensembl_transcript(kidney_genes, shared_data):
    run = annotation_run_execute(provider="gnomad", files=[shared_data / V41])

    assert run.status == RunStatus.COMPLETED, run.error
    assert run.source_version == "v4.1"
    trpc6 = GeneConstraint.objects.get(gene__symbol="TRPC6")
    assert trpc6.transcript == "ENST00000344327"
    assert trpc6.loeuf == pytest.approx(0.708)
    assert trpc6.pli == pytest.approx(6.5e-08, rel=0.01)
    assert trpc6.mis_z == pytest.approx(1.91, abs=0.01)
    assert GeneConstraint.objects.filter(gene__symbol__in=["CFI", "AAGAB"]).count() == 2
    assert run.checksum and run.inputs["constraint"].endswith(".tsv")


def test_real_v411_sample_with_113_columns_loads(kidney_genes, shared_data):
    run = annotation_run_execute(provider="gnomad", files=[shared_data / V411])

    assert run.status == RunStatus.COMPLETED, run.error
    assert run.source_version == "v4.1.1"
    trpc6 = GeneConstraint.objects.get(gene__symbol="TRPC6")
    assert trpc6.transcript.startswith("ENST")
    assert trpc6.loeuf is not None


def test_missing_column_fails_cleanly_and_keeps_previous_data(kidney_genes, shared_data, tmp_path):
    annotation_run_execute(provider="gnomad", files=[shared_data / V41])
    before = GeneConstraint.objects.count()
    lines = (shared_data / V41).read_text().splitlines()[:5]
    broken = tmp_path / "constraint.tsv"
    broken.write_text("\n".join(line.replace("lof.pLI", "lof.pli") for line in lines) + "\n")

    run = annotation_run_execute(provider="gnomad", files=[broken])

    assert run.status == RunStatus.FAILED
    assert "line 1" in run.error and "lof.pLI" in run.error and str(broken) in run.error
    assert GeneConstraint.objects.count() == before


def test_truncated_row_names_the_line_and_keeps_previous_data(kidney_genes, shared_data, tmp_path):
    annotation_run_execute(provider="gnomad", files=[shared_data / V41])
    lines = (shared_data / V41).read_text().splitlines()[:40]
    lines[30] = "\t".join(lines[30].split("\t")[:10])
    broken = tmp_path / "constraint.tsv"
    broken.write_text("\n".join(lines) + "\n")

    run = annotation_run_execute(provider="gnomad", files=[broken])

    assert run.status == RunStatus.FAILED
    assert "line 31" in run.error
    assert GeneConstraint.objects.get(gene__symbol="TRPC6").loeuf == pytest.approx(0.708)
    assert AnnotationRun.objects.filter(status=RunStatus.COMPLETED).count() == 1


def test_unrecognised_file_is_rejected_by_header(kidney_genes, tmp_path):
    other = tmp_path / "other.tsv"
    other.write_text("symbol\tvalue\nPKD1\t1\n")

    run = annotation_run_execute(provider="gnomad", files=[other])

    assert run.status == RunStatus.FAILED
    assert "not recognised as a gnomad input" in run.error


def test_na_values_are_stored_as_null(kidney_genes, tmp_path, shared_data):
    header, *rows = (shared_data / V41).read_text().splitlines()
    columns = header.split("\t")
    row = next(r for r in rows if "ENST00000344327" in r).split("\t")
    row[columns.index("lof.pLI")] = "NA"
    path = Path(tmp_path / "c.tsv")
    path.write_text(header + "\n" + "\t".join(row) + "\n")

    run = annotation_run_execute(provider="gnomad", files=[path])

    assert run.status == RunStatus.COMPLETED, run.error
    assert GeneConstraint.objects.get(gene__symbol="TRPC6").pli is None
