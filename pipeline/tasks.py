"""Background source runs on django-q2: enqueue, execute, heartbeat, reap (pipeline.schedules).

A run triggered from the admin, the API or a schedule becomes a pending SourceRun plus a
django-q2 task (queued after the transaction commits). The task runs `source_run_execute`
with a heartbeat thread beside it; a crash marks the run failed, and the periodic reaper marks
failed any run whose heartbeat stopped (its worker died or was killed by the q timeout).

Production topology: PostgreSQL, Redis (channel layer, cache, django-q2 broker), N ASGI
servers (daphne) behind a proxy and M `manage.py qcluster` processes; see pipeline.events.
"""

from __future__ import annotations

import contextlib
import logging
import signal
import socket
import threading
import traceback
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.tasks import async_task

from genes.sources import source_label
from pipeline.events import ACTIVE_STATUSES, run_event_publish
from pipeline.models import RunStatus, SourceRun, WorkerHeartbeat
from pipeline.sources.registry import is_upload_source, source_class

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = settings.PIPELINE_HEARTBEAT_SECONDS
# A running run whose heartbeat is older than this has lost its worker.
STALE_RUNNING_SECONDS = settings.PIPELINE_STALE_RUNNING_SECONDS
# A pending run is given up once it has waited PIPELINE_PENDING_TIMEOUT_SECONDS (read at each
# reap) while the workers were idle (no run running or finishing meanwhile): its task was lost,
# or no qcluster is running; and in any case after this long, even behind other long runs.
STALE_PENDING_SECONDS = settings.PIPELINE_STALE_PENDING_SECONDS


class RunAlreadyActiveError(Exception):
    """A source already has a pending or running run; a second one is refused."""


class EnqueueError(Exception):
    """The task queue (broker) could not take the run; the run is marked failed, not pending."""


class RunActionError(Exception):
    """A cancel/retry/confirm that does not apply to the run in its current state."""


def _source_lock(source: str) -> None:
    """Serialise triggers of one source (SQLite's IMMEDIATE transactions already do)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"pipeline.{source}"])


def source_run_enqueue(
    *,
    source: str,
    triggered_by: Any = None,
    mode: str = "live",
    snapshot_dir: str | None = None,
) -> SourceRun:
    """Create a pending run of `source` and queue it; refuses while one is pending/running.

    Stale runs are reaped first, so a run lost earlier does not refuse this trigger. When the
    broker cannot take the task, the run is marked failed and EnqueueError is raised: a pending
    row without a task would refuse every later trigger until the reaper's timeout.
    """
    source_class(source)  # raises UnknownSourceError (a ValueError) naming the known keys
    runs_reap_stale()
    failures: list[Exception] = []
    with transaction.atomic():
        _source_lock(source)
        active = SourceRun.objects.filter(source=source, status__in=ACTIVE_STATUSES).first()
        if active is not None:
            raise RunAlreadyActiveError(
                f"{source_label(source)} already has run #{active.pk} {active.status} "
                f"(since {active.created_at:%Y-%m-%d %H:%M} UTC); wait until it finishes or "
                "is marked failed before triggering another."
            )
        run = SourceRun.objects.create(
            source=source,
            mode=mode,
            status=RunStatus.PENDING,
            triggered_by=triggered_by,
            message="queued",
        )
        transaction.on_commit(lambda: _task_queue(run, snapshot_dir, failures))
    if failures:
        raise EnqueueError(
            f"the task queue is unreachable, so {source_label(source)} run #{run.pk} was not "
            f"queued and is marked failed ({failures[0]}); try again once the broker is back"
        )
    return run


def _task_queue(run: SourceRun, snapshot_dir: str | None, failures: list[Exception]) -> None:
    """Hand the run to django-q2 after commit; a broker error marks the run failed.

    The error is collected in `failures` rather than raised: on_commit callbacks may run at the
    end of an outer transaction, where nobody could catch it, and the run must not stay pending.
    """
    try:
        task_id = _task_send(run, snapshot_dir)
    except Exception as error:  # noqa: BLE001 - whatever the broker raised, the run is not queued
        logger.exception("could not queue run %s", run.pk)
        failures.append(error)
        run_mark_failed(
            run_id=run.pk, error=f"could not be queued: {type(error).__name__}: {error}"
        )
        run.status = RunStatus.FAILED
        return
    SourceRun.objects.filter(pk=run.pk).update(task_id=str(task_id)[:64])
    run.task_id = str(task_id)[:64]


def _task_send(run: SourceRun, snapshot_dir: str | None) -> str:
    return async_task(
        "pipeline.tasks.source_run_task",
        run.pk,
        snapshot_dir=str(snapshot_dir) if snapshot_dir else None,
        task_name=f"{run.source} run {run.pk}",
        group="pipeline",
        sync=settings.Q_CLUSTER.get("sync", False),
    )


def source_run_task(run_id: int, snapshot_dir: str | None = None) -> str:
    """The django-q2 task: execute a pending run; any crash ends it as failed.

    The crash is not re-raised: the run row is the job record, and in sync mode a raise would
    reach whoever triggered the run (an admin request) instead.
    """
    run = SourceRun.objects.select_related("triggered_by").get(pk=run_id)
    if run.status != RunStatus.PENDING:
        logger.warning("run %s is %s, not pending; not executing it", run_id, run.status)
        return run.status
    execute = import_string(settings.PIPELINE_RUN_EXECUTOR)
    try:
        with _stop_signal_raises(), _Heartbeat(run_id):
            run = execute(
                source=run.source,
                mode=run.mode or "live",
                snapshot_dir=snapshot_dir,
                run=run,
                triggered_by=run.triggered_by,
            )
    except WorkerStopped as stopped:
        run_mark_failed(run_id=run_id, error=str(stopped))
        # Leave as the signal asked: a worker that went on would wait for tasks from a
        # cluster that may be gone, an orphan no one stops.
        raise SystemExit(128 + signal.SIGTERM) from None
    except Exception as error:  # noqa: BLE001 - the run record carries the failure
        logger.exception("run %s crashed", run_id)
        run_mark_failed(
            run_id=run_id, error=f"{type(error).__name__}: {error}", log=traceback.format_exc()
        )
        return RunStatus.FAILED
    run_event_publish(run, force=True)
    return run.status


class WorkerStopped(BaseException):
    """SIGTERM reached the job worker during a run: the cluster is being stopped as a whole
    (e.g. `kill 0` or a container stop) or django-q2's timeout ended the task.

    A BaseException, so the source code's own `except Exception` handlers let it through and
    the run's transaction rolls back like any interrupted run."""


@contextlib.contextmanager
def _stop_signal_raises():
    """While a run executes in a worker's main thread, SIGTERM raises WorkerStopped, so the
    run is marked failed at once instead of being left running for the reaper. (In sync mode
    the task runs in a request thread, where signal handlers cannot be set.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stopped(signum: int, frame: object) -> None:
        raise WorkerStopped(
            f"the job worker was stopped ({signal.Signals(signum).name}) during the run; "
            "the previous data is unchanged, trigger the run again"
        )

    previous = signal.signal(signal.SIGTERM, stopped)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Heartbeat:
    """Touches the run's heartbeat from a thread, so a long silent phase is not 'stale'.

    It dies with the process, which is exactly what lets the reaper notice a dead worker.
    """

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name=f"heartbeat-{run_id}")

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(HEARTBEAT_SECONDS):
                try:
                    SourceRun.objects.filter(pk=self.run_id, status=RunStatus.RUNNING).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # noqa: BLE001 - e.g. SQLite busy during the big write
                    logger.debug("heartbeat of run %s skipped", self.run_id, exc_info=True)
        finally:
            connection.close()


def run_mark_failed(*, run_id: int, error: str, log: str = "") -> bool:
    """Mark a still-active run failed (no-op if it already finished); returns whether it did."""
    now = timezone.now()
    updated = SourceRun.objects.filter(pk=run_id, status__in=ACTIVE_STATUSES).update(
        status=RunStatus.FAILED,
        finished_at=now,
        phase="failed",
        message=error[:512],
        error=error + (f"\n\n{log}" if log else ""),
    )
    if updated:
        logger.error("run %s marked failed: %s", run_id, error)
        run_event_publish(SourceRun.objects.get(pk=run_id), force=True)
    return bool(updated)


def runs_reap_stale() -> int:
    """Mark failed the runs whose worker is gone; returns how many.

    Scheduled every 2 minutes and called before every trigger. Running runs are judged by their
    heartbeat (or start). A pending run is judged by how long it waited while the workers were
    idle: with Q workers busy on other runs, a queued run legitimately waits; when nothing ran
    or finished during the whole timeout, its task was lost or no worker exists.
    """
    now = timezone.now()
    running_cutoff = now - timedelta(seconds=STALE_RUNNING_SECONDS)
    pending_timeout = settings.PIPELINE_PENDING_TIMEOUT_SECONDS
    idle_cutoff = now - timedelta(seconds=pending_timeout)
    pending_cutoff = now - timedelta(seconds=STALE_PENDING_SECONDS)
    stale_running = SourceRun.objects.filter(
        Q(heartbeat_at__lt=running_cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=running_cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=running_cutoff),
        status=RunStatus.RUNNING,
    ).values_list("pk", "heartbeat_at")
    reaped = 0
    for run_id, heartbeat_at in stale_running:
        last = f"{heartbeat_at:%Y-%m-%d %H:%M:%S} UTC" if heartbeat_at else "never"
        reaped += run_mark_failed(
            run_id=run_id,
            error=f"the worker stopped responding (last heartbeat: {last}); "
            "marked failed by the stale-run reaper",
        )
    workers_busy = SourceRun.objects.filter(
        Q(status=RunStatus.RUNNING) | Q(finished_at__gte=idle_cutoff, started_at__isnull=False)
    ).exists()
    waited = Q(created_at__lt=pending_cutoff)
    if not workers_busy:
        waited |= Q(created_at__lt=idle_cutoff)
    stale_pending = SourceRun.objects.filter(waited, status=RunStatus.PENDING)
    for run_id in stale_pending.values_list("pk", flat=True):
        reaped += run_mark_failed(
            run_id=run_id,
            error=f"no worker picked this run up within {round(pending_timeout / 60, 1):g} "
            "minutes; is `manage.py qcluster` running? Retry it once a worker is up.",
        )
    return reaped


def worker_heartbeat(**_: Any) -> str:
    """Record that a worker on this host is running tasks (scheduled every minute, and sent
    when a worker process starts); /api/health/ reports the task queue failing without it."""
    host = socket.gethostname()[:255] or "unknown"
    WorkerHeartbeat.objects.update_or_create(host=host, defaults={"seen_at": timezone.now()})
    return host


def worker_spawned(**_: Any) -> None:
    """django-q2's post_spawn: a new worker process counts as a worker seen; never raises."""
    try:
        worker_heartbeat()
    except Exception:  # noqa: BLE001 - a heartbeat must not stop a worker from starting
        logger.warning("could not record the worker heartbeat", exc_info=True)
    # The connection stays open: in sync mode (Q_SYNC) this runs inside the caller's request
    # or transaction, and django-q2 closes a real worker's stale connections itself.


def source_run_scheduled(source: str) -> int | None:
    """Scheduled refresh of one source; skipped quietly when a run is already active."""
    try:
        return source_run_enqueue(source=source, mode="live").pk
    except RunAlreadyActiveError as error:
        logger.info("scheduled refresh skipped: %s", error)
        return None


def source_run_cancel(*, run: SourceRun, user: Any = None) -> SourceRun:
    """End a pending or running run as failed ("cancelled by …"); its task then does nothing.

    A pending run's task finds it no longer pending and skips it; a running run's worker
    notices at its next phase change or, at the latest, before it writes evidence.
    """
    who = getattr(user, "username", "") or "a curator"
    if not run_mark_failed(run_id=run.pk, error=f"cancelled by {who}"):
        run.refresh_from_db()
        raise RunActionError(f"run #{run.pk} is {run.status}; only pending or running runs cancel")
    SourceRun.objects.filter(pk=run.pk).update(phase="cancelled")
    run.refresh_from_db()
    return run


def source_run_retry(*, run: SourceRun, user: Any = None) -> SourceRun:
    """Queue a new run of a failed run's source (a download source; uploads are re-uploaded)."""
    if run.status != RunStatus.FAILED:
        raise RunActionError(f"run #{run.pk} is {run.status}; only failed runs can be retried")
    if is_upload_source(run.source):
        raise RunActionError(f"{run.get_source_display()} is uploaded: upload the file again")
    return source_run_enqueue(source=run.source, triggered_by=user)


def held_run_confirm(*, run: SourceRun, user: Any = None) -> SourceRun:
    """Apply a run the shrink guard held (see pipeline.shrink)."""
    from pipeline.shrink import HeldResultError
    from pipeline.shrink import held_run_confirm as confirm

    try:
        return confirm(run=run, user=user)
    except HeldResultError as error:
        raise RunActionError(str(error)) from error


RUN_ACTIONS = {"cancel": source_run_cancel, "retry": source_run_retry, "confirm": held_run_confirm}


def source_run_action(*, action: str, run: SourceRun, user: Any = None) -> SourceRun:
    """cancel, retry or confirm one run (the API and the admin call this)."""
    if action not in RUN_ACTIONS:
        raise ValueError(f"unknown run action {action!r}")
    return RUN_ACTIONS[action](run=run, user=user)
