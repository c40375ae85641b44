"""Fake run executors for the realtime tests (same signature as source_run_execute).

They write progress through the real `run_progress_update`, so watchers see the same row
changes an ingestion makes. Imported by dotted path from the worker in the multi-process test.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.utils import timezone

from pipeline.models import RunStatus, SourceRun
from pipeline.progress import run_progress_update

STEPS = int(os.environ.get("FAKE_RUN_STEPS", "5"))
STEP_SECONDS = float(os.environ.get("FAKE_RUN_STEP_SECONDS", "0.3"))


def _start(run: SourceRun, mode: str) -> None:
    run.status, run.mode, run.started_at = RunStatus.RUNNING, mode, timezone.now()
    run.save(update_fields=["status", "mode", "started_at"])


def fake_execute(
    *, source: str, mode: str = "live", run: SourceRun, progress_listener: Any = None, **_: Any
) -> SourceRun:
    """Counts to STEPS, one forced progress write per step, then completes."""
    listener = progress_listener or (lambda _run: None)
    _start(run, mode)
    for step in range(1, STEPS + 1):
        time.sleep(STEP_SECONDS)
        run_progress_update(
            run, phase="parse", current=step, total=STEPS, message=f"step {step}", force=True
        )
        listener(run)
    run.status, run.finished_at, run.record_count = RunStatus.COMPLETED, timezone.now(), STEPS
    run.save(update_fields=["status", "finished_at", "record_count"])
    run_progress_update(run, phase="done", message="finished", force=True)
    listener(run)
    return run


def crashing_execute(*, mode: str = "live", run: SourceRun, **_: Any) -> SourceRun:
    """Dies half way, as a bug outside source_run_execute's own error handling would."""
    _start(run, mode)
    run_progress_update(run, phase="parse", current=1, total=10, force=True)
    raise RuntimeError("parser exploded")
