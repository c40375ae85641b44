"""Record → replay round trip through the run service, with a fake HTTP session."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genes.models import Evidence
from pipeline.models import RunStatus
from pipeline.services import source_run_execute
from tests.conftest import DEMO_DIR
from tests.pipeline.conftest import FakeSession, fake_fetcher

pytestmark = pytest.mark.django_db


def demo_replies(directory: Path) -> dict:
    manifest = json.loads((directory / "manifest.json").read_text())
    return {url: (200, (directory / path).read_bytes()) for url, path in manifest.items()}


def evidence_rows() -> list[tuple]:
    return list(
        Evidence.objects.filter(source="panelapp")
        .order_by("gene_id")
        .values_list("gene_id", "panel_count", "supporting_panel_count", "details")
    )


def test_record_then_replay_gives_the_same_evidence(demo_genes, tmp_path):
    session = FakeSession(demo_replies(DEMO_DIR / "sources" / "panelapp"))
    snapshot = tmp_path / "recorded"
    fetcher = fake_fetcher("panelapp", session, mode="record", snapshot_dir=snapshot)
    recorded = source_run_execute(source="panelapp", mode="record", fetcher=fetcher)
    assert recorded.status == RunStatus.COMPLETED, recorded.error
    live_rows = evidence_rows()
    manifest = json.loads((snapshot / "manifest.json").read_text())
    assert set(manifest) == set(session.calls)

    replayed = source_run_execute(source="panelapp", mode="replay", snapshot_dir=snapshot)
    assert replayed.status == RunStatus.COMPLETED, replayed.error
    assert evidence_rows() == live_rows
    assert replayed.snapshot_checksum == recorded.snapshot_checksum


def test_replay_matches_query_parameters_in_any_order(tmp_path):
    from common.fetching import Fetcher

    (tmp_path / "page.json").write_text('{"ok": true}')
    url = "https://www.ncbi.nlm.nih.gov/research/pubtator3-api/search/?text=kidney&page=2"
    (tmp_path / "manifest.json").write_text(json.dumps({url: "page.json"}))
    fetcher = Fetcher("replay", tmp_path)
    reordered = "https://www.ncbi.nlm.nih.gov/research/pubtator3-api/search/?page=2&text=kidney"
    assert fetcher.get_json(reordered) == {"ok": True}
