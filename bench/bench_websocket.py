"""Benchmark: N WebSocket clients on one daphne server receive a source run's progress events.

    .venv/bin/python bench/bench_websocket.py                 # embedded default (SQLite, relay)
    .venv/bin/python bench/bench_websocket.py --redis         # PostgreSQL `rt` + Redis DB 3

BENCH_DATABASE_URL and BENCH_REDIS_URL choose another PostgreSQL database / Redis DB for --redis.

This process plays the worker: it writes progress to a SourceRun through the real
`run_progress_update` (which also publishes to Redis when configured). Latency is measured
from the row's write time (`updated` in the event) to receipt by each client, so on the
embedded default it includes the relay's polling delay. Prints median/p95/max latency,
delivered events per second and the CPU the server used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _environment(args: argparse.Namespace, workdir: Path) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kidney_genetics.settings.dev"}
    if args.redis:
        env["DATABASE_URL"] = os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rt"
        )
        redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")
        env["REDIS_URL"] = f"{redis_url}?socket_timeout=15&max_connections=2000"
    else:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        env.pop("REDIS_URL", None)
    return env


def _server_start(env: dict[str, str], port: int) -> subprocess.Popen:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO_DIR,
        env=env,
        check=True,
    )
    daphne = str(Path(sys.executable).with_name("daphne"))
    server = subprocess.Popen(
        [daphne, "-b", "127.0.0.1", "-p", str(port), "kidney_genetics.asgi:application"],
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/ping/", timeout=2):
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit("daphne did not start")


def _publish(events: int, interval: float) -> int:
    """The worker's side: one forced progress write per event; returns the run id."""
    from django.utils import timezone

    from pipeline.models import RunStatus, SourceRun
    from pipeline.progress import run_progress_update

    SourceRun.objects.filter(status__in=[RunStatus.PENDING, RunStatus.RUNNING]).update(
        status=RunStatus.FAILED
    )
    run = SourceRun.objects.create(
        source="pubtator", status=RunStatus.RUNNING, mode="bench", started_at=timezone.now()
    )
    for current in range(1, events + 1):
        run_progress_update(run, phase="bench", current=current, total=events, force=True)
        time.sleep(interval)
    run.status, run.finished_at = RunStatus.COMPLETED, timezone.now()
    run.save(update_fields=["status", "finished_at"])
    run_progress_update(run, phase="done", force=True)
    return run.pk


async def _client(port: int, latencies: list[float], counts: list[int], ready: list) -> None:
    import websockets

    uri = f"ws://127.0.0.1:{port}/ws/progress/"
    async with websockets.connect(uri, origin=f"http://127.0.0.1:{port}", max_queue=None) as ws:
        await ws.recv()
        ready.append(1)
        received = 0
        while True:
            message = json.loads(await ws.recv())
            now = time.time()
            run = message.get("run") or {}
            if run.get("mode") != "bench":
                continue
            received += 1
            latencies.append(now - run["updated"])
            if run["status"] == "completed":
                break
        counts.append(received)


async def _measure(args: argparse.Namespace, port: int, server_pid: int) -> None:
    latencies: list[float] = []
    counts: list[int] = []
    ready: list = []
    clients = [
        asyncio.create_task(_client(port, latencies, counts, ready)) for _ in range(args.clients)
    ]
    deadline = time.monotonic() + 60
    while len(ready) < args.clients:
        failed = [task.exception() for task in clients if task.done() and task.exception()]
        if failed or time.monotonic() > deadline:
            raise SystemExit(f"{len(ready)}/{args.clients} clients connected; {failed[:1]}")
        await asyncio.sleep(0.05)
    cpu_before, started = _cpu_seconds(server_pid), time.monotonic()
    await asyncio.to_thread(_publish, args.events, args.interval)
    await asyncio.wait_for(asyncio.gather(*clients), timeout=60)
    elapsed, cpu = time.monotonic() - started, _cpu_seconds(server_pid) - cpu_before
    ordered = sorted(latencies)
    mode = "PostgreSQL + Redis (direct events)" if args.redis else "SQLite (database relay)"
    print(
        f"setup: {mode}; {args.clients} clients on one daphne; {args.events} progress writes "
        f"every {args.interval * 1000:.0f} ms"
    )
    print(f"events received: {len(latencies)} ({statistics.mean(counts):.1f} per client)")
    print(
        f"latency ms: median {statistics.median(ordered) * 1000:.1f}, "
        f"p95 {ordered[int(len(ordered) * 0.95)] * 1000:.1f}, max {ordered[-1] * 1000:.1f}"
    )
    print(f"delivered: {len(latencies) / elapsed:.0f} events/s over {elapsed:.1f} s")
    print(f"server CPU: {cpu:.2f} s ({100 * cpu / elapsed:.0f}% of one core)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--events", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--redis", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        env = _environment(args, Path(workdir))
        os.environ.update(env)
        sys.path.insert(0, str(REPO_DIR))
        port = _free_port()
        server = _server_start(env, port)
        try:
            import django

            django.setup()
            asyncio.run(_measure(args, port, server.pid))
        finally:
            server.terminate()
            server.wait(timeout=15)


if __name__ == "__main__":
    main()
