"""GenCC submissions: every submitter's gene–disease classification for kidney diseases.

The export comes as TSV, CSV or XLSX, in the legacy 30-column layout (keyed by `uuid`) or the
2026 31-column layout (`sgc_id` + `version_number`); columns are found by header name, so both
read the same. A submission is kept when its disease text matches the kidney keyword list. The
run's version is the latest `submitted_run_date` in the file.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pipeline.sources.base import EvidenceSummary, ParsedSource, SourceFormatError, SourceRecord
from pipeline.sources.config import KIDNEY_KEYWORDS, KIDNEY_KEYWORDS_EXCLUDE
from pipeline.sources.registry import register
from pipeline.sources.tabular import Row, TabularSource, read_table, unique_records

REQUIRED_COLUMNS = (
    "gene_curie",
    "gene_symbol",
    "disease_title",
    "classification_title",
    "submitter_title",
)
DISEASE_TEXT_COLUMNS = ("disease_title", "disease_original_title", "submitted_as_disease_name")
ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
DIGITS = re.compile(r"\d+")
MAX_PMID_DIGITS = 9


def normalise_pmids(text: str) -> list[str]:
    """PMIDs from any of GenCC's spellings (`PMID: 1`, `1;2`, `1[PMID]_2[PMID]`); `0` is none."""
    found = []
    for digits in DIGITS.findall(text or ""):
        value = digits.lstrip("0")
        if value and len(value) <= MAX_PMID_DIGITS and value not in found:
            found.append(value)
    return found


def normalise_date(text: str) -> str:
    """ISO date (YYYY-MM-DD) from `2018-03-30 13:31:56` or `2020-12-24T00:00:00Z`; else as given."""
    match = ISO_DATE.search(text or "")
    return match.group(1) if match else (text or "").strip()


def layout_of(header: list[str], name: str) -> str:
    if "sgc_id" in header:
        return "new"
    if "uuid" in header:
        return "legacy"
    raise SourceFormatError(
        f"{name}: line 1: neither a 'uuid' (legacy) nor an 'sgc_id' (new) column; "
        "not a GenCC submissions export"
    )


@register
class GenCCSource(TabularSource):
    key = "gencc"
    label = "GenCC"
    description = (
        "Gene–disease submissions to the Gene Curation Coalition from many submitters, filtered "
        "to kidney diseases, with their classifications and dates."
    )
    order = 30
    refresh = "weekly"
    default_config: ClassVar[dict[str, Any]] = {
        "url": "https://search.thegencc.org/download/action/submissions-export-tsv",
        "kidney_keywords": KIDNEY_KEYWORDS,
        "kidney_keywords_exclude": KIDNEY_KEYWORDS_EXCLUDE,
        "rate_limits": {"search.thegencc.org": 1.0},
    }

    def parse_bytes(self, content: bytes, *, name: str) -> ParsedSource:
        header, rows = read_table(name, content, required=REQUIRED_COLUMNS)
        layout = layout_of(header, name)
        id_column = "sgc_id" if layout == "new" else "uuid"
        records = [self._record(row, id_column) for row in rows if self._is_kidney(row)]
        run_dates = [normalise_date(row.get("submitted_run_date")) for row in rows]
        version = max((date for date in run_dates if ISO_DATE.fullmatch(date)), default="")
        log = [
            f"{layout} layout ({len(header)} columns); {len(rows)} submissions read, "
            f"{len(records)} kept as kidney submissions"
        ]
        return ParsedSource(records=records, version=version, log=log)

    def _is_kidney(self, row: Row) -> bool:
        text = " | ".join(row.get(column) for column in DISEASE_TEXT_COLUMNS)
        return self.mentions_kidney(text)

    @staticmethod
    def _record(row: Row, id_column: str) -> SourceRecord:
        data = {
            "submission_id": row.get(id_column),
            "version_number": row.get("version_number"),
            "disease_curie": row.get("disease_curie"),
            "disease_title": row.get("disease_title"),
            "classification": row.get("classification_title") or row.get("classification_curie"),
            "classification_curie": row.get("classification_curie"),
            "moi": row.get("moi_title"),
            "moi_curie": row.get("moi_curie"),
            "submitter": row.get("submitter_title"),
            "submitter_curie": row.get("submitter_curie"),
            "date": normalise_date(row.get("submitted_as_date")),
            "pmids": normalise_pmids(row.get("submitted_as_pmids")),
            "report_url": row.get("submitted_as_public_report_url"),
            "line": row.line,
        }
        return SourceRecord(
            symbol=row.get("gene_symbol"), hgnc_id=row.get("gene_curie") or None, data=data
        )

    @classmethod
    def records_from_details(cls, details: dict[str, Any]) -> list[dict[str, Any]]:
        """The submissions are the records themselves; no second copy is stored."""
        return list(details.get("submissions") or [])

    @classmethod
    def summarise(cls, records: list[dict[str, Any]]) -> EvidenceSummary:
        """All submissions of the gene; the best classification is the MAX weight."""
        from genes.config import best_classification

        submissions = unique_records(records, "submission_id", "version_number")
        submissions.sort(
            key=lambda s: (s.get("date", ""), s.get("submission_id", "")), reverse=True
        )
        best = best_classification(cls.key, [s.get("classification") for s in submissions])
        label, weight = best if best else ("", None)
        pmids = sorted({pmid for s in submissions for pmid in s.get("pmids", [])}, key=int)
        details = {
            "submissions": submissions,
            "submission_count": len(submissions),
            "submitters": sorted({s["submitter"] for s in submissions if s.get("submitter")}),
            "pmids": pmids,
            "best_classification": label,
        }
        return EvidenceSummary(details=details, classification=label, classification_weight=weight)
