"""Diagnostic panels: commercial laboratories' kidney gene panels, uploaded as CSV/TSV/XLSX.

One row per (panel, gene): `provider`, `panel`, `gene_symbol`, optional `hgnc_id` (header
names case-insensitive). Uploads merge, replace or undo per provider (`pipeline.uploads`); a
gene's count is its distinct (provider, panel) pairs, so two panels of one provider count twice.
"""

from __future__ import annotations

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
from pipeline.sources.literature import check_gene_columns
from pipeline.sources.tabular import raise_row_errors, read_table


class DiagnosticPanelsSource(EvidenceSource):
    key = SourceKey.DIAGNOSTIC_PANELS
    label = "Diagnostic panels"
    REQUIRED = ("provider", "panel", "gene_symbol")

    def fetch(self) -> ParsedSource:
        raise SourceFormatError(f"{self.label} are uploaded, not fetched: upload a file")

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
            for column in ("provider", "panel"):
                if not row.get(column):
                    problems.append(f"row {row.line}: {column} is empty")
            errors.extend(problems)
            if problems:
                continue
            provider, panel = (
                " ".join(row.get("provider").split()),
                " ".join(row.get("panel").split()),
            )
            data = {
                "provider": provider,
                "panel": panel,
                "group_key": provider,
                "item_key": panel,
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
        """Distinct (provider, panel) pairs listing the gene."""
        pairs = sorted({(str(r.get("provider", "")), str(r.get("panel", ""))) for r in records})
        panels = [{"provider": provider, "panel": panel} for provider, panel in pairs]
        details = {"panels": panels, "providers": sorted({provider for provider, _ in pairs})}
        return EvidenceSummary(details=details, panel_count=len(panels))
