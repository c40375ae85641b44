"""Reads of the pipeline: per source its evidence totals, latest runs and run states.

The one place that answers "the latest run of each source" (completed, or whatever its status);
the sources page, the live page, the API and the MCP tools read it here. A constant number of
queries whatever the number of sources or runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, OuterRef, QuerySet, Subquery

from genes.models import Evidence
from genes.sources import source_label
from pipeline.events import run_states_list
from pipeline.models import RunStatus, SourceRun, WorkerHeartbeat
from pipeline.sources.config import source_config
from pipeline.sources.registry import is_upload_source, source_keys

RUN_HISTORY_LENGTH = 20
# Fetcher plumbing, not what the source selects; left out of the public description.
PRIVATE_CONFIG_KEYS = {"http", "rate_limits", "shrink_guard"}


@dataclass
class SourceSummary:
    key: str
    label: str
    kind: str
    gene_count: int = 0
    evidence_count: int = 0
    last_successful_run: SourceRun | None = None
    runs: list[SourceRun] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)


def source_run_last_completed_by_source(keys: list[str] | None = None) -> dict[str, SourceRun]:
    """Source key → its latest completed run (one query)."""
    keys = source_keys() if keys is None else keys
    latest = (
        SourceRun.objects.filter(source=OuterRef("source"), status=RunStatus.COMPLETED)
        .order_by("-finished_at", "-id")
        .values("pk")[:1]
    )
    runs = SourceRun.objects.filter(
        source__in=keys, status=RunStatus.COMPLETED, pk=Subquery(latest)
    )
    return {run.source: run for run in runs}


def _evidence_totals(keys: list[str]) -> dict[str, dict[str, int]]:
    rows = (
        Evidence.objects.filter(source__in=keys)
        .values("source")
        .annotate(rows=Count("id"), genes=Count("gene_id", distinct=True))
        .order_by()
    )
    return {row["source"]: row for row in rows}


def _public_config(key: str) -> dict[str, Any]:
    return {
        name: value for name, value in source_config(key).items() if name not in PRIVATE_CONFIG_KEYS
    }


def source_summary_list(keys: list[str] | None = None) -> list[SourceSummary]:
    """Every source (or the given ones) with evidence totals and last successful run."""
    wanted = keys or source_keys()
    totals = _evidence_totals(wanted)
    last_runs = source_run_last_completed_by_source(wanted)
    summaries = []
    for key in wanted:
        total = totals.get(key, {})
        summaries.append(
            SourceSummary(
                key=key,
                label=source_label(key),
                kind="upload" if is_upload_source(key) else "download",
                gene_count=total.get("genes", 0),
                evidence_count=total.get("rows", 0),
                last_successful_run=last_runs.get(key),
                config=_public_config(key),
            )
        )
    return summaries


def source_runs(key: str) -> QuerySet[SourceRun]:
    return SourceRun.objects.filter(source=key).order_by("-created_at", "-id")


def source_summary_get(key: str) -> SourceSummary | None:
    """One source with its recent run history; None for an unknown key."""
    if key not in source_keys():
        return None
    summary = source_summary_list([key])[0]
    summary.runs = list(source_runs(key)[:RUN_HISTORY_LENGTH])
    return summary


def latest_state_by_source(states: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Source key → the state with the highest run id among `states`."""
    latest: dict[str, dict[str, Any]] = {}
    for state in states:
        if state["source"] not in latest or state["id"] > latest[state["source"]]["id"]:
            latest[state["source"]] = state
    return latest


def run_state_latest_by_source() -> dict[str, dict[str, Any]]:
    """Source key → the live state of its latest run, whatever its status (events payload)."""
    return latest_state_by_source(run_states_list())


def worker_last_seen() -> datetime | None:
    """When any task worker last recorded a heartbeat (None: never)."""
    return WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
