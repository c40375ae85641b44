"""Production topology: two daphne servers and one qcluster on PostgreSQL + Redis.

A run triggered through the queue executes in the qcluster process; a WebSocket client on
EITHER server must see its progress and its completion. Skips unless PostgreSQL and Redis are
reachable on 127.0.0.1. Uses its own migrated database (SCALE_OUT_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/rt) and Redis DB 3 (SCALE_OUT_REDIS_URL), never the
pytest test database.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail_in_ci
from tests.pipeline.processes import free_port, processes_stop, wait_http

REPO_DIR = Path(__file__).resolve().parents[2]
DATABASE_URL = os.environ.get("SCALE_OUT_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rt")
REDIS_URL = os.environ.get("SCALE_OUT_REDIS_URL", "redis://127.0.0.1:6379/3")
TRIGGER = """
import django; django.setup()
from pipeline.models import SourceRun
from pipeline.tasks import source_run_enqueue
SourceRun.objects.filter(source="panelapp", status__in=["pending", "running"]).update(
    status="failed", error="left over by an interrupted scale-out test")
print(source_run_enqueue(source="panelapp", mode="replay").pk)
"""

pytestmark = pytest.mark.slow


def _reachable(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "tests.pipeline.scale_out_settings",
        "FAKE_RUN_STEPS": "6",
        "FAKE_RUN_STEP_SECONDS": "0.4",
        "PYTHONPATH": str(REPO_DIR),
    }


def _database_prepare() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO_DIR,
        env=_env(),
        check=True,
        timeout=300,
    )


@pytest.fixture
def topology():
    if not (_reachable(5432) and _reachable(6379)):
        skip_or_fail_in_ci("PostgreSQL and Redis are not both reachable on 127.0.0.1")
    _database_prepare()
    ports = [free_port(), free_port()]
    daphne = str(Path(sys.executable).with_name("daphne"))
    commands = [
        [daphne, "-b", "127.0.0.1", "-p", str(port), "kidney_genetics.asgi:application"]
        for port in ports
    ] + [[sys.executable, "manage.py", "qcluster"]]
    processes = [
        subprocess.Popen(
            command, cwd=REPO_DIR, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for command in commands
    ]
    try:
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/api/ping/")
        yield ports
    finally:
        processes_stop(processes)


def _finished(events: list[dict], run_id: int | None) -> bool:
    return any(e["id"] == run_id and e["status"] in ("completed", "failed") for e in events)


async def _watch(port: int, box: dict, timeout: float) -> list[dict]:
    """Collect run events until the triggered run (its id is known later) has finished."""
    import websockets

    events: list[dict] = []
    uri = f"ws://127.0.0.1:{port}/ws/progress/"
    async with websockets.connect(uri, origin=f"http://127.0.0.1:{port}") as client:
        snapshot = json.loads(await asyncio.wait_for(client.recv(), timeout))
        assert snapshot["type"] == "snapshot"
        box["ready"] += 1
        deadline = time.monotonic() + timeout
        while not _finished(events, box.get("id")) and time.monotonic() < deadline:
            try:
                message = json.loads(await asyncio.wait_for(client.recv(), 1))
            except TimeoutError:
                continue
            if message["type"] == "run":
                events.append(message["run"])
    return [e for e in events if e["id"] == box.get("id")]


async def _scenario(ports: list[int]) -> tuple[int, list[list[dict]]]:
    box: dict = {"ready": 0}
    watchers = [asyncio.create_task(_watch(port, box, 60)) for port in ports]
    while box["ready"] < len(ports):
        await asyncio.sleep(0.05)
    trigger = await asyncio.create_subprocess_exec(
        sys.executable, "-c", TRIGGER, cwd=REPO_DIR, env=_env(), stdout=asyncio.subprocess.PIPE
    )
    output, _ = await trigger.communicate()
    box["id"] = int(output.decode().strip().splitlines()[-1])
    return box["id"], list(await asyncio.gather(*watchers))


def test_clients_on_either_server_see_progress_and_completion_of_a_queued_run(topology):
    run_id, per_server = asyncio.run(_scenario(topology))
    for events in per_server:
        assert events, f"no events for run {run_id}"
        assert events[-1]["status"] == "completed"
        progress = [e["current"] for e in events if e["status"] == "running" and e["current"]]
        assert len(progress) >= 3, events
        assert progress == sorted(progress)
        signatures = [(e["status"], e["phase"], e["current"], e["message"]) for e in events]
        assert len(signatures) == len(set(signatures)), "a client received a duplicate event"
