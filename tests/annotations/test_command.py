import pytest
from django.core.management import CommandError, call_command

from annotations.models import AnnotationRun, GeneConstraint, RunStatus

GNOMAD = "gnomad/gnomad.v4.1.constraint_metrics.reduced.scout.tsv"


def test_annotate_file_records_a_completed_run(kidney_genes, shared_data, capsys):
    call_command("annotate", "gnomad", "--file", str(shared_data / GNOMAD), "--no-progress")

    run = AnnotationRun.objects.get()
    assert run.status == RunStatus.COMPLETED and run.genes_matched == 3
    assert "gnomad: completed" in capsys.readouterr().out


def test_annotate_bad_file_raises_and_records_failure(kidney_genes, tmp_path):
    bad = tmp_path / "constraint.tsv"
    bad.write_text("gene\tgene_id\ttranscript\tlof.oe_ci.upper\nPKD1\tENSG1\tENST1\t0.1\n")

    with pytest.raises(CommandError, match="canonical"):
        call_command("annotate", "gnomad", "--file", str(bad), "--no-progress")

    assert AnnotationRun.objects.get().status == RunStatus.FAILED
    assert not GeneConstraint.objects.exists()


def test_snapshot_without_the_url_fails_with_a_clear_message(kidney_genes, tmp_path):
    (tmp_path / "manifest.json").write_text("{}")

    with pytest.raises(CommandError, match="has no entry for"):
        call_command("annotate", "gtex", "--snapshot", str(tmp_path), "--no-progress")


def test_annotate_needs_exactly_one_of_provider_or_all(db):
    with pytest.raises(CommandError, match="exactly one"):
        call_command("annotate")
    with pytest.raises(CommandError, match="exactly one"):
        call_command("annotate", "gnomad", "--all")
