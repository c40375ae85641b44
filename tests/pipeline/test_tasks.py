"""Background runs: enqueue on commit, django-q2 sync execution, refusals, crash and reaper."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_q.models import Schedule

from pipeline.models import RunStatus, SourceRun
from pipeline.tasks import RunAlreadyActiveError, runs_reap_stale, source_run_enqueue

SYNC_Q = {"name": "test", "sync": True, "orm": "default", "timeout": 60, "retry": 120}
FAKE = "tests.pipeline.realtime_fakes.fake_execute"
CRASH = "tests.pipeline.realtime_fakes.crashing_execute"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_fake(monkeypatch):
    monkeypatch.setattr("tests.pipeline.realtime_fakes.STEP_SECONDS", 0)


@override_settings(Q_CLUSTER=SYNC_Q, PIPELINE_RUN_EXECUTOR=FAKE)
def test_enqueued_run_executes_after_commit_and_completes(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = source_run_enqueue(source="panelapp", mode="replay")
        assert SourceRun.objects.get(pk=run.pk).status == RunStatus.PENDING
    assert len(callbacks) == 1
    callbacks[0]()
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED
    assert run.mode == "replay"
    assert (run.progress_current, run.progress_total, run.phase) == (5, 5, "done")
    assert run.task_id


@override_settings(Q_CLUSTER=SYNC_Q, PIPELINE_RUN_EXECUTOR=CRASH)
def test_crashing_run_is_marked_failed_with_the_error(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = source_run_enqueue(source="gencc")
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.finished_at is not None
    assert "RuntimeError: parser exploded" in run.message
    assert "Traceback" in run.error


def test_second_trigger_of_an_active_source_is_refused_with_a_clear_message(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):
        first = source_run_enqueue(source="clingen")
    with pytest.raises(
        RunAlreadyActiveError, match=rf"ClinGen already has run #{first.pk} pending"
    ):
        source_run_enqueue(source="clingen")
    assert SourceRun.objects.filter(source="clingen").count() == 1


def test_trigger_is_allowed_again_once_the_previous_run_finished(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False):
        first = source_run_enqueue(source="hpo")
        SourceRun.objects.filter(pk=first.pk).update(status=RunStatus.COMPLETED)
        second = source_run_enqueue(source="hpo")
    assert second.pk != first.pk


def test_unknown_source_is_rejected():
    with pytest.raises(ValueError, match="unknown source 'nope'"):
        source_run_enqueue(source="nope")


@override_settings(Q_CLUSTER=SYNC_Q, PIPELINE_RUN_EXECUTOR=FAKE)
def test_task_does_not_execute_a_run_that_is_no_longer_pending():
    from pipeline.tasks import source_run_task

    run = SourceRun.objects.create(source="hpo", status=RunStatus.FAILED)
    assert source_run_task(run.pk) == RunStatus.FAILED
    run.refresh_from_db()
    assert run.started_at is None


def test_reaper_fails_runs_with_a_stale_heartbeat_and_keeps_live_ones():
    now = timezone.now()
    stale = SourceRun.objects.create(
        source="panelapp",
        status=RunStatus.RUNNING,
        started_at=now - timedelta(hours=1),
        heartbeat_at=now - timedelta(minutes=30),
    )
    alive = SourceRun.objects.create(
        source="gencc",
        status=RunStatus.RUNNING,
        started_at=now - timedelta(hours=1),
        heartbeat_at=now - timedelta(seconds=5),
    )
    never_picked = SourceRun.objects.create(source="hpo", status=RunStatus.PENDING)
    SourceRun.objects.filter(pk=never_picked.pk).update(created_at=now - timedelta(days=2))
    fresh_pending = SourceRun.objects.create(source="clingen", status=RunStatus.PENDING)

    assert runs_reap_stale() == 2

    states = dict(SourceRun.objects.values_list("pk", "status"))
    assert states[stale.pk] == RunStatus.FAILED
    assert states[never_picked.pk] == RunStatus.FAILED
    assert states[alive.pk] == RunStatus.RUNNING
    assert states[fresh_pending.pk] == RunStatus.PENDING
    stale.refresh_from_db()
    assert "stopped responding" in stale.error
    assert stale.finished_at is not None
    assert runs_reap_stale() == 0


def test_schedules_command_is_idempotent_and_does_not_fetch_at_first_start():
    call_command("pipeline_schedules", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("pipeline_schedules", stdout=open("/dev/null", "w"))  # noqa: SIM115
    schedules = Schedule.objects.filter(name__startswith="pipeline: ")
    assert schedules.count() == 7
    assert schedules.get(func="pipeline.tasks.worker_heartbeat").minutes == 1
    reaper = schedules.get(func="pipeline.tasks.runs_reap_stale")
    assert reaper.minutes == 2
    refresh = schedules.get(name="pipeline: refresh panelapp")
    assert refresh.args == "'panelapp'"
    assert refresh.schedule_type == Schedule.WEEKLY
    assert refresh.next_run > timezone.now() + timedelta(days=6)


def test_scheduled_refresh_is_skipped_while_a_run_is_active(django_capture_on_commit_callbacks):
    from pipeline.tasks import source_run_scheduled

    SourceRun.objects.create(source="gencc", status=RunStatus.RUNNING)
    assert source_run_scheduled("gencc") is None
    with django_capture_on_commit_callbacks(execute=False):
        assert source_run_scheduled("clingen") is not None


@override_settings(Q_CLUSTER=SYNC_Q)
def test_queued_panelapp_replay_of_the_demo_snapshot_completes(
    demo_genes, demo_dir, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = source_run_enqueue(
            source="panelapp", mode="replay", snapshot_dir=str(demo_dir / "sources" / "panelapp")
        )
    run.refresh_from_db()
    assert run.status == RunStatus.COMPLETED, run.error
    assert run.gene_count > 0
    assert run.phase == "done"
    assert run.heartbeat_at is not None
