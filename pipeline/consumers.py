"""`ws/progress/`: live state of source runs for the admin page and the public sources page.

A client first receives a snapshot (active runs, the latest run of each source and the latest
score recompute / release publish, see pipeline.jobs), then one message per change. Changes
come from the process's shared `RunRelay`, which polls the database (so it works whatever the
channel layer) and, when the layer is Redis, also listens to the worker's published events;
an `EventDeduper` per client drops repeats.

All ORM work goes through `database_sync_to_async`; nothing here blocks the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from datetime import timedelta
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from pipeline.events import (
    ACTIVE_STATUSES,
    EVENT_TYPE,
    RUNS_GROUP,
    EventDeduper,
    event_signature,
    run_event_payload,
)
from pipeline.jobs import JOB_EVENT_TYPE, job_signature, job_states_list, progress_snapshot
from pipeline.models import SourceRun

logger = logging.getLogger(__name__)

# Polling is the only path on the embedded default, so it is frequent there; with Redis the
# worker's events arrive directly and the relay is a safety net (crashed worker, reaper).
# Channel layer group memberships expire (a day by default in channels_redis); renew hourly.
GROUP_REJOIN_SECONDS = 3600
# Finished runs stay in the poll this long, which also absorbs small clock differences.
RELAY_RECENT_SECONDS = 30


def relay_interval() -> float:
    """Seconds between polls; setting PIPELINE_RELAY_INTERVAL overrides the default."""
    configured = settings.PIPELINE_RELAY_INTERVAL
    if configured is not None:
        return float(configured)
    return 0.1 if isinstance(get_channel_layer(), InMemoryChannelLayer) else 1.0


class RunRelay:
    """One per event loop (so one per ASGI process): turns run changes into local events.

    Two sources feed it: a poll of the SourceRun table, and ONE channel-layer subscription
    to the all-runs group per process (the worker's published events). It fans both out to
    the process's consumers in memory: with Redis, an event costs one Redis delivery per
    server rather than one per connected client. Started by the first consumer and stopped
    with the last, so an idle server neither polls nor listens.
    """

    def __init__(self) -> None:
        self.consumers: set[ProgressConsumer] = set()
        self._task: asyncio.Task | None = None
        self._listener: asyncio.Task | None = None
        self._known: dict[int, tuple] = {}
        self._known_jobs: dict[str, tuple] = {}

    def attach(self, consumer: ProgressConsumer) -> None:
        self.consumers.add(consumer)
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._loop())
        if (self._listener is None or self._listener.done()) and get_channel_layer() is not None:
            self._listener = loop.create_task(self._listen())

    def detach(self, consumer: ProgressConsumer) -> None:
        self.consumers.discard(consumer)
        if self.consumers:
            return
        for task in (self._task, self._listener):
            if task is not None:
                task.cancel()
        self._task = self._listener = None
        self._known.clear()
        self._known_jobs.clear()

    async def _fan_out(self, message: dict[str, Any]) -> None:
        for consumer in list(self.consumers):
            await consumer.relay_deliver(message)

    async def _listen(self) -> None:
        layer = get_channel_layer()
        channel = await layer.new_channel()
        joined_at: float | None = None
        try:
            while self.consumers:
                if joined_at is None or time.monotonic() - joined_at > GROUP_REJOIN_SECONDS:
                    await layer.group_add(RUNS_GROUP, channel)
                    joined_at = time.monotonic()
                message = await layer.receive(channel)
                if message.get("type") == EVENT_TYPE:
                    await self._fan_out({"type": "run", "run": message["run"]})
                elif message.get("type") == JOB_EVENT_TYPE:
                    await self._fan_out({"type": "job", "job": message["job"]})
        except Exception:  # noqa: BLE001 - the poll still carries every state
            logger.warning("progress relay stopped listening to the channel layer", exc_info=True)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.shield(layer.group_discard(RUNS_GROUP, channel))

    async def _loop(self) -> None:
        interval = relay_interval()
        while self.consumers:
            try:
                changes = await database_sync_to_async(self.changes_find)()
            except Exception:  # noqa: BLE001 - a failed poll must not end the relay
                logger.warning("progress relay poll failed", exc_info=True)
                changes = []
            for message in changes:
                await self._fan_out(message)
            await asyncio.sleep(interval)

    def changes_find(self) -> list[dict[str, Any]]:
        """Messages for runs and jobs whose state changed since the last poll (sync: runs in a
        worker thread).

        Looks at active runs, runs that were active last time (they may have just finished or
        been reaped) and recently finished ones, in one small indexed query; plus the latest
        job of each registered kind (one query per kind).
        """
        recent = timezone.now() - timedelta(seconds=RELAY_RECENT_SECONDS)
        runs = SourceRun.objects.filter(
            Q(status__in=ACTIVE_STATUSES) | Q(pk__in=list(self._known)) | Q(finished_at__gte=recent)
        ).defer("log", "error")
        changes, known = [], {}
        for run in runs.order_by("pk"):
            payload = run_event_payload(run)
            signature = event_signature(payload)
            if self._known.get(run.pk) != signature:
                changes.append({"type": "run", "run": payload})
            if run.status in ACTIVE_STATUSES or (run.finished_at and run.finished_at >= recent):
                known[run.pk] = signature
        self._known = known
        return changes + self._job_changes()

    def _job_changes(self) -> list[dict[str, Any]]:
        changes = []
        for payload in job_states_list():
            signature = job_signature(payload)
            if self._known_jobs.get(payload["key"]) != signature:
                self._known_jobs[payload["key"]] = signature
                changes.append({"type": "job", "job": payload})
        return changes


_relays: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RunRelay] = (
    weakref.WeakKeyDictionary()
)


def relay_get() -> RunRelay:
    """The relay of the running event loop, created on first use."""
    loop = asyncio.get_running_loop()
    relay = _relays.get(loop)
    if relay is None:
        relay = _relays[loop] = RunRelay()
    return relay


class ProgressConsumer(AsyncJsonWebsocketConsumer):
    """Streams run states: all runs at `ws/progress/`, one run at `ws/progress/<run_id>/`."""

    async def connect(self) -> None:
        kwargs = self.scope.get("url_route", {}).get("kwargs", {})
        self.run_id: int | None = int(kwargs["run_id"]) if "run_id" in kwargs else None
        self.deduper = EventDeduper()
        self._ready = False
        self._early: list[dict[str, Any]] = []
        await self.accept()
        relay_get().attach(self)
        snapshot = await database_sync_to_async(progress_snapshot)(run_id=self.run_id)
        for payload in snapshot["runs"]:
            self.deduper.accept(payload)
        for payload in snapshot["jobs"]:
            self._accept_job(payload)
        await self.send_json(snapshot)
        self._ready = True
        for message in self._early:
            await self._send(message)
        self._early.clear()

    async def disconnect(self, code: int) -> None:
        relay_get().detach(self)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Clients may ask for a fresh snapshot (e.g. after a tab wakes up)."""
        if isinstance(content, dict) and content.get("action") == "snapshot":
            snapshot = await database_sync_to_async(progress_snapshot)(run_id=self.run_id)
            await self.send_json(snapshot)

    async def run_event(self, message: dict[str, Any]) -> None:
        """Channel layer handler, for events sent to this consumer's own channel."""
        await self.relay_deliver({"type": "run", "run": message["run"]})

    async def job_event(self, message: dict[str, Any]) -> None:
        """Channel layer handler for job events sent to this consumer's own channel."""
        await self.relay_deliver({"type": "job", "job": message["job"]})

    async def relay_deliver(self, message: dict[str, Any]) -> None:
        """Take a relayed {"type": "run"|"job", ...} message; sends it unless already seen."""
        if self.run_id is not None and (
            message["type"] != "run" or message["run"]["id"] != self.run_id
        ):
            return
        if not self._ready:
            self._early.append(message)
            return
        await self._send(message)

    def _accept_job(self, payload: dict[str, Any]) -> bool:
        return self.deduper.accept(
            payload, key=("job", payload["key"]), signature=job_signature(payload)
        )

    async def _send(self, message: dict[str, Any]) -> None:
        if message["type"] == "run":
            if self.deduper.accept(message["run"]):
                await self.send_json(message)
        elif self._accept_job(message["job"]):
            await self.send_json(message)
