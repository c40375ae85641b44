"""Prometheus metrics at /metrics: request latency per view, source runs, ingestion, queue depth.

Request metrics come from django-prometheus' middlewares (histograms labelled by view name
and method), kept per process - under several server processes set PROMETHEUS_MULTIPROC_DIR
and they are merged. Pipeline metrics are read from the database at scrape time, so every
process reports the same numbers and nothing is lost when a worker restarts. Only staff, or a
client sending `Authorization: Bearer <METRICS_TOKEN>`, may read them.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import prometheus_client
from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_prometheus import middleware as prometheus_middleware
from django_prometheus.exports import ExportToDjangoView
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
)
from prometheus_client.registry import Collector, CollectorRegistry

logger = logging.getLogger(__name__)

# Seconds; source runs take from seconds (a demo replay) to hours (PubTator).
RUN_DURATION_BUCKETS = (1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400)


class _DirectMiddlewareMixin:
    """Runs django-prometheus' cheap hooks inline in an async chain (no thread hop)."""

    async def __acall__(self, request: HttpRequest) -> HttpResponse:
        response = self.process_request(request)
        response = response or await self.get_response(request)
        return self.process_response(request, response)


class PrometheusBeforeMiddleware(
    _DirectMiddlewareMixin, prometheus_middleware.PrometheusBeforeMiddleware
):
    """First middleware: counts requests and starts the latency clock."""


class PrometheusAfterMiddleware(
    _DirectMiddlewareMixin, prometheus_middleware.PrometheusAfterMiddleware
):
    """Last middleware: latency, status and size by view name and method."""


def _run_duration_family() -> HistogramMetricFamily:
    from pipeline.models import RunStatus, SourceRun

    duration = ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField())
    bucket_counts = {
        f"le_{bound}": Count("id", filter=Q(duration__lte=timedelta(seconds=bound)))
        for bound in RUN_DURATION_BUCKETS
    }
    rows = (
        SourceRun.objects.filter(
            status__in=[RunStatus.COMPLETED, RunStatus.FAILED],
            started_at__isnull=False,
            finished_at__isnull=False,
        )
        .alias(duration=duration)
        .values("source")
        .annotate(total=Count("id"), seconds=Sum("duration"), **bucket_counts)
        .order_by("source")
    )
    family = HistogramMetricFamily(
        "kgdb_source_run_duration_seconds",
        "Wall-clock time of finished source runs (completed or failed)",
        labels=["source"],
    )
    for row in rows:
        buckets = [(str(float(bound)), row[f"le_{bound}"]) for bound in RUN_DURATION_BUCKETS]
        buckets.append(("+Inf", row["total"]))
        seconds = row["seconds"].total_seconds() if row["seconds"] else 0.0
        family.add_metric([row["source"]], buckets, seconds)
    return family


def _run_count_families() -> Iterator[Any]:
    from pipeline.models import RunStatus, SourceRun

    runs = GaugeMetricFamily(
        "kgdb_source_runs", "Source runs by source and status", labels=["source", "status"]
    )
    ingested = CounterMetricFamily(
        "kgdb_records_ingested",
        "Records read by completed source runs",
        labels=["source"],
    )
    rows = (
        SourceRun.objects.values("source", "status")
        .annotate(count=Count("id"), records=Sum("record_count"))
        .order_by("source", "status")
    )
    records_by_source: dict[str, int] = {}
    for row in rows:
        runs.add_metric([row["source"], row["status"]], row["count"])
        if row["status"] == RunStatus.COMPLETED:
            records_by_source[row["source"]] = row["records"] or 0
    for source, records in records_by_source.items():
        ingested.add_metric([source], records)
    yield runs
    yield ingested


def _queue_families() -> Iterator[GaugeMetricFamily]:
    from django_q.brokers import get_broker

    depth = GaugeMetricFamily("kgdb_queue_depth", "Tasks waiting in the django-q queue")
    up = GaugeMetricFamily("kgdb_queue_up", "1 when the task broker answered the scrape")
    try:
        depth.add_metric([], get_broker().queue_size())
        up.add_metric([], 1)
    except Exception:  # a broker outage is what this metric reports, not a scrape failure
        logger.warning("task broker did not answer the metrics scrape", exc_info=True)
        up.add_metric([], 0)
        yield up
        return
    yield depth
    yield up


class PipelineCollector(Collector):
    """Source runs, records ingested and queue depth, read from the database per scrape."""

    def collect(self) -> Iterator[Any]:
        yield _run_duration_family()
        yield from _run_count_families()
        yield from _queue_families()


def metrics_response(request: HttpRequest) -> HttpResponse:
    """django-prometheus' own export (this process' request metrics, or every process' under
    PROMETHEUS_MULTIPROC_DIR) followed by the pipeline metrics read from the database."""
    response = ExportToDjangoView(request)
    pipeline_registry = CollectorRegistry()
    pipeline_registry.register(PipelineCollector())
    response.content = response.content + prometheus_client.generate_latest(pipeline_registry)
    return response


def _has_metrics_token(request: HttpRequest) -> bool:
    expected = settings.METRICS_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if not expected or scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """GET /metrics for staff or the configured bearer token; 401/403 for anyone else."""
    if not _has_metrics_token(request):
        user = request.user
        if not user.is_authenticated:
            response = HttpResponse("Authentication required.", status=401)
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if not (user.is_active and user.is_staff):
            return HttpResponse("Staff only.", status=403)
    return metrics_response(request)
