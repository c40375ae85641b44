"""The staff-only live pipeline page: rendering, trigger permissions, JSON state."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import override_settings
from django.urls import reverse

from pipeline.models import RunStatus, SourceRun

SYNC_Q = {"name": "test", "sync": True, "orm": "default", "timeout": 60, "retry": 120}
pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("viewer", password="x", is_staff=True)


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user("curator", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Curator"))
    return user


def test_page_needs_a_staff_login(client, django_user_model):
    assert client.get(reverse("pipeline-live")).status_code == 302
    django_user_model.objects.create_user("public", password="x")
    client.login(username="public", password="x")
    assert client.get(reverse("pipeline-live")).status_code == 302


def test_page_lists_every_source_with_its_latest_run_and_the_socket_hooks(client, staff):
    SourceRun.objects.create(source="gencc", status=RunStatus.COMPLETED)
    running = SourceRun.objects.create(
        source="gencc", status=RunStatus.RUNNING, progress_current=4, progress_total=8
    )
    client.force_login(staff)
    html = client.get(reverse("pipeline-live")).content.decode()
    assert 'data-progress-root data-ws-path="/ws/progress/"' in html
    assert 'data-state-url="/admin/pipeline/live/state.json"' in html
    assert f'data-run-source="gencc" data-run-status="running" data-run-id="{running.pk}"' in html
    assert 'data-run-source="pubtator" data-run-status="none"' in html
    assert "pipeline/progress.js" in html
    assert "Run now" not in html  # a viewer may watch but not trigger


def test_curator_sees_trigger_buttons_except_for_upload_sources(client, curator):
    client.force_login(curator)
    html = client.get(reverse("pipeline-live")).content.decode()
    assert html.count("data-run-trigger") == 5
    assert "uploads only" in html
    assert 'value="demo"' in html  # demo snapshots exist for the downloadable sources


@override_settings(
    Q_CLUSTER=SYNC_Q, PIPELINE_RUN_EXECUTOR="tests.pipeline.realtime_fakes.fake_execute"
)
def test_curator_trigger_queues_and_runs_the_source(
    client, curator, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("tests.pipeline.realtime_fakes.STEP_SECONDS", 0)
    client.force_login(curator)
    url = reverse("pipeline-live-trigger", args=["clingen"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"mode": "demo"})
    assert response.status_code == 302
    run = SourceRun.objects.get(source="clingen")
    assert (run.status, run.mode, run.triggered_by) == (RunStatus.COMPLETED, "replay", curator)


def test_second_trigger_shows_the_refusal_message(client, curator):
    active = SourceRun.objects.create(source="hpo", status=RunStatus.RUNNING)
    client.force_login(curator)
    response = client.post(reverse("pipeline-live-trigger", args=["hpo"]), follow=True)
    assert f"HPO already has run #{active.pk} running" in response.content.decode()
    assert SourceRun.objects.filter(source="hpo").count() == 1


def test_trigger_is_forbidden_without_the_permission_but_allowed_with_add_sourcerun(client, staff):
    client.force_login(staff)
    url = reverse("pipeline-live-trigger", args=["gencc"])
    assert client.post(url).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename="add_sourcerun"))
    client.force_login(staff)
    assert client.post(url).status_code == 302
    assert SourceRun.objects.filter(source="gencc", status=RunStatus.PENDING).exists()


def test_trigger_needs_csrf(curator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    assert client.post(reverse("pipeline-live-trigger", args=["gencc"])).status_code == 403


def test_state_json_is_the_socket_snapshot(client):
    run = SourceRun.objects.create(source="panelapp", status=RunStatus.RUNNING, error="secret")
    data = client.get(reverse("pipeline-live-state")).json()
    assert data["type"] == "snapshot"
    assert [(r["id"], r["status"]) for r in data["runs"]] == [(run.pk, "running")]
    assert "error" not in data["runs"][0]


def test_page_and_state_json_show_the_latest_score_recompute(client, staff):
    from django.utils import timezone

    from genes.models import ScoreRun

    ScoreRun.objects.create(started_at=timezone.now(), finished_at=timezone.now(), genes_scored=5)
    latest = ScoreRun.objects.create(
        started_at=timezone.now(), finished_at=timezone.now(), genes_scored=12
    )
    client.force_login(staff)
    html = client.get(reverse("pipeline-live")).content.decode()
    assert f'data-job-kind="score" data-run-status="completed" data-job-id="{latest.pk}"' in html
    assert "12 genes scored" in html
    jobs = client.get(reverse("pipeline-live-state")).json()["jobs"]
    assert [(job["key"], job["status"]) for job in jobs] == [(f"score:{latest.pk}", "completed")]


def test_state_json_costs_one_query_per_table_whatever_the_runs(client, django_assert_num_queries):
    from pipeline.jobs import job_sources

    for source in ("panelapp", "clingen", "gencc"):
        for status in (RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.RUNNING):
            SourceRun.objects.create(source=source, status=status)
    with django_assert_num_queries(1 + len(job_sources())):
        runs = client.get(reverse("pipeline-live-state")).json()["runs"]
    assert [run["status"] for run in runs] == ["running"] * 3  # active = latest per source
