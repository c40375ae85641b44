"""Diagnostic panels: commercial laboratories' kidney gene panels, uploaded as CSV/TSV/XLSX.

One row per (panel, gene): `provider`, `panel`, `gene_symbol`, optional `hgnc_id` (header
names case-insensitive). Uploads merge, replace or undo per provider (`pipeline.uploads`); a
gene's count is its distinct (provider, panel) pairs, so two panels of one provider count twice.
"""

from __future__ import annotations

from typing import Any

from genes.models import SourceKey
from pipeline.sources.base import EvidenceSummary
from pipeline.sources.tabular import Row
from pipeline.sources.uploaded import UploadedListSource


class DiagnosticPanelsSource(UploadedListSource):
    key = SourceKey.DIAGNOSTIC_PANELS
    label = "Diagnostic panels"
    REQUIRED = ("provider", "panel", "gene_symbol")

    @classmethod
    def row_data(cls, row: Row, problems: list[str]) -> dict[str, Any]:
        for column in ("provider", "panel"):
            if not row.get(column):
                problems.append(f"row {row.line}: {column} is empty")
        provider = " ".join((row.get("provider") or "").split())
        panel = " ".join((row.get("panel") or "").split())
        return {"provider": provider, "panel": panel, "group_key": provider, "item_key": panel}

    @classmethod
    def summarise(cls, records: list[dict[str, Any]]) -> EvidenceSummary:
        """Distinct (provider, panel) pairs listing the gene."""
        pairs = sorted({(str(r.get("provider", "")), str(r.get("panel", ""))) for r in records})
        panels = [{"provider": provider, "panel": panel} for provider, panel in pairs]
        details = {"panels": panels, "providers": sorted({provider for provider, _ in pairs})}
        return EvidenceSummary(details=details, panel_count=len(panels))
