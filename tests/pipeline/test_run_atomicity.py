"""A source run's write is one transaction: a failure half-way leaves every table as it was.

The second run below replaces the evidence, then fails while writing staged records or while
recomputing scores — both after the old evidence rows were already deleted. Evidence, scores,
staged records and the earlier run must be exactly as before; only the new run is marked failed.
Fast and single-process: the multi-process test in test_scale_out.py covers concurrent readers.
"""

from __future__ import annotations

import pytest

from genes.models import Evidence, GeneScore
from pipeline.models import RunStatus, SourceRun, StagedRecord
from pipeline.services import source_run_execute
from tests.factories import GeneFactory
from tests.pipeline.sources.conftest import clingen_csv, clingen_row

pytestmark = pytest.mark.django_db


class WriteFailedError(RuntimeError):
    """Raised by the patched write step."""


def _fail(*_args, **_kwargs):
    raise WriteFailedError("disk full half-way through the write")


def table_state() -> dict[str, list]:
    """Everything a run writes, as comparable values (ids included)."""
    return {
        "evidence": list(Evidence.objects.order_by("pk").values()),
        "scores": list(GeneScore.objects.order_by("pk").values()),
        "staged": list(StagedRecord.objects.order_by("pk").values()),
        "staged_candidates": list(StagedRecord.candidates.through.objects.order_by("pk").values()),
    }


def run_file(tmp_path, name: str, rows: list[list[str]]) -> SourceRun:
    path = tmp_path / name
    path.write_bytes(clingen_csv(rows))
    return source_run_execute(source="clingen", mode="file", file_path=path)


@pytest.fixture
def first_run(tmp_path) -> SourceRun:
    GeneFactory(hgnc_id=9008, symbol="PKD1")
    GeneFactory(hgnc_id=9009, symbol="PKD2")
    run = run_file(
        tmp_path,
        "first.csv",
        [
            clingen_row("PKD1", "HGNC:9008", "ADPKD", "Definitive"),
            clingen_row("NOSUCH1", "", "ADPKD", "Limited", assertion="2"),
        ],
    )
    assert run.status == RunStatus.COMPLETED, run.error
    return run


def _patch_staged_write(monkeypatch):
    monkeypatch.setattr(StagedRecord.objects, "bulk_create", _fail)


def _patch_recompute(monkeypatch):
    monkeypatch.setattr("genes.scoring.scores_recompute", _fail)


@pytest.mark.parametrize("patch", [_patch_staged_write, _patch_recompute], ids=["staged", "score"])
def test_failure_part_way_through_the_write_changes_nothing(
    first_run, tmp_path, monkeypatch, patch
):
    before = table_state()
    first_before = SourceRun.objects.filter(pk=first_run.pk).values().get()
    assert before["evidence"] and before["scores"] and before["staged"]
    patch(monkeypatch)
    second = run_file(
        tmp_path,
        "second.csv",
        [
            clingen_row("PKD2", "HGNC:9009", "ADPKD", "Strong", assertion="3"),
            clingen_row("NOSUCH2", "", "ADPKD", "Limited", assertion="4"),
        ],
    )
    assert second.status == RunStatus.FAILED
    assert "disk full" in second.error
    assert table_state() == before
    assert SourceRun.objects.filter(pk=first_run.pk).values().get() == first_before
    second.refresh_from_db()
    assert (second.status, second.gene_count, second.staged_count) == (RunStatus.FAILED, 0, 0)
