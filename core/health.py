"""Liveness and readiness checks: database, cache, channel layer, task queue."""

from __future__ import annotations

import subprocess
import time
import uuid
from functools import lru_cache
from typing import Any

from asgiref.sync import async_to_sync
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from kidney_genetics import __version__

CheckResult = dict[str, Any]


def _timed(check) -> CheckResult:
    started = time.perf_counter()
    try:
        detail = check() or {}
        status = "ok"
    except Exception as error:  # a health check reports every failure, whatever its type
        detail = {"error": f"{type(error).__name__}: {error}"[:300]}
        status = "error"
    return {"status": status, "ms": round((time.perf_counter() - started) * 1000, 1), **detail}


def _check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def _check_cache() -> dict:
    key = f"health:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return the value just written")
    cache.delete(key)
    return {"backend": settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]}


def _check_channel_layer() -> dict:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")

    async def round_trip() -> None:
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "health.ping"})
        message = await layer.receive(channel)
        if message.get("type") != "health.ping":
            raise RuntimeError("channel layer returned an unexpected message")

    async_to_sync(round_trip)()
    return {"backend": type(layer).__name__}


def _check_task_queue() -> dict:
    from django_q.brokers import get_broker
    from django_q.status import Stat

    broker = get_broker()
    if not broker.ping():
        raise RuntimeError("task broker did not answer")
    return {
        "broker": type(broker).__name__,
        "queued": broker.queue_size() or 0,
        "clusters": len(Stat.get_all(broker=broker)),
    }


def health_report() -> tuple[bool, dict[str, CheckResult]]:
    parts = {
        "database": _timed(_check_database),
        "cache": _timed(_check_cache),
        "channel_layer": _timed(_check_channel_layer),
        "task_queue": _timed(_check_task_queue),
    }
    return all(part["status"] == "ok" for part in parts.values()), parts


@lru_cache(maxsize=1)
def git_commit() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=2,
            check=True,
        )
        return result.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def version_report() -> dict[str, Any]:
    from genes.models import HgncLoad

    latest_migration = (
        MigrationRecorder.Migration.objects.order_by("-applied", "-id")
        .values("app", "name")
        .first()
    )
    hgnc = HgncLoad.objects.order_by("-loaded_at").values("release_date", "file_name").first()
    return {
        "version": __version__,
        "git_commit": git_commit(),
        "schema_migration": f"{latest_migration['app']}.{latest_migration['name']}"
        if latest_migration
        else None,
        "hgnc_release": str(hgnc["release_date"]) if hgnc and hgnc["release_date"] else None,
        "hgnc_file": hgnc["file_name"] if hgnc else None,
    }
