"""Diagnostic panel uploads: provider/panel rows, row errors, distinct (provider, panel) count."""

from __future__ import annotations

import pytest

from genes.models import Evidence
from pipeline.sources.base import SourceFormatError
from pipeline.sources.diagnostic_panels import DiagnosticPanelsSource
from tests.pipeline.sources.conftest import xlsx_bytes

TSV = (
    b"Provider\tPanel\tGene Symbol\tHGNC ID\n"
    b"Lab A\tKidney panel\tPKD1\tHGNC:9008\n"
    b"Lab A\t  Cystic   panel \tPKD1\t\n"
    b"Lab B\tKidney panel\tPKD1\t\n"
)


def test_rows_carry_provider_group_and_panel_item():
    records = DiagnosticPanelsSource.parse_rows("panels.tsv", TSV)
    assert [(r.data["group_key"], r.data["item_key"], r.data["line"]) for r in records] == [
        ("Lab A", "Kidney panel", 2),
        ("Lab A", "Cystic panel", 3),
        ("Lab B", "Kidney panel", 4),
    ]
    assert records[0].hgnc_id == "HGNC:9008"


def test_xlsx_upload_reads_like_tsv():
    content = xlsx_bytes([["provider", "panel", "gene_symbol"], ["Lab A", "Kidney", "PKD2"]])
    records = DiagnosticPanelsSource.parse_rows("panels.xlsx", content)
    assert [(r.symbol, r.data["provider"]) for r in records] == [("PKD2", "Lab A")]


def test_every_bad_row_is_listed():
    content = b"provider,panel,gene_symbol\n,Kidney,PKD1\nLab A,,PKD2\nLab A,Kidney,\n"
    with pytest.raises(SourceFormatError) as error:
        DiagnosticPanelsSource.parse_rows("panels.csv", content)
    message = str(error.value)
    assert "3 row error(s)" in message
    assert "row 2: provider is empty" in message
    assert "row 3: panel is empty" in message
    assert "row 4: gene_symbol is empty" in message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"provider,gene_symbol\nLab,PKD1\n", r"missing column\(s\) panel"),
        (b"", "empty"),
        (b"PK\x03\x04not really", "not a readable XLSX"),
    ],
)
def test_bad_files_are_rejected(content, message):
    with pytest.raises(SourceFormatError, match=message):
        DiagnosticPanelsSource.parse_rows("panels.csv", content)


def test_two_panels_of_one_provider_count_twice_and_duplicates_once():
    records = [r.data for r in DiagnosticPanelsSource.parse_rows("panels.tsv", TSV)]
    summary = DiagnosticPanelsSource.summarise(records + records[:1])
    assert summary.panel_count == 3
    assert summary.details["providers"] == ["Lab A", "Lab B"]


def test_demo_upload_file_parses(demo_dir):
    parsed = DiagnosticPanelsSource().parse_file(demo_dir / "uploads" / "diagnostic_panels.tsv")
    assert len({(r.data["provider"], r.data["panel"]) for r in parsed.records}) == 6


@pytest.mark.django_db
def test_demo_upload_commits_evidence_end_to_end(demo_genes, demo_dir):
    from pipeline.services.uploads import upload_commit

    content = (demo_dir / "uploads" / "diagnostic_panels.tsv").read_bytes()
    upload = upload_commit(
        source="diagnostic-panels", file_name="diagnostic_panels.tsv", content=content
    )
    assert upload.staged_count == 1  # NOTAGENE1
    pkd1 = Evidence.objects.get(source="diagnostic-panels", gene__symbol="PKD1")
    assert pkd1.panel_count == 3
    assert pkd1.details["providers"] == ["Demo Lab A", "Demo Lab C"]
