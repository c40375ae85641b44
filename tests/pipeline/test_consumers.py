"""ws/progress/: snapshot on connect, relayed events in order, dedupe, per-run route, disconnect."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import override_settings
from django.utils import timezone

from kidney_genetics.asgi import application
from pipeline.consumers import relay_get
from pipeline.events import EVENT_TYPE, RUNS_GROUP, run_event_payload
from pipeline.models import RunStatus, SourceRun
from pipeline.progress import run_progress_update
from tests.pipeline.realtime_fixtures import fresh_channel_layers, run_async

__all__ = ["fresh_channel_layers"]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("fresh_channel_layers"),
]
ORIGIN = [(b"origin", b"http://testserver")]


def _connect(path: str = "/ws/progress/") -> WebsocketCommunicator:
    return WebsocketCommunicator(application, path, headers=ORIGIN)


@database_sync_to_async
def _progress(run_id: int, current: int, **fields) -> None:
    run = SourceRun.objects.get(pk=run_id)
    run_progress_update(run, current=current, force=True, **fields)


@database_sync_to_async
def _finish(run_id: int) -> None:
    SourceRun.objects.filter(pk=run_id).update(
        status=RunStatus.COMPLETED, finished_at=timezone.now(), phase="done"
    )


async def _receive_runs(communicator, count: int, timeout: float = 3) -> list[dict]:
    messages = []
    while len(messages) < count:
        message = await communicator.receive_json_from(timeout=timeout)
        assert message["type"] == "run"
        messages.append(message["run"])
    return messages


def _running(source: str = "panelapp", **fields) -> SourceRun:
    return SourceRun.objects.create(
        source=source,
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        progress_total=10,
        **fields,
    )


@override_settings(PIPELINE_RELAY_INTERVAL=0.05)
def test_client_first_receives_active_runs_and_latest_run_per_source():
    old = SourceRun.objects.create(source="gencc", status=RunStatus.COMPLETED)
    latest = SourceRun.objects.create(source="gencc", status=RunStatus.FAILED)
    active = _running(progress_current=3)

    async def body():
        communicator = _connect()
        connected, _ = await communicator.connect()
        assert connected
        first = await communicator.receive_json_from(timeout=3)
        await communicator.disconnect()
        return first

    first = run_async(body)
    assert first["type"] == "snapshot"
    by_id = {run["id"]: run for run in first["runs"]}
    assert set(by_id) == {latest.pk, active.pk}
    assert old.pk not in by_id
    assert by_id[active.pk]["current"] == 3
    assert by_id[active.pk]["status"] == "running"
    assert by_id[active.pk]["source_label"] == "PanelApp"


@override_settings(PIPELINE_RELAY_INTERVAL=0.05)
def test_progress_written_to_the_database_reaches_the_client_in_order():
    run = _running()

    async def body():
        communicator = _connect()
        await communicator.connect()
        assert (await communicator.receive_json_from(timeout=3))["type"] == "snapshot"
        for current in (1, 2, 3):
            await _progress(run.pk, current, phase="parse")
            await asyncio.sleep(0.15)
        await _finish(run.pk)
        events = await _receive_runs(communicator, 4)
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()
        return events

    events = run_async(body)
    assert [(e["current"], e["status"]) for e in events] == [
        (1, "running"),
        (2, "running"),
        (3, "running"),
        (3, "completed"),
    ]
    assert all(e["id"] == run.pk for e in events)
    assert events[1]["rate"] is not None


@override_settings(PIPELINE_RELAY_INTERVAL=0.05)
def test_a_state_arriving_both_by_channel_layer_and_relay_is_sent_once():
    run = _running()

    async def body():
        communicator = _connect()
        await communicator.connect()
        await communicator.receive_json_from(timeout=3)
        await _progress(run.pk, 5)
        fresh = await database_sync_to_async(SourceRun.objects.get)(pk=run.pk)
        payload = run_event_payload(fresh)
        await get_channel_layer().group_send(RUNS_GROUP, {"type": EVENT_TYPE, "run": payload})
        events = await _receive_runs(communicator, 1)
        assert await communicator.receive_nothing(timeout=0.4)
        stale = dict(payload, current=4, updated=payload["updated"] - 10)
        await get_channel_layer().group_send(RUNS_GROUP, {"type": EVENT_TYPE, "run": stale})
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()
        return events

    events = run_async(body)
    assert [e["current"] for e in events] == [5]


@override_settings(PIPELINE_RELAY_INTERVAL=0.05)
def test_run_route_streams_only_that_run():
    watched, other = _running("panelapp"), _running("gencc")

    async def body():
        communicator = _connect(f"/ws/progress/{watched.pk}/")
        await communicator.connect()
        snapshot = await communicator.receive_json_from(timeout=3)
        await _progress(other.pk, 7)
        await _progress(watched.pk, 2)
        events = await _receive_runs(communicator, 1)
        assert await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()
        return snapshot, events

    snapshot, events = run_async(body)
    assert [run["id"] for run in snapshot["runs"]] == [watched.pk]
    assert [(e["id"], e["current"]) for e in events] == [(watched.pk, 2)]


@override_settings(PIPELINE_RELAY_INTERVAL=0.05)
def test_relay_is_shared_and_stops_when_the_last_client_disconnects():
    async def body():
        first, second = _connect(), _connect()
        await first.connect()
        await second.connect()
        await first.receive_json_from(timeout=3)
        await second.receive_json_from(timeout=3)
        relay = relay_get()
        attached = len(relay.consumers)
        task = relay._task
        await first.disconnect()
        still_running = not task.done()
        await second.disconnect()
        await asyncio.sleep(0)
        return attached, still_running, relay._task, task.cancelled() or task.done()

    attached, still_running, task_after, stopped = run_async(body)
    assert attached == 2
    assert still_running
    assert task_after is None
    assert stopped


def test_client_can_ask_for_a_fresh_snapshot():
    run = _running(progress_current=1)

    async def body():
        communicator = _connect()
        await communicator.connect()
        await communicator.receive_json_from(timeout=3)
        await communicator.send_json_to({"action": "snapshot"})
        again = await communicator.receive_json_from(timeout=3)
        await communicator.disconnect()
        return again

    again = run_async(body)
    assert again["type"] == "snapshot"
    assert [r["id"] for r in again["runs"]] == [run.pk]


@override_settings(PIPELINE_RELAY_INTERVAL=30)
def test_events_published_by_a_worker_reach_clients_without_waiting_for_the_poll():
    run = _running()

    async def body():
        first, second = _connect(), _connect()
        for client in (first, second):
            await client.connect()
            await client.receive_json_from(timeout=3)
        await asyncio.sleep(0.1)  # the relay joins the all-runs group
        fresh = await database_sync_to_async(SourceRun.objects.get)(pk=run.pk)
        fresh.progress_current = 9
        payload = run_event_payload(fresh)
        await get_channel_layer().group_send(RUNS_GROUP, {"type": EVENT_TYPE, "run": payload})
        received = [await _receive_runs(client, 1, timeout=1) for client in (first, second)]
        for client in (first, second):
            await client.disconnect()
        return received

    received = run_async(body)
    assert [[e["current"] for e in events] for events in received] == [[9], [9]]
