"""Progress of a source run, written to its SourceRun row (others watch that row).

One function, `run_progress_update`, is the only writer; it throttles writes so a tight parse
loop does not hammer the database. The realtime layer extends this module to also publish the
same update as a WebSocket event.
"""

from __future__ import annotations

import time

from django.utils import timezone

from pipeline.events import run_event_publish
from pipeline.models import SourceRun

MIN_INTERVAL_SECONDS = 0.25
_last_write: dict[int, float] = {}
PROGRESS_FIELDS = ["phase", "progress_current", "progress_total", "message", "heartbeat_at"]


def run_progress_update(
    run: SourceRun,
    *,
    phase: str | None = None,
    current: int | None = None,
    total: int | None = None,
    message: str | None = None,
    force: bool = False,
) -> bool:
    """Record progress on the run; returns whether the row was written (throttled to ~4/s).

    The in-memory instance is always updated, so the final state is never lost; `force`
    (used at phase changes and the end) writes regardless of the throttle.
    """
    if phase is not None and phase[:64] != run.phase:
        run.phase = phase[:64]
        force = True
    if current is not None:
        run.progress_current = max(0, int(current))
    if total is not None:
        run.progress_total = max(0, int(total))
    if message is not None:
        run.message = message[:512]
    now = time.monotonic()
    if not force and now - _last_write.get(run.pk, 0.0) < MIN_INTERVAL_SECONDS:
        return False
    _last_write[run.pk] = now
    run.heartbeat_at = timezone.now()
    if run.pk is not None:
        run.save(update_fields=PROGRESS_FIELDS)
        run_event_publish(run, force=force)
    return True
