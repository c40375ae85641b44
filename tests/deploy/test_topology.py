"""The production topology, started by `deploy/run_local.py` (`make prod-local`) and checked
through nginx: TLS, static files, the read cache, WebSocket progress of a queued run, rate limits
per real client address, and nginx's request-body limit.

Needs nginx, openssl, PostgreSQL and Redis (REDIS_URL); skips otherwise. It runs on this test's
own database (shared with the subprocesses), which run_local migrates and fills with the demo
snapshot. Prints how long each step took (`-s` shows it).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import shutil
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.pipeline.processes import free_port
from tests.pipeline.shared_db import shared_database, subprocess_env  # noqa: F401

REPO_DIR = Path(__file__).resolve().parents[2]
ANON_LIMIT = 40
TRIGGER = f"""
import django; django.setup()
from pipeline.tasks import source_run_enqueue
run = source_run_enqueue(source="panelapp", mode="replay",
                         snapshot_dir="{REPO_DIR / "demo" / "sources" / "panelapp"}")
print(run.pk)
"""

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


class Client:
    """HTTPS requests to the local nginx, optionally from another loopback address."""

    def __init__(self, port: int, source: str = "127.0.0.1") -> None:
        self.port = port
        self.source = source

    def request(
        self, path: str, *, method: str = "GET", headers: dict | None = None, body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPSConnection(
            "127.0.0.1",
            self.port,
            context=_tls_context(),
            timeout=30,
            source_address=(self.source, 0),
        )
        try:
            conn.request(method, path, body=body or None, headers=headers or {})
            response = conn.getresponse()
            headers = {name.lower(): value for name, value in response.getheaders()}
            return response.status, headers, response.read()
        finally:
            conn.close()


@pytest.fixture
def topology(shared_database, tmp_path):  # noqa: F811
    """run_local.py started on free ports; yields (https port, http port, work dir, env)."""
    for tool in ("nginx", "openssl"):
        if shutil.which(tool) is None and not Path(f"/usr/sbin/{tool}").exists():
            pytest.skip(f"{tool} is not installed")
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.skip("the production topology runs on PostgreSQL and Redis")
    cache.clear()  # rate-limit counters of an earlier run on this Redis database
    port, http_port, asgi_ports = free_port(), free_port(), [free_port(), free_port()]
    env = subprocess_env(
        shared_database,
        REDIS_URL=settings.REDIS_URL,
        API_THROTTLE_ANON=f"{ANON_LIMIT}/day",  # a day's window: no reset during the test
        Q_WORKERS="1",
    )
    workdir = tmp_path / "prod-local"
    started = time.monotonic()
    process = subprocess.Popen(
        [
            sys.executable,
            str(REPO_DIR / "deploy" / "run_local.py"),
            "--port",
            str(port),
            "--http-port",
            str(http_port),
            "--asgi-ports",
            ",".join(map(str, asgi_ports)),
            "--workdir",
            str(workdir),
        ],
        cwd=REPO_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output: list[str] = []
    for line in process.stdout:
        output.append(line)
        if "prod-local: ready" in line:
            break
    else:
        process.wait()
        pytest.fail("run_local.py exited before it was ready:\n" + "".join(output[-40:]))
    print(
        f"\ntopology up (migrate, demo load, 2 ASGI, qcluster, nginx): "
        f"{time.monotonic() - started:.1f}s"
    )
    # The processes' own settings: a task signed with another SECRET_KEY is refused.
    env = {**env, "DEBUG": "false", "SECRET_KEY": (workdir / "secret_key").read_text()}
    try:
        yield port, http_port, workdir, env
    finally:
        children = _descendants(process.pid)
        stopped = time.monotonic()
        process.send_signal(signal.SIGTERM)
        remaining, _ = process.communicate(timeout=60)
        print(f"topology stopped in {time.monotonic() - stopped:.1f}s")
        assert process.returncode == 0, "".join(output) + remaining
        leftovers = [pid for pid in children if Path(f"/proc/{pid}").exists()]
        assert not leftovers, f"processes left behind: {leftovers}"


def _descendants(root: int) -> list[int]:
    """Every process below `root` (the ASGI servers, nginx, qcluster and its workers)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = [], [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent]
        found += children
        frontier += children
    return found


def _timed(label: str, started: float) -> None:
    print(f"{label}: {(time.perf_counter() - started) * 1000:.0f} ms")


async def _progress_of_triggered_run(port: int, env: dict) -> tuple[int, list[dict]]:
    """Events of one queued run, as a WebSocket client behind nginx sees them."""
    import websockets

    uri = f"wss://127.0.0.1:{port}/ws/progress/"
    async with websockets.connect(
        uri, ssl=_tls_context(), origin=f"https://127.0.0.1:{port}"
    ) as client:
        snapshot = json.loads(await asyncio.wait_for(client.recv(), 30))
        assert snapshot["type"] == "snapshot"
        trigger = await asyncio.create_subprocess_exec(
            sys.executable, "-c", TRIGGER, cwd=REPO_DIR, env=env, stdout=asyncio.subprocess.PIPE
        )
        output, _ = await trigger.communicate()
        run_id = int(output.decode().split()[-1])
        events: list[dict] = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                message = json.loads(await asyncio.wait_for(client.recv(), 1))
            except TimeoutError:
                continue
            if message["type"] == "run" and message["run"]["id"] == run_id:
                events.append(message["run"])
                if message["run"]["status"] in ("completed", "failed"):
                    break
    return run_id, events


def test_production_topology_through_nginx(topology):
    port, http_port, workdir, env = topology
    client = Client(port)

    started = time.perf_counter()
    status, headers, body = client.request("/")
    _timed("public page", started)
    assert status == 200 and b"Kidney Genetics" in body
    assert "max-age=31536000" in headers["strict-transport-security"]

    status, headers, body = client.request("/static/css/site.css")
    assert status == 200 and headers["content-type"] == "text/css"
    assert body == (workdir / "staticfiles" / "css" / "site.css").read_bytes()
    assert "etag" in headers, "static files come from nginx, not from the application"

    plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=10)
    plain.request("GET", "/genes/?q=PKD1")
    redirect = plain.getresponse()
    assert redirect.status == 301
    assert redirect.getheader("Location") == f"https://127.0.0.1:{port}/genes/?q=PKD1"
    plain.close()

    path = "/api/genes/?sort=-score&page[size]=25"
    started = time.perf_counter()
    first = client.request(path)
    _timed("API read, miss", started)
    started = time.perf_counter()
    second = client.request(path)
    _timed("API read, hit", started)
    assert first[0] == second[0] == 200
    assert (first[1]["x-cache"], second[1]["x-cache"]) == ("miss", "hit")
    assert first[2] == second[2]

    started = time.perf_counter()
    run_id, events = asyncio.run(_progress_of_triggered_run(port, env))
    _timed("WebSocket: triggered run to completed", started)
    assert events, f"no WebSocket events for run {run_id}"
    assert events[-1]["status"] == "completed", events
    assert any(e["status"] in ("pending", "running") for e in events[:-1]), events

    _rate_limit_counts_the_real_address(port)
    _body_over_the_limit_refused_by_nginx(port, workdir)


def _rate_limit_counts_the_real_address(port: int) -> None:
    """Clients behind nginx differ by their socket address, which nginx appends to
    X-Forwarded-For; with TRUSTED_PROXIES=1 a forged X-Forwarded-For buys no new quota."""
    limited, other = Client(port, "127.0.0.2"), Client(port, "127.0.0.3")
    path = "/api/genes/?page[size]=1"
    statuses = [limited.request(path)[0] for _ in range(ANON_LIMIT + 1)]
    assert statuses[:ANON_LIMIT] == [200] * ANON_LIMIT
    assert statuses[ANON_LIMIT] == 429
    status, headers, _ = limited.request(path, headers={"X-Forwarded-For": "203.0.113.7"})
    assert status == 429 and "retry-after" in headers, "a forged X-Forwarded-For was trusted"
    assert other.request(path)[0] == 200, "another address was counted with the limited one"


def _body_over_the_limit_refused_by_nginx(port: int, workdir: Path) -> None:
    """26 MiB is nginx's limit: a larger body is refused before it reaches an ASGI server."""
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=_tls_context(), timeout=30)
    conn.putrequest("POST", "/api/uploads/")
    conn.putheader("Content-Type", "text/csv")
    conn.putheader("Content-Length", str(27 * 1024 * 1024))
    conn.endheaders()
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 413 and b"nginx" in body
    asgi_logs = "".join(p.read_text() for p in (workdir / "logs").glob("asgi-*.log"))
    assert "/api/uploads/" not in asgi_logs
