"""`ws/progress/`: live state of source runs for the admin page and the public sources page.

A client first receives a snapshot (active runs and the latest run of each source), then one
message per change. Changes come from the process's shared `RunRelay` (which polls the
database, so it works whatever the channel layer) and, when the layer is Redis, directly from
the worker through the channel layer; an `EventDeduper` per client drops repeats.

All ORM work goes through `database_sync_to_async`; nothing here blocks the event loop.
"""

from __future__ import annotations

import asyncio
import logging
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
    RUNS_GROUP,
    EventDeduper,
    event_signature,
    run_event_payload,
    run_group,
    run_states_list,
)
from pipeline.models import SourceRun

logger = logging.getLogger(__name__)

# Polling is the only path on the embedded default, so it is frequent there; with Redis the
# worker's events arrive directly and the relay is a safety net (crashed worker, reaper).
# Finished runs stay in the poll this long, which also absorbs small clock differences.
RELAY_RECENT_SECONDS = 30


def relay_interval() -> float:
    """Seconds between polls; setting PIPELINE_RELAY_INTERVAL overrides the default."""
    configured = getattr(settings, "PIPELINE_RELAY_INTERVAL", None)
    if configured is not None:
        return float(configured)
    return 0.1 if isinstance(get_channel_layer(), InMemoryChannelLayer) else 1.0


class RunRelay:
    """One per event loop (so one per ASGI process): turns SourceRun changes into events.

    Started by the first consumer and stopped with the last, so an idle server never polls.
    """

    def __init__(self) -> None:
        self.consumers: set[ProgressConsumer] = set()
        self._task: asyncio.Task | None = None
        self._known: dict[int, tuple] = {}

    def attach(self, consumer: ProgressConsumer) -> None:
        self.consumers.add(consumer)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._loop())

    def detach(self, consumer: ProgressConsumer) -> None:
        self.consumers.discard(consumer)
        if not self.consumers and self._task is not None:
            self._task.cancel()
            self._task = None
            self._known.clear()

    async def _loop(self) -> None:
        interval = relay_interval()
        while self.consumers:
            try:
                changes = await database_sync_to_async(self.changes_find)()
            except Exception:  # noqa: BLE001 - a failed poll must not end the relay
                logger.warning("progress relay poll failed", exc_info=True)
                changes = []
            for payload in changes:
                for consumer in list(self.consumers):
                    await consumer.relay_deliver(payload)
            await asyncio.sleep(interval)

    def changes_find(self) -> list[dict[str, Any]]:
        """Runs whose state changed since the last poll (sync: runs in a worker thread).

        Looks at active runs, runs that were active last time (they may have just finished or
        been reaped) and recently finished ones; one small indexed query.
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
                changes.append(payload)
            if run.status in ACTIVE_STATUSES or (run.finished_at and run.finished_at >= recent):
                known[run.pk] = signature
        self._known = known
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
        self.group = run_group(self.run_id) if self.run_id is not None else RUNS_GROUP
        self.deduper = EventDeduper()
        self._ready = False
        self._early: list[dict[str, Any]] = []
        await self.accept()
        if self.channel_layer is not None:
            await self.channel_layer.group_add(self.group, self.channel_name)
        relay_get().attach(self)
        runs = await database_sync_to_async(run_states_list)(run_id=self.run_id)
        for payload in runs:
            self.deduper.accept(payload)
        await self.send_json({"type": "snapshot", "runs": runs})
        self._ready = True
        for payload in self._early:
            await self._send_run(payload)
        self._early.clear()

    async def disconnect(self, code: int) -> None:
        relay_get().detach(self)
        if self.channel_layer is not None and hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        """Clients may ask for a fresh snapshot (e.g. after a tab wakes up)."""
        if isinstance(content, dict) and content.get("action") == "snapshot":
            runs = await database_sync_to_async(run_states_list)(run_id=self.run_id)
            await self.send_json({"type": "snapshot", "runs": runs})

    async def run_event(self, message: dict[str, Any]) -> None:
        """Channel layer handler for events published by a worker."""
        await self.relay_deliver(message["run"])

    async def relay_deliver(self, payload: dict[str, Any]) -> None:
        if self.run_id is not None and payload["id"] != self.run_id:
            return
        if not self._ready:
            self._early.append(payload)
            return
        await self._send_run(payload)

    async def _send_run(self, payload: dict[str, Any]) -> None:
        if self.deduper.accept(payload):
            await self.send_json({"type": "run", "run": payload})
