"""Progress events: payload, throttling, publishing to groups, dedupe, current state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.layers import BaseChannelLayer
from django.test import override_settings
from django.utils import timezone

from pipeline import events
from pipeline.events import (
    RUNS_GROUP,
    EventDeduper,
    run_event_payload,
    run_event_publish,
    run_group,
    run_states_list,
)
from pipeline.models import RunStatus, SourceRun

pytestmark = pytest.mark.django_db


class RecordingLayer(BaseChannelLayer):
    """A cross-process layer stand-in that records group sends."""

    sent: list[tuple[str, dict]] = []
    broken = False

    async def group_send(self, group, message):
        if RecordingLayer.broken:
            raise ConnectionError("redis is down")
        RecordingLayer.sent.append((group, message))


RECORDING = {"default": {"BACKEND": "tests.pipeline.test_events.RecordingLayer"}}


@pytest.fixture
def recorded():
    RecordingLayer.sent, RecordingLayer.broken = [], False
    events._last_publish.clear()
    with override_settings(CHANNEL_LAYERS=RECORDING):
        yield RecordingLayer.sent


def _run(**fields) -> SourceRun:
    return SourceRun.objects.create(source="panelapp", status=RunStatus.RUNNING, **fields)


def test_payload_derives_rate_and_eta_from_the_row_timestamps():
    run = _run(progress_current=500, progress_total=2000, phase="parse", message="page 5")
    run.started_at = run.created_at
    run.heartbeat_at = run.started_at + timedelta(seconds=50)
    payload = run_event_payload(run)
    assert payload["rate"] == 10.0
    assert payload["eta_seconds"] == 150.0
    assert payload["percent"] == 25.0
    assert payload["updated"] == run.heartbeat_at.timestamp()
    assert (payload["id"], payload["source"], payload["status"]) == (run.pk, "panelapp", "running")
    assert (payload["phase"], payload["message"]) == ("parse", "page 5")


def test_payload_of_a_finished_run_has_no_eta():
    run = _run(started_at=timezone.now(), progress_current=3, progress_total=3)
    run.status, run.finished_at = RunStatus.COMPLETED, run.started_at + timedelta(seconds=3)
    payload = run_event_payload(run)
    assert payload["eta_seconds"] is None
    assert payload["rate"] == 1.0
    assert payload["updated"] == run.finished_at.timestamp()


def test_publish_sends_to_the_run_group_and_the_all_runs_group(recorded):
    run = _run(started_at=timezone.now())
    assert run_event_publish(run)
    assert [group for group, _ in recorded] == [RUNS_GROUP, run_group(run.pk)]
    message = recorded[0][1]
    assert message["type"] == "run.event"
    assert message["run"]["id"] == run.pk


def test_publish_is_throttled_per_run_but_status_changes_always_go_out(recorded):
    run, other = _run(), _run()
    assert run_event_publish(run)
    assert not run_event_publish(run)
    assert run_event_publish(other)
    run.status = RunStatus.COMPLETED
    assert run_event_publish(run)
    assert run_event_publish(run, force=True)
    assert len(recorded) == 8


@override_settings(CHANNEL_LAYERS={"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}})
def test_publish_is_skipped_on_the_in_memory_layer_which_cannot_reach_other_processes():
    assert not run_event_publish(_run())


def test_a_broken_channel_layer_does_not_fail_the_run(recorded):
    RecordingLayer.broken = True
    assert not run_event_publish(_run())


def test_deduper_passes_each_state_once_and_never_goes_back():
    deduper = EventDeduper()
    base = {"id": 1, "status": "running", "phase": "parse", "current": 1, "updated": 10.0}
    assert deduper.accept(base)
    assert not deduper.accept(dict(base))
    assert not deduper.accept(dict(base, updated=11.0))  # heartbeat only: nothing new to show
    assert deduper.accept(dict(base, current=2, updated=12.0))
    assert not deduper.accept(dict(base, current=1, updated=11.5))  # late, older state
    assert deduper.accept(dict(base, id=2))


def test_current_state_is_active_runs_and_latest_per_source_in_one_query(
    django_assert_num_queries,
):
    for source in ("panelapp", "gencc", "hpo"):
        SourceRun.objects.create(source=source, status=RunStatus.COMPLETED)
        SourceRun.objects.create(source=source, status=RunStatus.FAILED)
    active = [_run(), SourceRun.objects.create(source="clingen")]
    with django_assert_num_queries(1):
        states = run_states_list()
    assert len(states) == 4  # panelapp's latest run is the active one
    assert {s["status"] for s in states} == {"failed", "running", "pending"}
    assert {s["id"] for s in states} >= {r.pk for r in active}


def test_every_progress_write_is_published_and_throttled_writes_are_not(recorded):
    from pipeline.progress import run_progress_update

    run = _run(started_at=timezone.now())
    assert run_progress_update(run, phase="parse", current=1, total=9)
    assert not run_progress_update(run, current=2)
    assert run_progress_update(run, current=3, force=True)
    published = [m["run"]["current"] for group, m in recorded if group == RUNS_GROUP]
    assert published == [1, 3]
