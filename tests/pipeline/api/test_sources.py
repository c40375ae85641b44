"""GET /api/sources/ and /api/sources/{key}/."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pipeline.models import RunStatus, SourceRun


@pytest.fixture
def runs(genes):
    now = timezone.now()

    def run(source, status, hours_ago, version):
        return SourceRun.objects.create(
            source=source,
            status=status,
            finished_at=now - timedelta(hours=hours_ago),
            source_version=version,
            gene_count=4,
            log="secret staff log",
            error="Traceback" if status == RunStatus.FAILED else "",
        )

    return {
        "old": run("panelapp", RunStatus.COMPLETED, 48, "2026-01"),
        "good": run("panelapp", RunStatus.COMPLETED, 24, "2026-02"),
        "failed": run("panelapp", RunStatus.FAILED, 1, ""),
        "clingen": run("clingen", RunStatus.COMPLETED, 5, "clingen-2026-03-01"),
    }


@pytest.mark.django_db
def test_sources_list_every_source_with_totals_and_last_good_run(api_client, runs, source_keys):
    body = api_client.get("/api/sources/").json()
    assert [item["id"] for item in body["data"]] == source_keys
    by_key = {item["id"]: item for item in body["data"]}
    panelapp = by_key["panelapp"]
    assert panelapp["type"] == "sources"
    assert panelapp["links"]["self"] == "/api/sources/panelapp/"
    attributes = panelapp["attributes"]
    assert attributes["label"] == "PanelApp"
    assert attributes["gene_count"] == 4 and attributes["evidence_count"] == 4
    assert attributes["last_successful_run"]["id"] == runs["good"].id
    assert attributes["source_version"] == "2026-02"
    assert attributes["kind"] == "download"
    assert "http" not in attributes["config"]
    assert by_key["literature"]["attributes"]["kind"] == "upload"
    assert by_key["diagnostic-panels"]["attributes"]["last_successful_run"] is None
    assert by_key["diagnostic-panels"]["attributes"]["source_version"] is None


@pytest.mark.django_db
def test_source_detail_has_run_history_without_staff_text(api_client, runs):
    body = api_client.get("/api/sources/panelapp/").json()
    history = body["data"]["attributes"]["runs"]
    assert [run["id"] for run in history] == [runs["failed"].id, runs["good"].id, runs["old"].id]
    assert all("log" not in run and "error" not in run for run in history)


@pytest.mark.django_db
def test_unknown_source_is_404(api_client, db):
    response = api_client.get("/api/sources/omim/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["status"] == "404"


@pytest.mark.django_db
def test_sources_query_counts_are_constant(api_client, runs, django_assert_num_queries):
    with django_assert_num_queries(2):
        api_client.get("/api/sources/")
    with django_assert_num_queries(3):
        api_client.get("/api/sources/panelapp/")
