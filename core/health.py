"""Liveness and readiness checks: database, cache, channel layer, task queue.

The report must come back fast when a part is down: the database check waits at most
HEALTH_DATABASE_TIMEOUT_SECONDS (2 s) for a connection, and checks that need the database
(the ORM broker, the worker heartbeat) are not attempted when it is down, so a monitoring probe
is not held for the pool's 10 s once per part. The task queue counts as failing when no worker
recorded a heartbeat for HEALTH_WORKER_STALE_SECONDS, unless HEALTH_REQUIRE_WORKER is off (a
web-only node whose readiness should not depend on the workers).
"""

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
from django.utils import timezone

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


class DatabaseDown(RuntimeError):
    """A check that needs the database was not attempted because the database is down."""


def _check_database() -> dict:
    timeout = float(getattr(settings, "HEALTH_DATABASE_TIMEOUT_SECONDS", 2.0))
    pool = connection.pool if connection.vendor == "postgresql" else None
    if pool is not None:
        # Django would wait the pool's own timeout (10 s) for a connection; a probe waits 2 s.
        pool.open(wait=False)
        with pool.connection(timeout=timeout) as conn:
            conn.execute("SELECT 1").fetchone()
        return {"vendor": connection.vendor, "pool": True}
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


def worker_required() -> bool:
    """Whether the task queue needs a live worker to count as ok (not in sync mode)."""
    if settings.Q_CLUSTER.get("sync"):
        return False
    return bool(getattr(settings, "HEALTH_REQUIRE_WORKER", True))


def _check_task_queue(database_ok: bool = True) -> dict:
    from django_q.brokers import get_broker
    from django_q.conf import Conf
    from django_q.status import Stat

    from pipeline.selectors import worker_last_seen

    # Decided from the configuration: instantiating the ORM broker already queries the database.
    if Conf.ORM and not Conf.BROKER_CLASS and not database_ok:
        raise DatabaseDown("not checked: the ORM broker lives in the database, which is down")
    broker = get_broker()
    if not broker.ping():
        raise RuntimeError("task broker did not answer")
    detail = {
        "broker": type(broker).__name__,
        "queued": broker.queue_size() or 0,
        "clusters": len(Stat.get_all(broker=broker)),
    }
    if not worker_required():
        return {**detail, "worker": "not required"}
    if not database_ok:
        raise DatabaseDown("worker heartbeat not checked: the database is down")
    stale = float(getattr(settings, "HEALTH_WORKER_STALE_SECONDS", 180))
    last = worker_last_seen()
    age = (timezone.now() - last).total_seconds() if last else None
    if age is None or age > stale:
        seen = f"last seen {age:.0f} s ago" if age is not None else "never seen"
        raise RuntimeError(
            f"no task worker in the last {stale:.0f} s ({seen}); is `manage.py qcluster` "
            "running and `manage.py pipeline_schedules` applied?"
        )
    return {**detail, "worker_seen_seconds_ago": round(age, 1)}


def health_report() -> tuple[bool, dict[str, CheckResult]]:
    database = _timed(_check_database)
    database_ok = database["status"] == "ok"
    parts = {
        "database": database,
        "cache": _timed(_check_cache),
        "channel_layer": _timed(_check_channel_layer),
        "task_queue": _timed(lambda: _check_task_queue(database_ok)),
    }
    return all(part["status"] == "ok" for part in parts.values()), parts


def health_public(parts: dict[str, CheckResult]) -> dict[str, CheckResult]:
    """The report without error texts (hosts, ports, exception messages are for staff)."""
    return {name: {k: v for k, v in part.items() if k != "error"} for name, part in parts.items()}


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
