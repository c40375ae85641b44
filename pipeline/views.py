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

from genes.models import Evidence
from genes.views.evidence import humanise
from pipeline.selectors import run_state_latest_by_source, source_run_last_completed_by_source
from pipeline.sources.config import source_config
from pipeline.sources.registry import source_classes

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


def source_overview(request: HttpRequest) -> HttpResponse:
    gene_counts = dict(
        Evidence.objects.values_list("source").annotate(genes=Count("gene_id")).order_by()
    )
    runs = source_run_last_completed_by_source()
    states = run_state_latest_by_source()
    sources = [
        {
            "key": source.key,
            "label": source.label,
            "description": source.description,
            "uploaded": source.uploaded,
            "filters": _filters(source.key),
            "run": runs.get(source.key),
            "state": states.get(source.key),
            "genes": gene_counts.get(source.key, 0),
        }
        for source in source_classes()
    ]
    return render(request, "pipeline/sources.html", {"sources": sources})
