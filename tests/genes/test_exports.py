"""Exports: columns, TRUE/FALSE/empty flags, filters, formats and streaming."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import call_command

from genes.exports import EXPORT_COLUMNS, export_stream, gene_scores_for_export
from genes.scoring import scores_recompute

pytestmark = pytest.mark.django_db


def test_export_columns_are_the_published_layout():
    assert EXPORT_COLUMNS == (
        "hgnc_id", "approved_symbol", "evidence_count", "list_count", "source_count_percentile",
        "panelapp", "literature", "diagnostic_panels", "hpo", "pubtator", "score", "tier",
        "source_count", "panelapp_score", "clingen_score", "gencc_score", "hpo_score",
        "pubtator_score", "literature_score", "diagnostic_panels_score",
    )  # fmt: skip


def _tsv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def test_tsv_export_rows_strongest_first_with_text_flags(golden):
    scores_recompute()
    rows = _tsv_rows("".join(export_stream(gene_scores_for_export(), "tsv")))
    assert [r["approved_symbol"] for r in rows] == ["G1", "G4", "G3", "G2", "G5", "G6"]
    g2 = next(r for r in rows if r["hgnc_id"] == "HGNC:2")
    assert (g2["panelapp"], g2["literature"], g2["diagnostic_panels"], g2["pubtator"]) == (
        "TRUE", "", "FALSE", "FALSE",
    )  # fmt: skip
    assert (g2["score"], g2["tier"], g2["source_count"]) == ("14.29", "preliminary_evidence", "4")
    assert (g2["source_count_percentile"], g2["clingen_score"]) == ("1.2917", "")
    assert rows[0]["score"] == "57.14"


def test_csv_export_has_the_same_rows(golden):
    scores_recompute()
    tsv = _tsv_rows("".join(export_stream(gene_scores_for_export(), "tsv")))
    text = "".join(export_stream(gene_scores_for_export(), "csv"))
    assert text.splitlines()[0] == ",".join(EXPORT_COLUMNS)
    assert list(csv.DictReader(io.StringIO(text))) == tsv


def test_json_export_is_an_array_with_booleans_and_nulls(golden):
    scores_recompute()
    data = json.loads("".join(export_stream(gene_scores_for_export(), "json")))
    assert len(data) == 6 and list(data[0]) == list(EXPORT_COLUMNS)
    g6 = next(r for r in data if r["hgnc_id"] == "HGNC:6")
    assert (g6["panelapp"], g6["clingen_score"], g6["score"], g6["tier"]) == (
        None, 0.0, 0.0, "no_evidence",
    )  # fmt: skip
    assert data[0]["hpo"] is True


def test_empty_json_export_is_an_empty_array():
    assert json.loads("".join(export_stream(gene_scores_for_export(), "json"))) == []


def test_export_filters_high_evidence_and_tier(golden):
    scores_recompute()
    high = [s.gene_id for s in gene_scores_for_export(high_evidence=True)]
    assert high == [1, 4, 5]  # evidence_count 5, 2, 2
    assert [s.gene_id for s in gene_scores_for_export(tier="preliminary_evidence")] == [3, 2, 5]


def test_export_streams_in_chunks(golden):
    scores_recompute()
    chunks = list(export_stream(gene_scores_for_export(), "csv", chunk_rows=2))
    assert len(chunks) == 4  # header + 2 rows, 2 rows, 2 rows, remainder
    assert "".join(chunks).count("\n") == 7
    json_chunks = list(export_stream(gene_scores_for_export(), "json", chunk_rows=2))
    assert len(json_chunks) > 2
    assert len(json.loads("".join(json_chunks))) == 6


def test_unknown_format_is_refused():
    with pytest.raises(ValueError, match="unknown export format"):
        export_stream(gene_scores_for_export(), "xlsx")


def test_export_genes_command_writes_filtered_file(golden, tmp_path):
    call_command("score")
    output = tmp_path / "genes.tsv"
    call_command("export_genes", "--format", "tsv", "--output", str(output), "--high-evidence")
    rows = _tsv_rows(output.read_text())
    assert [r["hgnc_id"] for r in rows] == ["HGNC:1", "HGNC:4", "HGNC:5"]
    tier_out = io.StringIO()
    call_command("export_genes", "--format", "json", "--tier", "no_evidence", stdout=tier_out)
    assert [r["hgnc_id"] for r in json.loads(tier_out.getvalue())] == ["HGNC:6"]


def test_score_command_reports_tiers(golden):
    out = io.StringIO()
    call_command("score", stdout=out)
    assert "Scored 6 genes from 7 sources" in out.getvalue()
    assert "comprehensive_support: 1" in out.getvalue()
