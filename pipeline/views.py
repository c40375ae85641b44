"""The public /sources/ page: what each source contributes, its filters, last run and counts.

Each source's row also carries the status of its latest run (pending, running, failed...),
rendered by the server and kept live by static/pipeline/progress.js over ws/progress/ (or by
polling the live state JSON when the socket is down).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from genes.models import Evidence, SourceKey
from genes.views.evidence import humanise
from pipeline.events import run_states_list
from pipeline.models import RunStatus, SourceRun
from pipeline.sources.config import source_config
from pipeline.sources.registry import UPLOAD_SOURCES

DESCRIPTIONS = {
    SourceKey.PANELAPP: "Expert-reviewed gene panels from Genomics England (UK) and PanelApp "
    "Australia. Genes rated Green or Amber on kidney panels support a gene; every panel listing "
    "is kept with its region, version and confidence.",
    SourceKey.CLINGEN: "ClinGen gene–disease validity curations by the kidney expert panels, "
    "classified from Definitive to Refuted, with the online report of each curation.",
    SourceKey.GENCC: "Gene–disease submissions to the Gene Curation Coalition from many "
    "submitters, filtered to kidney diseases, with their classifications and dates.",
    SourceKey.HPO: "Genes annotated with the Human Phenotype Ontology term Abnormality of the "
    "kidney (HP:0010935) or any of its descendants, with the terms and diseases.",
    SourceKey.PUBTATOR: "Text-mined gene mentions from PubTator in PubMed articles about kidney "
    "disease, with the PMIDs.",
    SourceKey.LITERATURE: "Curated publications listing kidney genes, uploaded by curators.",
    SourceKey.DIAGNOSTIC_PANELS: "Commercial diagnostic kidney gene panels, uploaded by curators.",
}
# Operational settings (HTTP, rate limits, crawl limits) say nothing about what a source selects.
OPERATIONAL_KEYS = {
    "http",
    "rate_limits",
    "max_list_pages",
    "max_pages",
    "checkpoint_every",
    "shrink_guard",
}


def _filters(key: str) -> list[tuple[str, Any]]:
    shown = []
    for name, value in source_config(key).items():
        if name in OPERATIONAL_KEYS or name.endswith("url"):
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            value = ", ".join(" ".join(str(v) for v in item.values()) for item in value)
        elif isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        shown.append((humanise(name), value))
    return shown


def _last_runs() -> dict[str, SourceRun]:
    """The latest completed run per source, in one query."""
    runs = SourceRun.objects.filter(status=RunStatus.COMPLETED).order_by("source", "-finished_at")
    latest: dict[str, SourceRun] = {}
    for run in runs.only("source", "finished_at", "source_version", "gene_count", "record_count"):
        latest.setdefault(run.source, run)
    return latest


def _latest_states() -> dict[str, dict[str, Any]]:
    """The latest run of each source, whatever its status, as the live event payload."""
    latest: dict[str, dict[str, Any]] = {}
    for state in run_states_list():
        if state["source"] not in latest or state["id"] > latest[state["source"]]["id"]:
            latest[state["source"]] = state
    return latest


def source_overview(request: HttpRequest) -> HttpResponse:
    gene_counts = dict(
        Evidence.objects.values_list("source").annotate(genes=Count("gene_id")).order_by()
    )
    runs = _last_runs()
    states = _latest_states()
    sources = [
        {
            "key": key.value,
            "label": key.label,
            "description": DESCRIPTIONS.get(key, ""),
            "uploaded": key.value in UPLOAD_SOURCES,
            "filters": _filters(key.value),
            "run": runs.get(key.value),
            "state": states.get(key.value),
            "genes": gene_counts.get(key.value, 0),
        }
        for key in SourceKey
    ]
    return render(request, "pipeline/sources.html", {"sources": sources})
