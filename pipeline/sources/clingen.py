"""ClinGen gene–disease validity: the kidney expert panels' curations from the summary CSV.

The download is a CSV with a title/date/webpage preamble and `+++` separator rows around the
header. A curation is kept when its GCEP is one of the kidney expert panels (substring match, so
the 2026 " Gene Curation Expert Panel" suffix is optional) or its disease label matches the kidney
keyword list. Every classification is kept as data — unknown values included — and the gene's
evidence is its strongest classification.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pipeline.sources.base import EvidenceSummary, ParsedSource, SourceFormatError, SourceRecord
from pipeline.sources.config import KIDNEY_KEYWORDS, KIDNEY_KEYWORDS_EXCLUDE
from pipeline.sources.registry import register
from pipeline.sources.tabular import (
    TabularSource,
    column_index,
    iter_raw_rows,
    text_matches_any,
    unique_records,
)

HEADER_FIRST_CELL = "GENE SYMBOL"
COLUMNS = {
    "symbol": "GENE SYMBOL",
    "hgnc_id": "GENE ID (HGNC)",
    "disease": "DISEASE LABEL",
    "mondo_id": "DISEASE ID (MONDO)",
    "moi": "MOI",
    "sop": "SOP",
    "classification": "CLASSIFICATION",
    "report_url": "ONLINE REPORT",
    "date": "CLASSIFICATION DATE",
    "gcep": "GCEP",
}
FILE_CREATED = re.compile(r"FILE CREATED:\s*(\S+)", re.IGNORECASE)
# CGGV:assertion_<uuid>-<timestamp> today; legacy curations use CGGCIEX:assertion_<n>.
ASSERTION_ID = re.compile(r"([A-Za-z]+:assertion_[^/?#\s]+)")


def _header_key(cell: str) -> str:
    return " ".join(cell.split()).upper()


@register
class ClinGenSource(TabularSource):
    key = "clingen"
    label = "ClinGen"
    description = (
        "ClinGen gene–disease validity curations by the kidney expert panels, classified from "
        "Definitive to Refuted, with the online report of each curation."
    )
    order = 20
    refresh = "weekly"
    default_config: ClassVar[dict[str, Any]] = {
        "url": "https://search.clinicalgenome.org/kb/gene-validity/download",
        "kidney_gceps": [
            "Kidney Cystic and Ciliopathy Disorders",
            "Glomerulopathy",
            "Tubulopathy",
            "Complement-Mediated Kidney Diseases",
            "Congenital Anomalies of the Kidney and Urinary Tract",
        ],
        "kidney_keywords": KIDNEY_KEYWORDS,
        "kidney_keywords_exclude": KIDNEY_KEYWORDS_EXCLUDE,
        "rate_limits": {"search.clinicalgenome.org": 2.0},
    }

    def parse_bytes(self, content: bytes, *, name: str) -> ParsedSource:
        """Every kidney curation in the file, and the file's "FILE CREATED" date as version."""
        version = ""
        index: dict[str, int] | None = None
        records: list[SourceRecord] = []
        total = 0
        for line, cells in iter_raw_rows(name, content):
            first = cells[0].strip() if cells else ""
            if index is None:
                if match := FILE_CREATED.search(first):
                    version = match.group(1)
                elif _header_key(first) == HEADER_FIRST_CELL:
                    index = column_index(
                        cells, required=COLUMNS.values(), name=name, line=line, key=_header_key
                    )
                continue
            if not first or first.startswith("+"):
                continue
            if len(cells) < len(index):
                raise SourceFormatError(
                    f"{name}: line {line}: expected {len(index)} fields, found {len(cells)} "
                    "(truncated file?)"
                )
            total += 1
            values = {field: cells[index[column]].strip() for field, column in COLUMNS.items()}
            if self._is_kidney(values):
                records.append(self._record(values, line))
        if index is None:
            raise SourceFormatError(
                f"{name}: no header row starting with {HEADER_FIRST_CELL!r}; "
                "not a ClinGen gene-validity CSV"
            )
        log = [f"{total} curations read, {len(records)} kept as kidney curations"]
        return ParsedSource(records=records, version=version, log=log)

    def _is_kidney(self, values: dict[str, str]) -> bool:
        if text_matches_any(values["gcep"], self.config["kidney_gceps"]):
            return True
        return self.mentions_kidney(values["disease"])

    @staticmethod
    def _record(values: dict[str, str], line: int) -> SourceRecord:
        match = ASSERTION_ID.search(values["report_url"])
        data = {
            "assertion_id": match.group(1) if match else values["report_url"],
            "disease": values["disease"],
            "mondo_id": values["mondo_id"],
            "moi": values["moi"],
            "sop": values["sop"],
            "classification": values["classification"],
            "date": values["date"],
            "report_url": values["report_url"],
            "gcep": values["gcep"],
            "line": line,
        }
        return SourceRecord(symbol=values["symbol"], hgnc_id=values["hgnc_id"] or None, data=data)

    @classmethod
    def records_from_details(cls, details: dict[str, Any]) -> list[dict[str, Any]]:
        """The curations are the records themselves; no second copy is stored."""
        return list(details.get("curations") or [])

    @classmethod
    def summarise(cls, records: list[dict[str, Any]]) -> EvidenceSummary:
        """All curations of the gene; the best classification is the MAX weight, never the first."""
        from genes.config import best_classification

        curations = unique_records(records, "assertion_id")
        curations.sort(key=lambda c: (c.get("date", ""), c.get("assertion_id", "")), reverse=True)
        best = best_classification(cls.key, [c.get("classification") for c in curations])
        label, weight = best if best else ("", None)
        details = {
            "curations": curations,
            "curation_count": len(curations),
            "gceps": sorted({c["gcep"] for c in curations if c.get("gcep")}),
            "best_classification": label,
        }
        return EvidenceSummary(details=details, classification=label, classification_weight=weight)
