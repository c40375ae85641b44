"""Literature: curated kidney gene lists from publications, uploaded as CSV/TSV/XLSX.

One row per (publication, gene): `pmid`, `gene_symbol`, optional `hgnc_id` and `title` (header
names case-insensitive). The upload service (`pipeline.uploads`) maps rows to genes and merges,
replaces or undoes them per publication; this class only reads rows and summarises a gene.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from genes.models import SourceKey
from pipeline.sources.base import (
    EvidenceSource,
    EvidenceSummary,
    ParsedSource,
    SourceFormatError,
    SourceRecord,
)
from pipeline.sources.tabular import Row, raise_row_errors, read_table

PMID = re.compile(r"^(?:PMID\s*:?\s*)?(\d{1,9})(?:\.0)?$", re.IGNORECASE)
HGNC_ID = re.compile(r"^(?:HGNC:)?\d{1,7}$", re.IGNORECASE)


def parse_pmid(raw: str) -> str | None:
    """`12345`, `PMID:12345`, `PMID 12345` (and spreadsheet `12345.0`) → `12345`; else None."""
    match = PMID.match(raw.strip())
    if not match or int(match.group(1)) == 0:
        return None
    return str(int(match.group(1)))


def check_gene_columns(row: Row) -> list[str]:
    """Problems with the gene columns shared by both upload formats."""
    problems = []
    if not row.get("gene_symbol") and not row.get("hgnc_id"):
        problems.append(f"row {row.line}: gene_symbol is empty")
    if row.get("hgnc_id") and not HGNC_ID.match(row.get("hgnc_id")):
        problems.append(f"row {row.line}: hgnc_id {row.get('hgnc_id')!r} is not an HGNC id")
    return problems


class LiteratureSource(EvidenceSource):
    key = SourceKey.LITERATURE
    label = "Literature (curated publications)"
    REQUIRED = ("pmid", "gene_symbol")

    def fetch(self) -> ParsedSource:
        raise SourceFormatError(f"{self.label} is uploaded, not fetched: upload a file")

    def parse_file(self, path: Path) -> ParsedSource:
        path = Path(path)
        records = self.parse_rows(path.name, path.read_bytes())
        return ParsedSource(records=records, version=f"file {path.name}")

    @classmethod
    def parse_rows(cls, file_name: str, content: bytes) -> list[SourceRecord]:
        """Every row as a record; raises SourceFormatError listing each bad row."""
        _, rows = read_table(file_name, content, required=cls.REQUIRED, strict_width=False)
        records, errors = [], []
        for row in rows:
            problems = check_gene_columns(row)
            pmid = parse_pmid(row.get("pmid"))
            if pmid is None:
                problems.append(f"row {row.line}: pmid {row.get('pmid')!r} is not a PubMed id")
            errors.extend(problems)
            if problems:
                continue
            data = {
                "pmid": pmid,
                "title": row.get("title"),
                "group_key": pmid,
                "item_key": pmid,
                "line": row.line,
            }
            records.append(
                SourceRecord(
                    symbol=row.get("gene_symbol"), hgnc_id=row.get("hgnc_id") or None, data=data
                )
            )
        raise_row_errors(file_name, errors)
        return records

    @classmethod
    def summarise(cls, records: list[dict[str, Any]]) -> EvidenceSummary:
        """Distinct publications (PMIDs) listing the gene, with their titles."""
        titles: dict[str, str] = {}
        for record in records:
            pmid = str(record.get("pmid") or "")
            if pmid and not titles.get(pmid):
                titles[pmid] = record.get("title") or ""
        publications = [{"pmid": p, "title": titles[p]} for p in sorted(titles, key=int)]
        details = {"publications": publications, "pmids": [p["pmid"] for p in publications]}
        return EvidenceSummary(details=details, publication_count=len(publications))
