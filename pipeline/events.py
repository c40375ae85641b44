"""Structured progress events of source runs, and where they are published.

The SourceRun row is the source of truth; an event is a snapshot of that row (run id, source,
phase, current/total, rate, ETA, status, message). Events reach browsers in two ways:

- directly: the worker publishes each progress write to the channel layer group of the run and
  to the "all runs" group. This only helps when the layer crosses processes (Redis), so it is
  skipped for the in-memory layer;
- relayed: every ASGI process polls the SourceRun table for changes (see pipeline.consumers)
  and hands them to its own consumers. This is what makes the embedded default work, where
  worker and server are separate processes that share nothing but the database.

Both paths may deliver the same state; `EventDeduper` drops what a client has already seen.
Score recomputes and release publishes travel the same two paths as "job" events (see
pipeline.jobs).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.db.models import Max, Q

from genes.sources import source_label
from pipeline.models import RunStatus, SourceRun

logger = logging.getLogger(__name__)

RUNS_GROUP = "pipeline.runs"
EVENT_TYPE = "run.event"
ACTIVE_STATUSES = (RunStatus.PENDING, RunStatus.RUNNING)
TERMINAL_STATUSES = (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.HELD)
# Directly published events per run are throttled to at most ~5 a second (status changes
# always go out); progress.py already throttles its writes to ~4 a second.
PUBLISH_MIN_INTERVAL_SECONDS = settings.PIPELINE_EVENT_MIN_INTERVAL
# The fields whose change is worth an event; a heartbeat alone is not.
SIGNATURE_FIELDS = ("status", "phase", "current", "total", "message", "finished_at")

_last_publish: dict[int, tuple[float, str]] = {}
_publish_lock = threading.Lock()


def run_group(run_id: int) -> str:
    """Channel layer group of one run."""
    return f"pipeline.run.{run_id}"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def run_event_payload(run: SourceRun) -> dict[str, Any]:
    """The event describing the run's current state; computed from the row alone.

    Rate and ETA are derived from the row's own timestamps (not the clock of whoever builds
    the event), so the worker and every relay build identical events for the same state.
    """
    stamps = [t for t in (run.created_at, run.started_at, run.heartbeat_at, run.finished_at) if t]
    updated = max(stamps).timestamp() if stamps else 0.0
    current, total = run.progress_current, run.progress_total
    rate = eta = None
    if run.started_at and current:
        end = run.finished_at or run.heartbeat_at or run.started_at
        elapsed = (end - run.started_at).total_seconds()
        if elapsed > 0:
            rate = round(current / elapsed, 2)
    if rate and total and run.status == RunStatus.RUNNING and total >= current:
        eta = round((total - current) / rate, 1)
    percent = round(100 * current / total, 1) if total else None
    return {
        "id": run.pk,
        "source": run.source,
        "source_label": source_label(run.source),
        "status": run.status,
        "mode": run.mode,
        "phase": run.phase,
        "current": current,
        "total": total,
        "percent": percent,
        "rate": rate,
        "eta_seconds": eta,
        "message": run.message,
        "record_count": run.record_count,
        "gene_count": run.gene_count,
        "staged_count": run.staged_count,
        "created_at": _iso(run.created_at),
        "started_at": _iso(run.started_at),
        "finished_at": _iso(run.finished_at),
        "updated": updated,
    }


def event_signature(payload: dict[str, Any]) -> tuple:
    return tuple(payload.get(name) for name in SIGNATURE_FIELDS)


class EventDeduper:
    """Per client: pass each run state once and never an older state after a newer one."""

    def __init__(self) -> None:
        self._seen: dict[Any, tuple[float, tuple]] = {}

    def accept(
        self, payload: dict[str, Any], *, key: Any = None, signature: tuple | None = None
    ) -> bool:
        """Whether the client should receive this event (and remember it if so).

        Runs are keyed by id; other jobs pass their own `key` and `signature`.
        """
        key = payload["id"] if key is None else key
        updated = payload.get("updated") or 0.0
        signature = event_signature(payload) if signature is None else signature
        last = self._seen.get(key)
        if last is not None and (updated < last[0] or signature == last[1]):
            return False
        self._seen[key] = (updated, signature)
        return True


def _publish_due(run: SourceRun, force: bool) -> bool:
    now = time.monotonic()
    with _publish_lock:
        last = _last_publish.get(run.pk)
        status_changed = last is None or last[1] != run.status
        if not (force or status_changed) and now - last[0] < PUBLISH_MIN_INTERVAL_SECONDS:
            return False
        if run.status in TERMINAL_STATUSES:
            _last_publish.pop(run.pk, None)
        else:
            _last_publish[run.pk] = (now, run.status)
    return True


def run_event_publish(run: SourceRun, *, force: bool = False) -> bool:
    """Publish the run's state to its group and the all-runs group; returns whether sent.

    Never raises: a broken channel layer must not fail an ingestion (the relay still carries
    the state from the database).
    """
    layer = get_channel_layer()
    if layer is None or isinstance(layer, InMemoryChannelLayer) or run.pk is None:
        return False
    if not _publish_due(run, force):
        return False
    message = {"type": EVENT_TYPE, "run": run_event_payload(run)}
    try:
        async_to_sync(_send_to_groups)(layer, message, run.pk)
    except Exception:  # noqa: BLE001 - publishing is best effort by design
        logger.warning("could not publish progress of run %s", run.pk, exc_info=True)
        return False
    return True


async def _send_to_groups(layer: Any, message: dict[str, Any], run_id: int) -> None:
    await layer.group_send(RUNS_GROUP, message)
    await layer.group_send(run_group(run_id), message)


def run_states_list(*, run_id: int | None = None) -> list[dict[str, Any]]:
    """Current state for a late joiner: every active run plus the latest run of each source.

    With `run_id`, just that run. One query whatever the number of sources.
    """
    if run_id is not None:
        runs = SourceRun.objects.filter(pk=run_id)
    else:
        latest_ids = SourceRun.objects.values("source").annotate(last=Max("pk")).values("last")
        runs = SourceRun.objects.filter(Q(status__in=ACTIVE_STATUSES) | Q(pk__in=latest_ids))
    return [run_event_payload(run) for run in runs.defer("log", "error").order_by("pk")]
