"""Diagnostic panels: commercial laboratories' kidney gene panels, uploaded as CSV/TSV/XLSX.

One row per (panel, gene): `provider`, `panel`, `gene_symbol`, optional `hgnc_id` (header
names case-insensitive). Uploads merge, replace or undo per provider
(`pipeline.services.uploads`); a gene's count is its distinct (provider, panel) pairs, so two
panels of one provider count twice.
"""

from __future__ import annotations

from typing import Any

from pipeline.sources.base import EvidenceSummary
from pipeline.sources.registry import register
from pipeline.sources.tabular import Row
from pipeline.sources.uploaded import UploadedListSource


@register
class DiagnosticPanelsSource(UploadedListSource):
    key = "diagnostic-panels"
    label = "Diagnostic panels"
    description = "Commercial diagnostic kidney gene panels, uploaded by curators."
    order = 70
    REQUIRED = ("provider", "panel", "gene_symbol")
    group_field, item_field = "provider", "panel"

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
