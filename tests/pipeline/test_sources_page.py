"""The public /sources/ page carries live run status badges that work without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from pipeline.models import RunStatus, SourceRun

pytestmark = pytest.mark.django_db


def _row(html: str, source: str) -> str:
    match = re.search(rf'<tr data-run-source="{source}"[^>]*>.*?</tr>', html, re.S)
    assert match, f"no live row for {source}"
    return match.group(0)


def test_rows_show_the_status_of_each_source_latest_run_without_javascript(client):
    SourceRun.objects.create(
        source="clingen", status=RunStatus.COMPLETED, finished_at=timezone.now()
    )
    failed = SourceRun.objects.create(
        source="clingen", status=RunStatus.FAILED, finished_at=timezone.now()
    )
    running = SourceRun.objects.create(
        source="gencc", status=RunStatus.RUNNING, progress_current=3, progress_total=8
    )
    html = client.get("/sources/").content.decode()
    clingen = _row(html, "clingen")
    assert f'data-run-status="failed" data-run-id="{failed.pk}"' in clingen
    assert '<span class="badge run-badge" data-run-field="status">failed</span>' in clingen
    gencc = _row(html, "gencc")
    assert f'data-run-status="running" data-run-id="{running.pk}"' in gencc
    assert 'max="8" value="3"' in gencc and "3 / 8" in gencc
    assert 'data-run-status="none"' in _row(html, "hpo") and "never run" in _row(html, "hpo")


def test_page_hooks_the_table_to_the_socket_and_the_polling_fallback(client):
    html = client.get("/sources/").content.decode()
    assert (
        '<div class="table-wrap" data-progress-root data-ws-path="/ws/progress/" '
        'data-state-url="/admin/pipeline/live/state.json">'
    ) in html
    assert "/static/pipeline/progress.js" in html and "/static/pipeline/progress.css" in html
    assert "<style" not in html, "the public pages' CSP refuses inline style elements"
    assert len(re.findall(r"<tr data-run-source=", html)) == 7


def test_state_url_answers_anonymous_pollers(client):
    SourceRun.objects.create(source="hpo", status=RunStatus.RUNNING)
    data = client.get("/admin/pipeline/live/state.json").json()
    assert [run["source"] for run in data["runs"]] == ["hpo"]


def test_page_query_count_does_not_grow_with_runs(client, django_assert_num_queries):
    for source in ("panelapp", "clingen", "gencc", "hpo"):
        for status in (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.RUNNING):
            SourceRun.objects.create(source=source, status=status, finished_at=timezone.now())
    with django_assert_num_queries(3):
        assert client.get("/sources/").status_code == 200
