"""Source runs: fetch or read, normalise, and write a source's evidence and staged records.

A run fetches and parses outside any transaction (writing progress as it goes, so watchers see
it), normalises every record in one batch, and then replaces the source's evidence, upserts its
staged records and recomputes scores in ONE transaction. Any error marks the run failed and
leaves the previous evidence untouched.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from common.fetching import Fetcher
from genes.services import evidence_replace_for_source
from pipeline.models import RunStatus, SourceRun
from pipeline.progress import run_progress_update
from pipeline.services.evidence import (
    RecordGroups,
    records_group,
    scores_recompute_logged,
    staged_records_upsert,
    summaries_build,
)
from pipeline.shrink import HeldResultError, run_hold, source_shrink_check
from pipeline.sources.base import EvidenceSource, ParsedSource, fetcher_build
from pipeline.sources.registry import source_class

logger = logging.getLogger(__name__)

ProgressListener = Callable[[SourceRun], None]


class RunFailedError(Exception):
    """A run cannot complete; the message is what the run record and the command show."""


class RunCancelledError(Exception):
    """The run was cancelled (or failed by the reaper) while it ran; its row already says so."""


def _run_still_running(run: SourceRun, *, lock: bool = False) -> None:
    """Raise RunCancelledError when someone else ended the run meanwhile (cancel, reaper)."""
    rows = SourceRun.objects.filter(pk=run.pk)
    if lock:
        rows = rows.select_for_update()
    if rows.values_list("status", flat=True).first() != RunStatus.RUNNING:
        raise RunCancelledError(f"run #{run.pk} was ended while it ran")


def file_sha256(path: Path) -> str:
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def source_run_execute(
    *,
    source: str,
    mode: str = "live",
    snapshot_dir: Path | str | None = None,
    file_path: Path | str | None = None,
    run: SourceRun | None = None,
    triggered_by: Any = None,
    fetcher: Fetcher | None = None,
    progress_listener: ProgressListener | None = None,
    rescore: bool = True,
    accept_shrink: bool = False,
) -> SourceRun:
    """Run one source end to end and return its SourceRun (completed, held or failed; never
    raises).

    `fetcher` injects a ready Fetcher (tests use a fake HTTP session); otherwise one is built
    from the source's config for `mode`/`snapshot_dir`. `mode="file"` reads `file_path`. A run
    that would shrink the source past its limits is held (pipeline.shrink) unless
    `accept_shrink`.
    """
    if run is None:
        run = SourceRun.objects.create(source=source, mode=mode, triggered_by=triggered_by)
    run.status, run.mode, run.started_at = RunStatus.RUNNING, mode, timezone.now()
    run.error, run.finished_at = "", None
    run.save(update_fields=["status", "mode", "started_at", "error", "finished_at"])
    log: list[str] = []

    def report(**kwargs: Any) -> None:
        if kwargs.get("force") and run.status == RunStatus.RUNNING:
            _run_still_running(run)
        if run_progress_update(run, **kwargs) and progress_listener is not None:
            progress_listener(run)

    try:
        report(phase="start", message=f"{source}: starting ({mode})", force=True)
        parsed, checksum = _records_load(
            run=run,
            mode=mode,
            snapshot_dir=snapshot_dir,
            file_path=file_path,
            fetcher=fetcher,
            report=report,
        )
        log.extend(parsed.log)
        run.source_version = parsed.version[:128]
        run.snapshot_checksum = checksum
        run.record_count = len(parsed.records)
        report(
            phase="normalise",
            current=0,
            total=len(parsed.records),
            message=f"normalising {len(parsed.records)} records",
            force=True,
        )
        groups = records_group(parsed.records, source=source)
        shrink = None
        if groups.resolved and not accept_shrink:
            shrink = source_shrink_check(source, len(groups.resolved))
        if shrink is not None:
            _run_still_running(run)
            run_hold(run=run, parsed=parsed, shrink=shrink, log=log)
        else:
            if accept_shrink:
                log.append("shrink guard off (--accept-shrink)")
            _run_apply(
                run=run, groups=groups, version=parsed.version, log=log, report=report,
                rescore=rescore,
            )  # fmt: skip
    except Exception as error:  # noqa: BLE001 - every failure must end as a failed run
        _run_fail(run, error, log)
    if progress_listener is not None:
        progress_listener(run)
    return run


def _records_load(
    *,
    run: SourceRun,
    mode: str,
    snapshot_dir: Path | str | None,
    file_path: Path | str | None,
    fetcher: Fetcher | None,
    report: Callable[..., None],
) -> tuple[ParsedSource, str]:
    cls = source_class(run.source)
    source_obj: EvidenceSource = cls(progress=report)
    if mode == "file":
        if not file_path:
            raise RunFailedError("mode 'file' needs a file path")
        path = Path(file_path)
        if not path.is_file():
            raise RunFailedError(f"{path}: no such file")
        report(phase="parse", message=f"reading {path.name}", force=True)
        return source_obj.parse_file(path), file_sha256(path)
    if fetcher is None:
        fetcher = fetcher_build(source_obj.config, mode=mode, snapshot_dir=snapshot_dir)
    source_obj.fetcher = fetcher
    source_obj.resume_state = _resume_state_find(run)

    def checkpoint(state: dict[str, Any]) -> None:
        run.state = state
        run.save(update_fields=["state"])

    source_obj.checkpoint = checkpoint
    report(phase="fetch", message=f"fetching {cls.label} ({mode})", force=True)
    parsed = source_obj.fetch()
    return parsed, fetcher.snapshot_checksum()


def _resume_state_find(run: SourceRun) -> dict[str, Any] | None:
    """The crawl state of this source's latest run, when that run failed mid-crawl."""
    previous = (
        SourceRun.objects.filter(source=run.source)
        .exclude(pk=run.pk)
        .order_by("-created_at", "-id")
        .values("status", "state")
        .first()
    )
    if previous and previous["status"] == RunStatus.FAILED and previous["state"]:
        return previous["state"]
    return None


def _run_apply(
    *,
    run: SourceRun,
    groups: RecordGroups,
    version: str,
    log: list[str],
    report: Callable[..., None],
    rescore: bool = True,
) -> None:
    if not groups.resolved:
        raise RunFailedError(
            f"{run.source}: zero records could be mapped to genes "
            f"({run.record_count} records, {len(groups.unresolved)} unresolved symbols); "
            "the previous evidence is kept"
        )
    cls = source_class(run.source)
    report(
        phase="summarise",
        current=0,
        total=len(groups.resolved),
        message=f"summarising {len(groups.resolved)} genes",
        force=True,
    )
    summaries = summaries_build(cls, groups.resolved)
    report(phase="write", message="replacing evidence", force=True)
    with transaction.atomic():
        _run_still_running(run, lock=True)
        evidence_replace_for_source(
            source=run.source, summaries=summaries, version=version, run_id=run.pk
        )
        staged = staged_records_upsert(source=run.source, groups=groups.unresolved, run=run)
        if rescore:
            scores_recompute_logged(log)
        else:
            log.append("scores not recomputed here: the caller recomputes after all sources")
        run.gene_count, run.staged_count = len(summaries), staged
        run.status, run.finished_at = RunStatus.COMPLETED, timezone.now()
        log.append(f"{run.record_count} records → {run.gene_count} genes, {staged} staged symbols")
        run.log = "\n".join(log)
        run.state = {}
        run.save()
    report(
        phase="done",
        current=len(summaries),
        total=len(summaries),
        message=f"{run.gene_count} genes, {staged} staged",
        force=True,
    )


def held_records_apply(*, run: SourceRun, parsed: ParsedSource, note: str) -> None:
    """Apply the records a held run kept (a curator confirmed the shrink); one transaction."""
    log = [*run.log.splitlines(), note]

    def report(**kwargs: Any) -> None:
        run_progress_update(run, **kwargs)

    with transaction.atomic():
        started = SourceRun.objects.filter(pk=run.pk, status=RunStatus.HELD).update(
            status=RunStatus.RUNNING
        )
        if not started:
            raise HeldResultError(f"run #{run.pk} is no longer held")
        run.status, run.record_count = RunStatus.RUNNING, len(parsed.records)
        groups = records_group(parsed.records, source=run.source)
        _run_apply(run=run, groups=groups, version=parsed.version, log=log, report=report)


def _run_fail(run: SourceRun, error: Exception, log: list[str]) -> None:
    if isinstance(error, RunCancelledError):
        logger.info("source run %s (%s) stopped: %s", run.pk, run.source, error)
        run.refresh_from_db()
        return
    message = str(error) or type(error).__name__
    if not isinstance(error, RunFailedError):
        message = f"{type(error).__name__}: {message}"
        log.append(traceback.format_exc())
    logger.error("source run %s (%s) failed: %s", run.pk, run.source, message)
    run.status, run.finished_at = RunStatus.FAILED, timezone.now()
    run.error = message
    run.message = message[:512]
    run.phase = "failed"
    run.log = "\n".join(log)
    run.save()
