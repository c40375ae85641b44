"""Bad-input corpus for the evidence sources, replayed from a corrupted copy of the demo snapshot.

Every corruption must end as a failed run whose error names the file (URL) and the problem,
and the database must stay byte-for-byte as it was apart from that failed run's own row.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.models import RunStatus
from pipeline.services import source_run_execute
from tests.conftest import DEMO_DIR
from tests.hardening import badfiles

pytestmark = pytest.mark.django_db

SNAPSHOTS = DEMO_DIR / "sources"


def _snapshot_copy(tmp_path: Path, source: str, file_name: str, corrupt: bytes) -> Path:
    directory = tmp_path / source
    shutil.copytree(SNAPSHOTS / source, directory)
    (directory / file_name).write_bytes(corrupt)
    return directory


def _run_failed(ledger, source: str, directory: Path, *expected: str) -> str:
    run = source_run_execute(source=source, mode="replay", snapshot_dir=directory)
    assert run.status == RunStatus.FAILED, f"{source} accepted the bad file: {run.log}"
    assert "Traceback" not in run.error
    assert len(run.error) < 5000, f"error message of {len(run.error)} characters"
    for text in expected:
        assert text.lower() in run.error.lower(), f"{text!r} not in {run.error!r}"
    ledger.assert_unchanged()
    assert [status for status, _ in ledger.new_runs("pipeline_sourcerun")] == ["failed"]
    return run.error


# (file in the snapshot, URL fragment naming it, delimiter, header line index, a required
# column, index of a kidney data row)
TABLES = {
    "clingen": ("Clingen-Gene-Disease-Summary.csv", "gene-validity/download", b",", 4, b"MOI", 6),
    "gencc": ("submissions-export.tsv", "submissions-export-tsv", b"\t", 0, b"gene_symbol", 1),
    "hpo": ("genes_to_phenotype.txt", "genes_to_phenotype.txt", b"\t", 0, b"hpo_id", 2),
}

# corruption → (bad bytes from good bytes and the table spec, words the error must contain)
TABLE_CORRUPTIONS: dict[str, tuple[Callable[[bytes, tuple], bytes], tuple[str, ...]]] = {
    "empty": (lambda good, spec: badfiles.empty(good), ("empty",)),
    "truncated": (lambda good, spec: badfiles.truncated_mid_row(good), ("line",)),
    "utf16": (lambda good, spec: badfiles.utf16(good), ("UTF-8",)),
    "latin1": (lambda good, spec: badfiles.latin1(good), ("UTF-8", "line")),
    "html": (lambda good, spec: badfiles.html_page(good), ("HTML",)),
    "huge_field": (lambda good, spec: badfiles.huge_field(good, spec[5]), ("line",)),
    "wrong_delimiter": (lambda good, spec: badfiles.wrong_delimiter(good, spec[2]), ("line",)),
    "missing_column": (
        lambda good, spec: _rename_header_cell(good, spec[3], spec[4], spec[2]),
        ("missing",),
    ),
    "zip": (lambda good, spec: badfiles.zip_of(good), ()),
    "xlsx_bomb": (lambda good, spec: badfiles.xlsx_bomb_sheet(), ()),
}


def _rename_header_cell(content: bytes, line_index: int, column: bytes, delimiter: bytes) -> bytes:
    lines = content.splitlines(keepends=True)
    lines[line_index] = lines[line_index].replace(column, b"NOT_" + column, 1)
    return b"".join(lines)


@pytest.mark.parametrize("corruption", sorted(TABLE_CORRUPTIONS))
@pytest.mark.parametrize("source", sorted(TABLES))
def test_bad_source_table_fails_run_and_keeps_database(ledger, tmp_path, source, corruption):
    file_name, url_part, *_ = spec = TABLES[source]
    make, words = TABLE_CORRUPTIONS[corruption]
    good = (SNAPSHOTS / source / file_name).read_bytes()
    directory = _snapshot_copy(tmp_path, source, file_name, make(good, spec))
    _run_failed(ledger, source, directory, url_part, *words)


@pytest.mark.parametrize("source", sorted(TABLES))
def test_duplicated_rows_give_the_same_evidence(ledger, tmp_path, source):
    """Each duplicate row is the same curation twice: counts must not double."""
    from genes.models import Evidence

    file_name = TABLES[source][0]
    columns = ("gene_id", "panel_count", "publication_count", "phenotype_count", "disease_count")
    columns += ("classification", "classification_weight")
    before = sorted(Evidence.objects.filter(source=source).values_list(*columns))
    good = (SNAPSHOTS / source / file_name).read_bytes()
    lines = good.splitlines(keepends=True)
    header_end = TABLES[source][3] + (2 if source == "clingen" else 1)
    body = b"".join(lines[header_end:])
    doubled = b"".join(lines[:header_end]) + body + (b"" if body.endswith(b"\n") else b"\n") + body
    directory = _snapshot_copy(tmp_path, source, file_name, doubled)
    run = source_run_execute(source=source, mode="replay", snapshot_dir=directory)
    assert run.status == RunStatus.COMPLETED, run.error
    assert sorted(Evidence.objects.filter(source=source).values_list(*columns)) == before


OBO_CORRUPTIONS = {
    "empty": (badfiles.empty, ("empty",)),
    "html": (badfiles.html_page, ("HTML",)),
    "utf16": (badfiles.utf16, ("UTF-8",)),
    "latin1": (badfiles.latin1, ("UTF-8",)),
    "truncated_header_only": (lambda good: good[: good.index(b"[Term]")], ("term",)),
    "zip": (badfiles.zip_of, ()),
}


@pytest.mark.parametrize("corruption", sorted(OBO_CORRUPTIONS))
def test_bad_hpo_ontology_fails_run_and_keeps_database(ledger, tmp_path, corruption):
    make, words = OBO_CORRUPTIONS[corruption]
    good = (SNAPSHOTS / "hpo" / "hp.obo").read_bytes()
    directory = _snapshot_copy(tmp_path, "hpo", "hp.obo", make(good))
    _run_failed(ledger, "hpo", directory, "hp.obo", *words)


def _json_cases() -> dict[str, tuple[str, str, bytes | Callable[[bytes], bytes], tuple]]:
    """(source, snapshot file, bad content or function of the good content, error words)."""
    page = "uk/panels_page1.json"
    detail = "uk/panel_283.json"
    search = "search_page1.json"

    def replace_key(key: str, value: object) -> Callable[[bytes], bytes]:
        def change(good: bytes) -> bytes:
            document = json.loads(good)
            document[key] = value
            return json.dumps(document).encode()

        return change

    cases: dict[str, tuple] = {}
    for source, name, url_part in (
        ("panelapp", page, "panels/?page=1"),
        ("panelapp", detail, "panels/283/"),
        ("pubtator", search, "page=1"),
    ):
        label = f"{source}:{name}"
        cases[f"{label}:empty"] = (source, name, b"", (url_part, "JSON"))
        cases[f"{label}:truncated"] = (source, name, lambda g: g[: len(g) // 2], (url_part, "JSON"))
        cases[f"{label}:html"] = (source, name, badfiles.HTML_ERROR_PAGE, (url_part, "html"))
        cases[f"{label}:latin1"] = (source, name, _latin1_json, (url_part, "JSON"))
        cases[f"{label}:array"] = (source, name, b"[]", (url_part, "object"))
        cases[f"{label}:zip"] = (source, name, badfiles.zip_of, (url_part,))
    cases["panelapp:page:no_results"] = ("panelapp", page, replace_key("results", None), ())
    cases["panelapp:detail:genes_not_list"] = ("panelapp", detail, replace_key("genes", "x"), ())
    cases["pubtator:results_not_list"] = ("pubtator", search, replace_key("results", {}), ())
    return cases


def _latin1_json(good: bytes) -> bytes:
    """A latin-1 byte inside a JSON string. (UTF-16 JSON is valid input: json.loads reads it.)"""
    return good.replace(b'"', b'"\xe9', 1)


JSON_CASES = _json_cases()


@pytest.mark.parametrize("case", sorted(JSON_CASES))
def test_bad_json_response_fails_run_and_keeps_database(ledger, tmp_path, case):
    source, name, bad, words = JSON_CASES[case]
    good = (SNAPSHOTS / source / name).read_bytes()
    content = bad(good) if callable(bad) else bad
    directory = _snapshot_copy(tmp_path, source, name, content)
    _run_failed(ledger, source, directory, *words)


def _manifest_edit(directory: Path, change: Callable[[dict], object]) -> None:
    path = directory / "manifest.json"
    path.write_text(json.dumps(change(json.loads(path.read_text()))))


def _drop_first_page(entries: dict) -> dict:
    """Without the first list page (PanelApp) or the only download (ClinGen)."""
    return {url: name for url, name in entries.items() if "page=1" not in url and "/kb/" not in url}


def _escape(entries: dict) -> dict:
    return {url: "../../../../etc/passwd" for url in entries}


def _missing_file(entries: dict) -> dict:
    return {url: f"gone/{name}" for url, name in entries.items()}


MANIFEST_CASES = {
    "broken_json": (b'{"https://example.org/": ', ("manifest", "JSON")),
    "not_an_object": (lambda entries: list(entries), ("manifest",)),
    "missing_entry": (_drop_first_page, ("no entry", "page=1")),
    "path_escapes": (_escape, ("outside",)),
    "file_missing": (_missing_file, ("missing",)),
    "absent": (None, ("manifest.json",)),
}


@pytest.mark.parametrize("case", sorted(MANIFEST_CASES))
@pytest.mark.parametrize("source", ["clingen", "panelapp"])
def test_bad_snapshot_manifest_fails_run_and_keeps_database(ledger, tmp_path, source, case):
    directory = tmp_path / source
    shutil.copytree(SNAPSHOTS / source, directory)
    change, words = MANIFEST_CASES[case]
    if change is None:
        (directory / "manifest.json").unlink()
    elif isinstance(change, bytes):
        (directory / "manifest.json").write_bytes(change)
    else:
        _manifest_edit(directory, change)
    if case == "missing_entry" and source == "clingen":
        words = ("no entry", "gene-validity/download")
    _run_failed(ledger, source, directory, *words)
