"""/metrics: request latency per view, run durations, records ingested, queue depth."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from pipeline.models import RunStatus, SourceRun

TOKEN = "scrape-token-5f2c"

pytestmark = pytest.mark.django_db


def _samples(response) -> dict[tuple, float]:
    text = response.content.decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def _run(source: str, seconds: int, status: str = RunStatus.COMPLETED, records: int = 0):
    finished = timezone.now()
    return SourceRun.objects.create(
        source=source,
        status=status,
        started_at=finished - timedelta(seconds=seconds),
        finished_at=finished,
        record_count=records,
    )


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_need_staff_or_the_token(client):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


@override_settings(METRICS_TOKEN="")
def test_without_a_configured_token_no_bearer_is_accepted(client):
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 401


@override_settings(METRICS_TOKEN=TOKEN)
def test_request_latency_is_recorded_per_view(client):
    client.get("/api/ping/")
    client.get("/api/ping/")
    samples = _samples(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
    counts = {
        labels: value
        for (name, labels), value in samples.items()
        if name == "django_http_requests_latency_seconds_by_view_method_count"
    }
    assert counts[(("method", "GET"), ("view", "ping"))] >= 2


@override_settings(METRICS_TOKEN=TOKEN)
def test_run_durations_records_and_runs_by_status(client):
    _run("clingen", 3, records=120)
    _run("clingen", 400, records=80)
    _run("gencc", 30, status=RunStatus.FAILED, records=5)
    SourceRun.objects.create(source="hpo", status=RunStatus.RUNNING)
    samples = _samples(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
    bucket = "kgdb_source_run_duration_seconds_bucket"
    assert samples[(bucket, (("le", "5.0"), ("source", "clingen")))] == 1
    assert samples[(bucket, (("le", "900.0"), ("source", "clingen")))] == 2
    assert samples[(bucket, (("le", "+Inf"), ("source", "gencc")))] == 1
    total = samples[("kgdb_source_run_duration_seconds_sum", (("source", "clingen"),))]
    assert total == pytest.approx(403, abs=1)
    assert samples[("kgdb_records_ingested_total", (("source", "clingen"),))] == 200
    assert ("kgdb_records_ingested_total", (("source", "gencc"),)) not in samples
    assert samples[("kgdb_source_runs", (("source", "hpo"), ("status", "running")))] == 1
    assert samples[("kgdb_queue_up", ())] == 1
    assert samples[("kgdb_queue_depth", ())] == 0


@override_settings(METRICS_TOKEN=TOKEN)
def test_queue_depth_counts_waiting_tasks(client):
    from django_q.tasks import async_task

    async_task("math.floor", 1.5)
    async_task("math.floor", 2.5)
    samples = _samples(client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"))
    assert samples[("kgdb_queue_depth", ())] == 2


@override_settings(METRICS_TOKEN=TOKEN)
def test_metrics_scrape_query_count(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
