"""Reads of the pipeline: runs, staged records, uploads — already joined for their pages."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Max, QuerySet

from pipeline.models import (
    ReviewStatus,
    RunStatus,
    SourceRun,
    SourceUpload,
    StagedRecord,
    UploadedEntry,
    WorkerHeartbeat,
)


def source_run_list(*, source: str | None = None) -> QuerySet[SourceRun]:
    runs = SourceRun.objects.select_related("triggered_by").order_by("-created_at", "-id")
    return runs.filter(source=source) if source else runs


def source_run_get(run_id: int) -> SourceRun:
    return SourceRun.objects.select_related("triggered_by").get(pk=run_id)


def source_run_latest_by_source() -> dict[str, SourceRun]:
    """The newest run of every source (one query, using the runs' newest ids per source)."""
    newest = SourceRun.objects.values("source").annotate(newest=Max("id")).values("newest")
    return {run.source: run for run in SourceRun.objects.filter(pk__in=newest)}


def source_run_last_completed(source: str) -> SourceRun | None:
    return (
        SourceRun.objects.filter(source=source, status=RunStatus.COMPLETED)
        .order_by("-finished_at", "-id")
        .first()
    )


def staged_record_list(
    *, source: str | None = None, review_status: str | None = ReviewStatus.PENDING
) -> QuerySet[StagedRecord]:
    records = StagedRecord.objects.select_related("mapped_gene", "reviewed_by", "run")
    records = records.prefetch_related("candidates")
    if source:
        records = records.filter(source=source)
    if review_status:
        records = records.filter(review_status=review_status)
    return records.order_by("source", "raw_symbol_key")


def staged_record_counts() -> dict[str, dict[str, int]]:
    """Staged records per source and review status, for dashboards (one query)."""
    counts: dict[str, dict[str, int]] = {}
    rows = StagedRecord.objects.values("source", "review_status").annotate(total=Count("id"))
    for row in rows.order_by():
        counts.setdefault(row["source"], {})[row["review_status"]] = row["total"]
    return counts


def upload_list(*, source: str | None = None) -> QuerySet[SourceUpload]:
    uploads = SourceUpload.objects.select_related("uploaded_by", "run")
    return uploads.filter(source=source) if source else uploads


def uploaded_group_list(source: str) -> list[dict]:
    """Active providers/publications of an upload source with entry and gene counts."""
    return list(
        UploadedEntry.objects.filter(source=source, active=True)
        .values("group_key")
        .annotate(entries=Count("id"), genes=Count("gene", distinct=True))
        .order_by("group_key")
    )


def worker_last_seen() -> datetime | None:
    """When any task worker last recorded a heartbeat (None: never)."""
    return WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
