"""Curated list uploads: preview writes nothing, commit/replace/undo rebuild evidence.

The row parser belongs to the source class; a minimal stand-in keeps these tests about the upload
machinery itself (the real parsers are tested beside their source).
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from genes.models import Evidence, Gene
from pipeline.models import SourceUpload, StagedRecord, UploadedEntry, UploadStatus
from pipeline.services import staged_record_map
from pipeline.services.uploads import UploadError, upload_commit, upload_preview, upload_undo
from pipeline.sources.base import (
    EvidenceSource,
    EvidenceSummary,
    ParsedSource,
    SourceFormatError,
    SourceRecord,
)

pytestmark = pytest.mark.django_db


class StandInLiterature(EvidenceSource):
    key = "literature"
    label = "Literature (test stand-in)"
    uploaded = True
    group_field = item_field = "pmid"

    def fetch(self) -> ParsedSource:
        raise SourceFormatError("upload only")

    @classmethod
    def parse_rows(cls, file_name: str, content: bytes) -> list[SourceRecord]:
        reader = csv.DictReader(io.StringIO(content.decode()))
        if "gene_symbol" not in (reader.fieldnames or []):
            raise SourceFormatError(f"{file_name}: line 1: missing column gene_symbol")
        return [
            SourceRecord(
                symbol=row["gene_symbol"],
                hgnc_id=row.get("hgnc_id") or None,
                data={"pmid": row["pmid"], "title": row.get("title", ""), "line": line},
            )  # fmt: skip
            for line, row in enumerate(reader, start=2)
        ]

    @classmethod
    def summarise(cls, records: list[dict[str, Any]]) -> EvidenceSummary:
        pmids = sorted({r["pmid"] for r in records})
        return EvidenceSummary(details={"publications": pmids}, publication_count=len(pmids))


@pytest.fixture(autouse=True)
def stand_in_source(monkeypatch):
    def lookup(key: str):
        return StandInLiterature

    monkeypatch.setattr("pipeline.services.uploads.source_class", lookup)
    monkeypatch.setattr("pipeline.services.staging.source_class", lookup)
    monkeypatch.setattr("pipeline.services.runs.source_class", lookup)


def table(*rows: str) -> bytes:
    return ("pmid,gene_symbol,hgnc_id,title\n" + "\n".join(rows) + "\n").encode()


def publications(symbol: str) -> int | None:
    row = Evidence.objects.filter(source="literature", gene__symbol=symbol).first()
    return row.publication_count if row else None


def test_preview_maps_rows_and_writes_nothing(demo_genes):
    preview = upload_preview(
        source="literature", file_name="a.csv",
        content=table("100,PKD1,,Paper", "100,NOTAGENE3,,Paper", "101,PKD2,HGNC:9009,Other"),
    )  # fmt: skip
    assert [row.symbol for row in preview.mapped] == ["PKD1", "PKD2"]
    assert [row.line for row in preview.unmapped] == [3]
    assert preview.group_keys == ["100", "101"] and not preview.errors
    assert not UploadedEntry.objects.exists() and not StagedRecord.objects.exists()


def test_preview_reports_parse_errors(demo_genes):
    preview = upload_preview(source="literature", file_name="bad.csv", content=b"pmid,symbol\n1,X")
    assert preview.errors == ["bad.csv: line 1: missing column gene_symbol"]
    with pytest.raises(UploadError, match="missing column"):
        upload_commit(source="literature", file_name="bad.csv", content=b"pmid,symbol\n1,X")
    assert not SourceUpload.objects.exists()


def test_commit_records_entries_stages_unmapped_and_builds_evidence(demo_genes):
    upload = upload_commit(
        source="literature", file_name="a.csv",
        content=table("100,PKD1,,P", "101,PKD1,,Q", "101,NOTAGENE3,,Q"),
    )  # fmt: skip
    assert (upload.row_count, upload.mapped_count, upload.staged_count) == (3, 2, 1)
    assert len(upload.sha256) == 64 and upload.group_keys == ["100", "101"]
    assert publications("PKD1") == 2
    staged = StagedRecord.objects.get(source="literature")
    assert staged.payload["records"][0]["pmid"] == "101"
    assert upload.run.status == "completed"


def test_merge_adds_and_replace_swaps_a_publications_genes(demo_genes):
    upload_commit(source="literature", file_name="a.csv", content=table("100,PKD1,,P"))
    upload_commit(source="literature", file_name="b.csv", content=table("100,PKD2,,P"))
    assert publications("PKD1") == 1 and publications("PKD2") == 1
    upload_commit(
        source="literature", file_name="c.csv", content=table("100,NPHS1,,P"), mode="replace"
    )
    assert publications("PKD1") is None and publications("PKD2") is None
    assert publications("NPHS1") == 1


def test_undo_withdraws_one_publication_and_rebuilds(demo_genes):
    first = upload_commit(
        source="literature", file_name="a.csv", content=table("100,PKD1,,P", "101,PKD1,,Q")
    )
    assert upload_undo(source="literature", group_key="100") == 1
    assert publications("PKD1") == 1
    upload_undo(source="literature", group_key="101")
    assert publications("PKD1") is None
    first.refresh_from_db()
    assert first.status == UploadStatus.UNDONE
    with pytest.raises(UploadError):
        upload_undo(source="literature", group_key="101")


def test_mapping_a_staged_upload_symbol_survives_later_rebuilds(demo_genes):
    upload_commit(source="literature", file_name="a.csv", content=table("100,NOTAGENE3,,P"))
    record = StagedRecord.objects.get(source="literature")
    evidence = staged_record_map(record=record, gene=Gene.objects.get(symbol="UMOD"))
    assert evidence.publication_count == 1
    upload_commit(source="literature", file_name="b.csv", content=table("101,UMOD,,Q"))
    assert publications("UMOD") == 2


def test_ingest_command_commits_an_upload_file(demo_genes, tmp_path):
    path = tmp_path / "lit.csv"
    path.write_bytes(table("100,PKD1,,P"))
    call_command("ingest", "literature", "--file", str(path))
    assert publications("PKD1") == 1
    path.write_bytes(b"nonsense")
    with pytest.raises(CommandError, match="missing column"):
        call_command("ingest", "literature", "--file", str(path))
