"""Source runs: evidence replaced atomically, failures keep the last good evidence."""

from __future__ import annotations

import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from genes.models import Evidence
from pipeline.models import RunStatus, SourceRun, StagedRecord
from pipeline.services import source_run_execute
from tests.conftest import DEMO_DIR
from tests.pipeline.conftest import FakeSession, fake_fetcher, json_reply

PANELAPP_DEMO = DEMO_DIR / "sources" / "panelapp"
UK = "https://panelapp.genomicsengland.co.uk/api/v1"
AU = "https://panelapp-aus.org/api/v1"

pytestmark = pytest.mark.django_db


def panelapp_good_run() -> SourceRun:
    run = source_run_execute(source="panelapp", mode="replay", snapshot_dir=PANELAPP_DEMO)
    assert run.status == RunStatus.COMPLETED, run.error
    return run


def panelapp_evidence() -> dict[int, dict]:
    return {row.gene_id: row.details for row in Evidence.objects.filter(source="panelapp")}


def test_demo_snapshot_run_writes_evidence_and_run_record(demo_genes):
    run = panelapp_good_run()
    assert run.gene_count == Evidence.objects.filter(source="panelapp").count() > 40
    assert run.record_count == 67
    assert run.staged_count == 1
    assert run.source_version == "UK 2026-04-01; AU 2026-06-01"
    assert len(run.snapshot_checksum) == 64
    assert run.phase == "done" and run.heartbeat_at is not None
    pkd1 = Evidence.objects.get(source="panelapp", gene__symbol="PKD1")
    assert pkd1.panel_count == 2 and pkd1.supporting_panel_count == 2
    assert pkd1.details["regions"] == ["AU", "UK"]
    assert pkd1.run_id == run.pk


def test_adrenal_and_non_kidney_panels_are_not_evidence(demo_genes):
    panelapp_good_run()
    symbols = set(Evidence.objects.filter(source="panelapp").values_list("gene__symbol", flat=True))
    assert not symbols & {"AAAS", "ABCD1", "CDKN2A", "ABCA4"}


def test_rerun_replaces_evidence_without_duplicating_staged_records(demo_genes):
    first = panelapp_good_run()
    second = panelapp_good_run()
    assert Evidence.objects.filter(source="panelapp").count() == second.gene_count
    assert set(Evidence.objects.values_list("run_id", flat=True)) == {second.pk}
    staged = StagedRecord.objects.get(source="panelapp")
    assert staged.raw_symbol_key == "FAM58A" and staged.run_id == second.pk != first.pk
    assert staged.payload["records"][0]["panel_id"] == 283
    assert staged.payload["records"][0]["confidence_level"] == 1


def corrupt_copy(tmp_path, relative: str, content: bytes):
    target = tmp_path / "panelapp"
    shutil.copytree(PANELAPP_DEMO, target)
    (target / relative).write_bytes(content)
    return target


@pytest.mark.parametrize(
    ("relative", "content", "expected"),
    [
        ("uk/panel_283.json", b'{"id": 283, "name": "Cystic', "not JSON"),
        ("uk/panel_283.json", b"<html><body>502 Bad Gateway</body></html>", "not JSON"),
        ("uk/panel_283.json", b'{"id": 283, "name": "Cystic kidney disease"}', "genes"),
        ("uk/panels_page1.json", b'{"count": 0, "next": null, "results": []}', "empty"),
        ("uk/panels_page1.json", b'{"count": 3, "next": null}', "results"),
        ("au/panel_194.json", b"[1, 2, 3]", "JSON object"),
    ],
    ids=[
        "truncated",
        "html-error-page",
        "missing-genes-key",
        "empty-panel-list",
        "missing-results-key",
        "not-an-object",
    ],
)
def test_bad_snapshot_fails_run_and_keeps_previous_evidence(
    demo_genes, tmp_path, relative, content, expected
):
    panelapp_good_run()
    before = panelapp_evidence()
    run = source_run_execute(
        source="panelapp", mode="replay", snapshot_dir=corrupt_copy(tmp_path, relative, content)
    )
    assert run.status == RunStatus.FAILED
    assert expected in run.error
    assert run.finished_at is not None and run.phase == "failed"
    assert panelapp_evidence() == before


def test_snapshot_without_entry_names_the_missing_url(demo_genes, tmp_path):
    target = tmp_path / "panelapp"
    shutil.copytree(PANELAPP_DEMO, target)
    manifest = json.loads((target / "manifest.json").read_text())
    del manifest[f"{UK}/panels/524/"]
    (target / "manifest.json").write_text(json.dumps(manifest))
    run = source_run_execute(source="panelapp", mode="replay", snapshot_dir=target)
    assert run.status == RunStatus.FAILED
    assert f"{UK}/panels/524/" in run.error


def test_zero_resolved_genes_fails_instead_of_wiping(demo_genes, tmp_path):
    panelapp_good_run()
    before = panelapp_evidence()
    listing = {"count": 1, "next": None, "results": [{"id": 1, "name": "Renal demo"}]}
    detail = {"id": 1, "name": "Renal demo", "version": "1.0", "genes": [
        {"entity_type": "gene", "entity_name": "NOTAGENE1", "confidence_level": "3",
         "gene_data": {"hgnc_id": None}}
    ]}  # fmt: skip
    session = FakeSession(
        {f"{UK}/panels/?page=1": json_reply(listing), f"{UK}/panels/1/": json_reply(detail),
         f"{AU}/panels/?page=1": json_reply(listing), f"{AU}/panels/1/": json_reply(detail)}
    )  # fmt: skip
    run = source_run_execute(source="panelapp", fetcher=fake_fetcher("panelapp", session))
    assert run.status == RunStatus.FAILED
    assert "zero records could be mapped" in run.error
    assert panelapp_evidence() == before


@pytest.mark.parametrize("status", [500, 429, 503])
def test_http_error_storm_fails_run_and_keeps_previous_evidence(demo_genes, status):
    panelapp_good_run()
    before = panelapp_evidence()
    session = FakeSession(default=(status, b"server trouble", {"Retry-After": "1"}))
    run = source_run_execute(source="panelapp", fetcher=fake_fetcher("panelapp", session))
    assert run.status == RunStatus.FAILED
    assert f"HTTP {status}" in run.error
    assert len(session.calls) == 5  # the configured number of attempts, then give up
    assert panelapp_evidence() == before


def test_transient_errors_are_retried_then_succeed(demo_genes):
    from tests.pipeline.test_snapshots import demo_replies

    replies = demo_replies(PANELAPP_DEMO)
    first_page = f"{UK}/panels/?page=1"
    flaky = iter([(500, b"oops"), (429, b"slow down", {"Retry-After": "0"}), replies[first_page]])
    replies[first_page] = lambda _url: next(flaky)
    session = FakeSession(replies)
    run = source_run_execute(source="panelapp", fetcher=fake_fetcher("panelapp", session))
    assert run.status == RunStatus.COMPLETED, run.error
    assert session.calls.count(first_page) == 3


def test_failed_command_exits_non_zero_with_the_error(demo_genes, tmp_path):
    target = corrupt_copy(tmp_path, "uk/panel_283.json", b"<html>oops</html>")
    with pytest.raises(CommandError, match="panelapp failed: .*not JSON"):
        call_command("ingest", "panelapp", "--snapshot", str(target))
    assert SourceRun.objects.get().status == RunStatus.FAILED


def test_command_replays_demo_snapshot(demo_genes, capsys):
    call_command("ingest", "panelapp", "--snapshot", str(PANELAPP_DEMO))
    assert "panelapp: run" in capsys.readouterr().out
    assert Evidence.objects.filter(source="panelapp").exists()


def test_command_rejects_unknown_source(db):
    with pytest.raises(CommandError):
        call_command("ingest", "nosuchsource")
