"""Literature: curated kidney gene lists from publications, uploaded as CSV/TSV/XLSX.

One row per (publication, gene): `pmid`, `gene_symbol`, optional `hgnc_id` and `title` (header
names case-insensitive). The upload service (`pipeline.services.uploads`) maps rows to genes
and merges, replaces or undoes them per publication; this class only reads rows and summarises
a gene.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.sources.base import EvidenceSummary
from pipeline.sources.registry import register
from pipeline.sources.tabular import Row
from pipeline.sources.uploaded import UploadedListSource

PMID = re.compile(r"^(?:PMID\s*:?\s*)?(\d{1,9})(?:\.0)?$", re.IGNORECASE)


def parse_pmid(raw: str) -> str | None:
    """`12345`, `PMID:12345`, `PMID 12345` (and spreadsheet `12345.0`) → `12345`; else None."""
    match = PMID.match(raw.strip())
    if not match or int(match.group(1)) == 0:
        return None
    return str(int(match.group(1)))


@register
class LiteratureSource(UploadedListSource):
    key = "literature"
    label = "Literature"
    description = "Curated publications listing kidney genes, uploaded by curators."
    order = 60
    REQUIRED = ("pmid", "gene_symbol")
    group_field = item_field = "pmid"

    @classmethod
    def row_data(cls, row: Row, problems: list[str]) -> dict[str, Any]:
        pmid = parse_pmid(row.get("pmid"))
        if pmid is None:
            problems.append(f"row {row.line}: pmid {row.get('pmid')!r} is not a PubMed id")
        return {"pmid": pmid, "title": row.get("title"), "group_key": pmid, "item_key": pmid}

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
