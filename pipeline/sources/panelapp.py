"""PanelApp UK (Genomics England) and PanelApp Australia: gene ratings on kidney panels.

Both instances share the DRF API: `panels/?page=N` (paginated, `next` followed verbatim) lists
panels; `panels/{id}/` returns one panel with its gene entities. Kidney panels are chosen by
name. Each gene entity on a kidney panel becomes one record keeping its confidence, MOI,
phenotypes, evidence, publications and the panel id/name/version/region.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, ClassVar

from pipeline.sources.base import (
    EvidenceSource,
    EvidenceSummary,
    ParsedSource,
    SourceFormatError,
    SourceRecord,
    json_object,
    paginate_next,
)
from pipeline.sources.config import source_config
from pipeline.sources.registry import register

OMIM_PATTERN = re.compile(r"(?:OMIM:|MIM#?\s*)?\b(\d{6})\b")
RATINGS = {3: "green", 2: "amber", 1: "red", 0: "red"}
MOI_PREFIXES = (
    ("MONOALLELIC", "AD"),
    ("BIALLELIC", "AR"),
    ("BOTH", "AD/AR"),
    ("X-LINKED", "XL"),
    ("X LINKED", "XL"),
    ("MITOCHONDRIAL", "MT"),
)


def moi_short(text: str | None) -> str:
    """PanelApp's long MOI vocabulary as AD/AR/XL/MT ('' when unknown or other)."""
    upper = (text or "").strip().upper()
    for prefix, short in MOI_PREFIXES:
        if upper.startswith(prefix):
            return short
    return ""


def omim_ids(phenotypes: list[str]) -> list[str]:
    found = {match for text in phenotypes for match in OMIM_PATTERN.findall(text or "")}
    return sorted(found)


def is_kidney_panel(name: str, include: list[str], exclude: list[str]) -> bool:
    lowered = (name or "").lower()
    return any(word in lowered for word in include) and not any(word in lowered for word in exclude)


def _confidence(entity: dict[str, Any], where: str) -> int:
    raw = entity.get("confidence_level")
    try:
        return int(raw)
    except (TypeError, ValueError) as error:
        raise SourceFormatError(f"{where}: confidence_level {raw!r} is not a number") from error


def _string_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    return [str(item) for item in value if item not in (None, "")]


@register
class PanelAppSource(EvidenceSource):
    key = "panelapp"
    label = "PanelApp"
    description = (
        "Expert-reviewed gene panels from Genomics England (UK) and PanelApp Australia. Genes "
        "rated Green or Amber on kidney panels support a gene; every panel listing is kept with "
        "its region, version and confidence."
    )
    order = 10
    refresh = "weekly"
    sites: ClassVar[Mapping[str, str]] = {
        "UK": "https://panelapp.genomicsengland.co.uk",
        "AU": "https://panelapp-aus.org",
    }
    default_config: ClassVar[dict[str, Any]] = {
        "instances": [
            {"region": region, "base_url": f"{site}/api/v1"} for region, site in sites.items()
        ],
        # A panel is a kidney panel when its name contains one of `panel_name_include` and
        # none of `panel_name_exclude` (case-insensitive).
        "panel_name_include": ["kidney", "renal", "nephro"],
        "panel_name_exclude": ["adrenal"],
        # Green = 3, Amber = 2; listings at or above this count as supporting.
        "supporting_confidence": 2,
        "max_list_pages": 100,
        "rate_limits": {"panelapp.genomicsengland.co.uk": 5.0, "panelapp-aus.org": 5.0},
    }

    def fetch(self) -> ParsedSource:
        config = self.config
        fetcher = self.require_fetcher()
        records: list[SourceRecord] = []
        versions: list[str] = []
        log: list[str] = []
        for instance in config["instances"]:
            region, base_url = instance["region"], instance["base_url"].rstrip("/")
            panels = self._kidney_panels(fetcher, base_url, region, config)
            log.append(
                f"{region}: {len(panels)} kidney panels: "
                + ", ".join(f"{panel['id']} {panel['name']}" for panel in panels)
            )
            latest = ""
            for index, panel in enumerate(panels, start=1):
                self.progress(
                    phase="fetch",
                    current=index,
                    total=len(panels),
                    message=f"PanelApp {region} panel {panel['id']} {panel['name']}",
                )
                detail = json_object(
                    fetcher, f"{base_url}/panels/{panel['id']}/", required=("id", "name", "genes")
                )
                records.extend(self.panel_records(detail, region))
                latest = max(latest, str(detail.get("version_created") or "")[:10])
            versions.append(f"{region} {latest}".strip())
        return ParsedSource(records=records, version="; ".join(versions), log=log)

    def _kidney_panels(
        self, fetcher: Any, base_url: str, region: str, config: dict[str, Any]
    ) -> list[dict[str, Any]]:
        include = [word.lower() for word in config["panel_name_include"]]
        exclude = [word.lower() for word in config["panel_name_exclude"]]
        listed = 0
        kidney: dict[Any, dict[str, Any]] = {}
        pages = paginate_next(
            fetcher, f"{base_url}/panels/?page=1", max_pages=int(config["max_list_pages"])
        )
        for url, results in pages:
            for panel in results:
                if not isinstance(panel, dict) or "id" not in panel or "name" not in panel:
                    raise SourceFormatError(f"{url}: a panel entry lacks 'id' or 'name'")
                listed += 1
                if is_kidney_panel(panel["name"], include, exclude):
                    kidney[panel["id"]] = panel
        if listed == 0:
            raise SourceFormatError(f"PanelApp {region} ({base_url}): the panel list is empty")
        return list(kidney.values())

    @staticmethod
    def panel_records(panel: dict[str, Any], region: str) -> list[SourceRecord]:
        """One record per gene entity of a panel detail response."""
        genes = panel.get("genes")
        where = f"PanelApp {region} panel {panel.get('id')}"
        if not isinstance(genes, list):
            raise SourceFormatError(f"{where}: 'genes' is not a list")
        records = []
        for entity in genes:
            if not isinstance(entity, dict) or entity.get("entity_type", "gene") != "gene":
                continue
            gene_data = entity.get("gene_data") or {}
            symbol = gene_data.get("hgnc_symbol") or entity.get("entity_name")
            if not symbol:
                raise SourceFormatError(f"{where}: a gene entity has no entity_name")
            confidence = _confidence(entity, where)
            phenotypes = _string_list(entity.get("phenotypes"))
            records.append(
                SourceRecord(
                    symbol=str(symbol),
                    hgnc_id=gene_data.get("hgnc_id") or None,
                    data={
                        "region": region,
                        "panel_id": panel["id"],
                        "panel_name": panel["name"],
                        "panel_version": str(panel.get("version") or ""),
                        "version_created": str(panel.get("version_created") or ""),
                        "entity_name": str(entity.get("entity_name") or symbol),
                        "confidence_level": confidence,
                        "rating": RATINGS.get(confidence, "red"),
                        "mode_of_inheritance": entity.get("mode_of_inheritance") or "",
                        "moi": moi_short(entity.get("mode_of_inheritance")),
                        "penetrance": entity.get("penetrance") or "",
                        "phenotypes": phenotypes,
                        "omim_ids": omim_ids(phenotypes),
                        "evidence": _string_list(entity.get("evidence")),
                        "publications": _string_list(entity.get("publications")),
                    },
                )
            )
        return records

    @classmethod
    def summarise(cls, records: list[dict[str, Any]]) -> EvidenceSummary:
        threshold = int(source_config(cls.key)["supporting_confidence"])
        panels: dict[tuple[str, Any], dict[str, Any]] = {}
        for record in records:
            key = (record["region"], record["panel_id"])
            best = panels.get(key)
            if best is None or record["confidence_level"] > best["confidence_level"]:
                panels[key] = record
        listings = sorted(panels.values(), key=lambda r: (r["region"], str(r["panel_id"])))
        supporting = [r for r in listings if r["confidence_level"] >= threshold]
        max_confidence = max((r["confidence_level"] for r in listings), default=0)
        return EvidenceSummary(
            details={
                "panels": listings,
                "regions": sorted({r["region"] for r in listings}),
                "max_confidence": max_confidence,
                "max_rating": RATINGS.get(max_confidence, "red"),
                "moi": sorted({r["moi"] for r in listings if r["moi"]}),
                "omim_ids": sorted({i for r in listings for i in r.get("omim_ids", [])}),
                "publications": sorted({p for r in listings for p in r.get("publications", [])}),
            },
            panel_count=len(listings),
            supporting_panel_count=len(supporting),
            publication_count=None,
        )

    @classmethod
    def records_from_details(cls, details: dict[str, Any]) -> list[dict[str, Any]]:
        return list(details.get("panels") or [])
