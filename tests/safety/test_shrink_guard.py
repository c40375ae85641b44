"""Issue 14 §1: a short file must not silently shrink a source.

Every source is run once in full from the demo snapshot, then again from a copy whose data file
is cut at a line end (a download that stopped early). The second run must be held — evidence
and scores untouched — until a curator confirms it, which applies it. Formats with a
completeness signal (PanelApp's count, PubTator's total, JSON that must be closed) fail instead.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from curation.roles import CURATOR
from genes.models import Evidence, Gene, GeneScore
from pipeline.models import HeldResult, RunStatus, SourceRun, UploadedEntry
from pipeline.services import source_run_execute
from pipeline.services.uploads import UploadHeldError, upload_commit
from pipeline.shrink import shrink_limits, source_shrink_check
from tests.conftest import DEMO_DIR, make_role_user

pytestmark = pytest.mark.django_db
SOURCES = DEMO_DIR / "sources"
# The data file of each line-based source in its demo snapshot, and its header lines.
LINE_FILES = {
    "clingen": ("Clingen-Gene-Disease-Summary.csv", 6),
    "gencc": ("submissions-export.tsv", 1),
    "hpo": ("genes_to_phenotype.txt", 1),
}


@pytest.fixture
def curator(db):
    return make_role_user("cora", CURATOR, password="a-long-Secret-pass-42")


def state() -> tuple[list, list]:
    """Everything a shrink must not touch: evidence rows and scores."""
    evidence = list(
        Evidence.objects.order_by("source", "gene_id").values_list(
            "source", "gene_id", "details", "run_id"
        )
    )
    scores = list(GeneScore.objects.order_by("gene_id").values_list("gene_id", "score", "tier"))
    return evidence, scores


def full_run(source: str) -> SourceRun:
    run = source_run_execute(source=source, mode="replay", snapshot_dir=SOURCES / source)
    assert run.status == RunStatus.COMPLETED, run.error
    return run


def cut_copy(tmp_path: Path, source: str, relative: str, keep_lines: int) -> Path:
    """A copy of the source's demo snapshot whose `relative` file ends after `keep_lines`."""
    target = tmp_path / source
    shutil.copytree(SOURCES / source, target)
    lines = (target / relative).read_bytes().splitlines(keepends=True)
    (target / relative).write_bytes(b"".join(lines[:keep_lines]))
    return target


def assert_held_then_confirmed(api_client, curator, run: SourceRun, before: tuple, full: int):
    assert run.status == RunStatus.HELD, (run.status, run.error)
    assert run.gene_count < full
    assert f"would drop {full - run.gene_count} of {full} genes" in run.message
    assert state() == before, "a held run changed evidence or scores"
    assert HeldResult.objects.filter(run=run).exists()

    api_client.force_authenticate(curator)
    response = api_client.post(f"/api/runs/{run.pk}/confirm/")
    assert response.status_code == 200, response.json()
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert "confirmed by cora" in run.log
    assert Evidence.objects.filter(source=run.source).count() == run.gene_count
    assert set(Evidence.objects.filter(source=run.source).values_list("run_id", flat=True)) == {
        run.pk
    }
    assert state()[1] != before[1], "confirming did not recompute the scores"
    assert not HeldResult.objects.filter(run=run).exists()
    assert api_client.post(f"/api/runs/{run.pk}/confirm/").status_code == 409


@pytest.mark.parametrize("source", sorted(LINE_FILES))
def test_a_file_cut_at_a_line_end_is_held_and_confirming_applies_it(
    source, tmp_path, demo_genes, api_client, curator
):
    full = full_run(source).gene_count
    before = state()
    relative, header = LINE_FILES[source]
    run = source_run_execute(
        source=source, mode="replay",
        snapshot_dir=cut_copy(tmp_path, source, relative, keep_lines=header + 6),
    )  # fmt: skip
    assert_held_then_confirmed(api_client, curator, run, before, full)


@pytest.mark.parametrize("source", ["clingen", "gencc"])
def test_ingest_file_of_the_first_lines_is_held_and_accept_shrink_applies_it(
    source, tmp_path, demo_genes
):
    full = full_run(source).gene_count
    before = state()
    relative, header = LINE_FILES[source]
    cut = cut_copy(tmp_path, source, relative, keep_lines=header + 6) / relative
    with pytest.raises(CommandError, match="held"):
        call_command("ingest", source, "--file", str(cut), stdout=io.StringIO())
    assert state() == before
    assert SourceRun.objects.filter(source=source).first().status == RunStatus.HELD

    call_command("ingest", source, "--file", str(cut), "--accept-shrink", stdout=io.StringIO())
    applied = SourceRun.objects.filter(source=source).first()
    assert applied.status == RunStatus.COMPLETED
    assert Evidence.objects.filter(source=source).count() == applied.gene_count < full


def _panel_list(region_base: str, panels: list[dict]) -> dict:
    return {"count": len(panels), "next": None, "previous": None, "results": panels}


def test_panelapp_with_fewer_panels_listed_is_held(tmp_path, demo_genes, api_client, curator):
    full = full_run("panelapp").gene_count
    before = state()
    target = tmp_path / "panelapp"
    shutil.copytree(SOURCES / "panelapp", target)
    # A consistent but much shorter list (one UK kidney panel, no AU panel): held, not failed.
    uk = json.loads((target / "uk/panels_page1.json").read_text())
    (target / "uk/panels_page1.json").write_text(json.dumps(_panel_list("uk", uk["results"][:1])))
    other = [{"id": 9999, "name": "Cardiomyopathy"}]
    (target / "au/panels_page1.json").write_text(json.dumps(_panel_list("au", other)))
    run = source_run_execute(source="panelapp", mode="replay", snapshot_dir=target)
    assert_held_then_confirmed(api_client, curator, run, before, full)


@pytest.mark.parametrize(
    ("relative", "cut", "expected"),
    [
        # A JSON document cut at a line end does not parse: its arrays are never closed.
        ("uk/panel_283.json", "lines", "not JSON"),
        ("uk/panels_page1.json", "lines", "not JSON"),
        # Page 1 says 5 panels but has no `next`: the list is incomplete.
        ("uk/panels_page1.json", "no-next", "the API reports 5 entries but 1 page(s) held 3"),
    ],
)
def test_panelapp_incomplete_responses_fail_and_keep_evidence(
    relative, cut, expected, tmp_path, demo_genes
):
    full_run("panelapp")
    before = state()
    target = tmp_path / "panelapp"
    shutil.copytree(SOURCES / "panelapp", target)
    path = target / relative
    if cut == "lines":
        path.write_bytes(b"".join(path.read_bytes().splitlines(keepends=True)[:20]))
    else:
        page = json.loads(path.read_text())
        path.write_text(json.dumps({**page, "next": None}))
    run = source_run_execute(source="panelapp", mode="replay", snapshot_dir=target)
    assert run.status == RunStatus.FAILED
    assert expected in run.error
    assert state() == before


def _pubtator_copy(tmp_path: Path) -> tuple[Path, dict, list[Path]]:
    target = tmp_path / "pubtator"
    shutil.copytree(SOURCES / "pubtator", target)
    pages = sorted(target.glob("search_page*.json"))
    return target, json.loads((target / "manifest.json").read_text()), pages


def test_pubtator_with_fewer_hits_reported_is_held(tmp_path, demo_genes, api_client, curator):
    full = full_run("pubtator").gene_count
    before = state()
    target, _, pages = _pubtator_copy(tmp_path)
    first = json.loads(pages[0].read_text())
    # A consistent but much smaller answer: one page, its own hits only.
    first.update(count=2, total_pages=1, results=first["results"][:2])
    pages[0].write_text(json.dumps(first))
    run = source_run_execute(source="pubtator", mode="replay", snapshot_dir=target)
    assert_held_then_confirmed(api_client, curator, run, before, full)


@pytest.mark.parametrize("cut", ["lines", "short-page"])
def test_pubtator_incomplete_crawl_fails_and_keeps_evidence(cut, tmp_path, demo_genes):
    full_run("pubtator")
    before = state()
    target, _, pages = _pubtator_copy(tmp_path)
    if cut == "lines":
        pages[1].write_bytes(b"".join(pages[1].read_bytes().splitlines(keepends=True)[:30]))
        expected = "not JSON"
    else:
        # Page 2 lost half its results: 29 hits reported, 24 read.
        second = json.loads(pages[1].read_text())
        second["results"] = second["results"][:5]
        pages[1].write_text(json.dumps(second))
        expected = "reports 29 hits in 3 page(s) but 24 were read"
    run = source_run_execute(source="pubtator", mode="replay", snapshot_dir=target)
    assert run.status == RunStatus.FAILED
    assert expected in run.error
    assert state() == before


# Uploads: a replace that drops most of a provider's rows ---------------------------------------

UPLOADS = {
    "literature": ("literature.csv", "pmid", ","),
    "diagnostic-panels": ("diagnostic_panels.tsv", "provider", "\t"),
}


def _cut_after_first_row_of_a_big_group(content: bytes, group_column: str, delimiter: str):
    """The file up to and including the first row of the first group with 3+ rows."""
    lines = content.decode().splitlines(keepends=True)
    rows = list(csv.DictReader(io.StringIO(content.decode()), delimiter=delimiter))
    sizes = Counter(row[group_column] for row in rows)
    big = next(key for key in sizes if sizes[key] >= 3)
    first = next(index for index, row in enumerate(rows) if row[group_column] == big)
    return "".join(lines[: first + 2]).encode(), big, sizes[big]


@pytest.mark.parametrize("source", sorted(UPLOADS))
def test_a_replace_upload_cut_at_a_line_end_is_held_and_confirming_applies_it(
    source, demo_genes, api_client, curator
):
    file_name, group_column, delimiter = UPLOADS[source]
    content = (DEMO_DIR / "uploads" / file_name).read_bytes()
    upload_commit(source=source, file_name=file_name, content=content, user=curator)
    before = state()
    entries = list(UploadedEntry.objects.filter(active=True).values_list("pk", flat=True))
    cut, group, rows = _cut_after_first_row_of_a_big_group(content, group_column, delimiter)

    api_client.force_authenticate(curator)
    response = api_client.post(
        "/api/uploads/",
        {"source": source, "mode": "replace", "file": SimpleUploadedFile(file_name, cut)},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["held"] is True
    assert f"{group}: {rows - 1} of {rows} rows" in body["detail"]
    assert state() == before
    assert list(UploadedEntry.objects.filter(active=True).values_list("pk", flat=True)) == entries

    confirmed = api_client.post(f"/api/runs/{body['run']}/confirm/")
    assert confirmed.status_code == 200, confirmed.json()
    run = SourceRun.objects.get(pk=body["run"])
    assert run.status == RunStatus.COMPLETED
    kept = UploadedEntry.objects.filter(active=True, source=source, group_key=group)
    assert kept.count() == 1
    assert state() != before


def test_a_replace_that_keeps_most_rows_is_not_held(demo_genes, curator):
    content = (DEMO_DIR / "uploads" / "literature.csv").read_bytes()
    upload_commit(source="literature", file_name="l.csv", content=content, user=curator)
    upload = upload_commit(
        source="literature", file_name="l.csv", content=content, mode="replace", user=curator
    )
    assert upload.run.status == RunStatus.COMPLETED


@override_settings(UPLOAD_REPLACE_MAX_DROP_PERCENT=100)
def test_the_upload_replace_percentage_is_a_setting(demo_genes, curator):
    content = (DEMO_DIR / "uploads" / "diagnostic_panels.tsv").read_bytes()
    upload_commit(source="diagnostic-panels", file_name="d.tsv", content=content, user=curator)
    cut, _, _ = _cut_after_first_row_of_a_big_group(content, "provider", "\t")
    upload = upload_commit(
        source="diagnostic-panels", file_name="d.tsv", content=cut, mode="replace", user=curator
    )
    assert upload.run.status == RunStatus.COMPLETED


def test_a_held_upload_raises_a_distinct_error_from_the_service(demo_genes, curator):
    content = (DEMO_DIR / "uploads" / "literature.csv").read_bytes()
    upload_commit(source="literature", file_name="l.csv", content=content, user=curator)
    cut, _, _ = _cut_after_first_row_of_a_big_group(content, "pmid", ",")
    with pytest.raises(UploadHeldError) as held:
        upload_commit(source="literature", file_name="l.csv", content=cut, mode="replace")
    assert held.value.run.status == RunStatus.HELD


# Thresholds, read from the settings, at their boundaries -----------------------------------------


def _baseline(source: str, genes: int) -> None:
    Evidence.objects.bulk_create(
        Evidence(gene=gene, source=source, details={})
        for gene in Gene.objects.order_by("pk")[:genes]
    )


def test_drop_exactly_at_the_percentage_is_applied_one_gene_more_is_held(demo_genes):
    limits = shrink_limits("clingen")
    before = 100
    _baseline("clingen", before)
    allowed = int(before * limits.max_drop_percent / 100)
    assert allowed >= 1 and before - allowed - 1 >= limits.min_genes
    assert source_shrink_check("clingen", before - allowed) is None
    held = source_shrink_check("clingen", before - allowed - 1)
    assert held is not None and held.dropped == allowed + 1


def test_landing_exactly_on_the_floor_is_applied_one_gene_below_is_held(demo_genes):
    with override_settings(SOURCE_OVERRIDES={"gencc": {"shrink_guard": {"max_drop_percent": 100}}}):
        limits = shrink_limits("gencc")
        assert limits.max_drop_percent == 100
        _baseline("gencc", limits.min_genes + 5)
        assert source_shrink_check("gencc", limits.min_genes) is None
        assert source_shrink_check("gencc", limits.min_genes - 1) is not None


def test_the_guard_is_configurable_per_source(demo_genes):
    with override_settings(SOURCE_OVERRIDES={"hpo": {"shrink_guard": {"max_drop_percent": 50}}}):
        assert shrink_limits("hpo").max_drop_percent == 50
        assert shrink_limits("clingen").max_drop_percent == 20
        _baseline("hpo", 40)
        assert source_shrink_check("hpo", 20) is None
        assert source_shrink_check("hpo", 19) is not None


def test_growth_and_first_runs_are_never_held(demo_genes):
    assert source_shrink_check("clingen", 1) is None  # no evidence yet
    _baseline("clingen", 12)
    assert source_shrink_check("clingen", 30) is None


def test_a_later_completed_run_supersedes_a_held_one(tmp_path, demo_genes, api_client, curator):
    full_run("clingen")
    relative, header = LINE_FILES["clingen"]
    held = source_run_execute(
        source="clingen", mode="replay",
        snapshot_dir=cut_copy(tmp_path, "clingen", relative, keep_lines=header + 6),
    )  # fmt: skip
    assert held.status == RunStatus.HELD
    full_run("clingen")
    api_client.force_authenticate(curator)
    response = api_client.post(f"/api/runs/{held.pk}/confirm/")
    assert response.status_code == 409
    assert "replace newer evidence with older" in response.json()["errors"][0]["detail"]


def test_the_sources_page_shows_a_held_run(tmp_path, demo_genes, client):
    full_run("clingen")
    relative, header = LINE_FILES["clingen"]
    source_run_execute(
        source="clingen", mode="replay",
        snapshot_dir=cut_copy(tmp_path, "clingen", relative, keep_lines=header + 6),
    )  # fmt: skip
    page = client.get("/sources/").content.decode()
    assert 'data-run-source="clingen" data-run-status="held"' in page
    assert "held: would drop" in page
    live = client.get("/admin/pipeline/live/state.json")
    if live.status_code == 200:
        clingen = [run for run in live.json()["runs"] if run["source"] == "clingen"]
        assert clingen[-1]["status"] == "held"


def test_admin_confirm_action_applies_a_held_run(tmp_path, demo_genes, client, curator):
    full_run("gencc")
    relative, header = LINE_FILES["gencc"]
    run = source_run_execute(
        source="gencc", mode="replay",
        snapshot_dir=cut_copy(tmp_path, "gencc", relative, keep_lines=header + 6),
    )  # fmt: skip
    client.force_login(curator)
    response = client.post(
        "/admin/pipeline/sourcerun/",
        {"action": "confirm_selected", "_selected_action": [run.pk]},
        follow=True,
    )
    assert response.status_code == 200
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert Evidence.objects.filter(source="gencc").count() == run.gene_count
