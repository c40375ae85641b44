"""Issue 14 §2: a run is never left stuck — broker down, lost tasks, cancel and retry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from curation.roles import CURATOR, VIEWER
from genes.models import Evidence
from pipeline.models import RunStatus, SourceRun
from pipeline.services import source_run_execute
from pipeline.tasks import runs_reap_stale, source_run_cancel
from tests.conftest import DEMO_DIR, make_role_user
from tests.pipeline.processes import free_port

pytestmark = pytest.mark.django_db
REDIS_Q = {"name": "test-down", "timeout": 60, "retry": 120}


@pytest.fixture
def curator(db):
    return make_role_user("cora", CURATOR, password="a-long-Secret-pass-42")


@pytest.fixture
def broker_down(monkeypatch):
    """django-q2 pointed at Redis on a port where nothing listens (connection refused)."""
    from django_q.conf import Conf

    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "DJANGO_REDIS", None)
    monkeypatch.setattr(Conf, "REDIS", f"redis://127.0.0.1:{free_port()}/0")
    with override_settings(Q_CLUSTER=REDIS_Q):
        yield


# Real commits (transaction=True), so the task is queued when the request's transaction
# commits, as in production, not after the test.
@pytest.mark.django_db(transaction=True)
def test_trigger_with_the_broker_down_answers_503_and_leaves_no_pending_run(
    api_client, curator, broker_down
):
    api_client.force_authenticate(curator)
    response = api_client.post("/api/runs/", {"source": "gencc"}, format="json")
    assert response.status_code == 503
    error = response.json()["errors"][0]
    assert error["code"] == "queue_unavailable"
    assert "task queue is unreachable" in error["detail"]
    run = SourceRun.objects.get(source="gencc")
    assert run.status == RunStatus.FAILED
    assert "could not be queued" in run.message
    assert not SourceRun.objects.filter(status=RunStatus.PENDING).exists()


@pytest.mark.django_db(transaction=True)
def test_after_a_broker_outage_the_next_trigger_is_accepted(
    api_client, curator, broker_down, monkeypatch
):
    from django_q.conf import Conf

    api_client.force_authenticate(curator)
    assert api_client.post("/api/runs/", {"source": "hpo"}, format="json").status_code == 503
    monkeypatch.setattr(Conf, "ORM", "default")  # the broker is back (the ORM broker)
    response = api_client.post("/api/runs/", {"source": "hpo"}, format="json")
    assert response.status_code == 202, response.json()
    assert SourceRun.objects.get(pk=response.json()["queued"][0]["run"]).task_id


def _pending(source: str, minutes_ago: float) -> SourceRun:
    run = SourceRun.objects.create(source=source, status=RunStatus.PENDING)
    created = timezone.now() - timedelta(minutes=minutes_ago)
    SourceRun.objects.filter(pk=run.pk).update(created_at=created)
    return run


@override_settings(PIPELINE_PENDING_TIMEOUT_SECONDS=300)
def test_a_pending_run_nobody_picks_up_fails_within_minutes_with_a_message():
    lost = _pending("clingen", minutes_ago=5.1)
    young = _pending("gencc", minutes_ago=4.9)
    assert runs_reap_stale() == 1
    lost.refresh_from_db()
    young.refresh_from_db()
    assert lost.status == RunStatus.FAILED and young.status == RunStatus.PENDING
    assert "no worker picked this run up within 5 minutes" in lost.message


@override_settings(PIPELINE_PENDING_TIMEOUT_SECONDS=300)
def test_a_pending_run_waiting_behind_a_running_one_is_not_reaped():
    SourceRun.objects.create(
        source="pubtator", status=RunStatus.RUNNING, started_at=timezone.now(),
        heartbeat_at=timezone.now(),
    )  # fmt: skip
    queued = _pending("clingen", minutes_ago=30)
    assert runs_reap_stale() == 0
    queued.refresh_from_db()
    assert queued.status == RunStatus.PENDING


@override_settings(PIPELINE_PENDING_TIMEOUT_SECONDS=300)
def test_a_trigger_reaps_a_lost_pending_run_instead_of_answering_409(api_client, curator):
    lost = _pending("gencc", minutes_ago=6)
    api_client.force_authenticate(curator)
    response = api_client.post("/api/runs/", {"source": "gencc"}, format="json")
    assert response.status_code == 202, response.json()
    lost.refresh_from_db()
    assert lost.status == RunStatus.FAILED


def test_curator_cancels_a_pending_run_and_retries_it_through_the_api(api_client, curator):
    run = _pending("clingen", minutes_ago=0)
    api_client.force_authenticate(curator)
    response = api_client.post(f"/api/runs/{run.pk}/cancel/")
    assert response.status_code == 200, response.json()
    run.refresh_from_db()
    assert (run.status, run.phase) == (RunStatus.FAILED, "cancelled")
    assert run.message == "cancelled by cora"
    assert api_client.post(f"/api/runs/{run.pk}/cancel/").status_code == 409

    retried = api_client.post(f"/api/runs/{run.pk}/retry/")
    assert retried.status_code == 200, retried.json()
    new = SourceRun.objects.get(pk=retried.json()["run"])
    assert (new.source, new.status, new.triggered_by) == ("clingen", RunStatus.PENDING, curator)
    assert api_client.post(f"/api/runs/{new.pk}/retry/").status_code == 409
    assert api_client.post("/api/runs/999999/cancel/").status_code == 404


def test_cancel_and_retry_need_the_curator_role(api_client):
    run = _pending("clingen", minutes_ago=0)
    assert api_client.post(f"/api/runs/{run.pk}/cancel/").status_code in (401, 403)
    api_client.force_authenticate(make_role_user("vic", VIEWER, password="a-long-Secret-pass-42"))
    assert api_client.post(f"/api/runs/{run.pk}/cancel/").status_code == 403
    run.refresh_from_db()
    assert run.status == RunStatus.PENDING


def test_a_running_run_cancelled_midway_writes_no_evidence(demo_genes, curator):
    run = SourceRun.objects.create(source="panelapp", status=RunStatus.PENDING)

    def cancel_once(watched: SourceRun) -> None:
        if watched.phase == "fetch" and SourceRun.objects.get(pk=run.pk).phase != "cancelled":
            source_run_cancel(run=SourceRun.objects.get(pk=run.pk), user=curator)

    finished = source_run_execute(
        source="panelapp", mode="replay", snapshot_dir=DEMO_DIR / "sources" / "panelapp",
        run=run, progress_listener=cancel_once,
    )  # fmt: skip
    assert (finished.status, finished.phase) == (RunStatus.FAILED, "cancelled")
    assert not Evidence.objects.filter(source="panelapp").exists()


def test_admin_cancel_action_ends_a_running_run(client, curator):
    run = SourceRun.objects.create(source="hpo", status=RunStatus.RUNNING)
    client.force_login(curator)
    response = client.post(
        "/admin/pipeline/sourcerun/",
        {"action": "cancel_selected", "_selected_action": [run.pk]},
        follow=True,
    )
    assert response.status_code == 200
    run.refresh_from_db()
    assert (run.status, run.phase) == (RunStatus.FAILED, "cancelled")
