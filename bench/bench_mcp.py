"""Benchmark MCP tool calls over streamable HTTP against the real server (daphne, one process).

Loads the demo snapshot into its own database (re-created each run), starts
`daphne kidney_genetics.asgi:application` on a loopback port and drives /mcp/ with the SDK's own
client (`mcp.Client` over `streamable_http_client`), one client session per simulated client:

- `get_gene` over the demo genes, and `search_genes` over a rotation of filter sets;
- with 1 client and with 16 concurrent clients, each making `--calls` calls;
- with the tool-answer cache on (the default, `READ_CACHE_SECONDS=300`: every call after the
  first of its arguments is a hit) and off (`READ_CACHE_SECONDS=0`: every call runs the
  selectors and serializers).

Prints p50 and p95 per tool, client count and cache mode. Latency is per call as the client
sees it (JSON-RPC over HTTP, SDK client parsing included). The clients run in this process, on
the same 2-core machine as the server, so at 16 clients they compete with it for the CPU.

    .venv/bin/python bench/bench_mcp.py [--calls 50] [--port 8107] [--sqlite]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kgdb_mcp_bench  (the default)
    BENCH_REDIS_URL=redis://127.0.0.1:6387/14  (optional: the cache in Redis, as in production)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kgdb_mcp_bench"
)
SQLITE_URL = f"sqlite:///{REPO_DIR / 'var' / 'bench_mcp.sqlite3'}"
CLIENT_COUNTS = (1, 16)
SEARCHES = (
    {"high_evidence": True, "page_size": 25},
    {"tiers": ["comprehensive_support", "multi_source_support"], "page_size": 50},
    {"sources": ["panelapp", "hpo"], "min_score": 20},
    {"search": "PKD", "page_size": 10},
    {"max_loeuf": 0.6, "sort": "-evidence_count,approved_symbol"},
)


def server_env(database_url: str, cache_seconds: int) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "False",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP to daphne, no proxy in front
        "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
        "API_THROTTLE_ANON": "100000000/minute",
        "LOG_LEVEL": "WARNING",
        "READ_CACHE_SECONDS": str(cache_seconds),
        "DJANGO_SETTINGS_MODULE": "kidney_genetics.settings.base",
        "PYTHONPATH": str(REPO_DIR),
    }
    env.pop("REDIS_URL", None)
    if os.environ.get("BENCH_REDIS_URL"):
        env["REDIS_URL"] = os.environ["BENCH_REDIS_URL"]
    return env


def database_prepare(database_url: str) -> None:
    """A fresh database with the demo snapshot (migrate + load_demo, as `make run` does)."""
    if database_url.startswith("postgres"):
        import psycopg

        admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
        name = database_url.rsplit("/", 1)[1]
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{name}"')
    else:
        path = Path(database_url.removeprefix("sqlite:///"))
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
    env = server_env(database_url, 0)
    manage = [sys.executable, str(REPO_DIR / "manage.py")]
    for args in (["migrate", "--no-input", "-v0"], ["load_demo"]):
        subprocess.run([*manage, *args], env=env, check=True, capture_output=True)


def demo_symbols(database_url: str) -> list[str]:
    code = (
        "from genes.models import GeneScore;"
        "print(' '.join(GeneScore.objects.order_by('gene__symbol')"
        ".values_list('gene__symbol', flat=True)))"
    )
    result = subprocess.run(
        [sys.executable, str(REPO_DIR / "manage.py"), "shell", "-c", code],
        env=server_env(database_url, 0),
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip().splitlines()[-1].split()


def server_start(database_url: str, port: int, cache_seconds: int) -> subprocess.Popen:
    daphne = str(Path(sys.executable).parent / "daphne")
    process = subprocess.Popen(
        [daphne, "-b", "127.0.0.1", "-p", str(port), "kidney_genetics.asgi:application"],
        env=server_env(database_url, cache_seconds),
        cwd=REPO_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import socket

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.2)
    process.kill()
    raise SystemExit("daphne did not start")


async def client_run(url: str, tool: str, arguments: list[dict], calls: int) -> list[float]:
    """One client session making `calls` calls, rotating through `arguments`."""
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    timings = []
    async with Client(streamable_http_client(url)) as client:
        for index in range(calls):
            started = time.perf_counter()
            result = await client.call_tool(tool, arguments[index % len(arguments)])
            timings.append(time.perf_counter() - started)
            if result.is_error:
                raise SystemExit(f"{tool} failed: {result.content[0].text}")
    return timings


async def measure(url: str, tool: str, arguments: list[dict], clients: int, calls: int) -> dict:
    # Warm up: one pass over the arguments (fills the cache when it is on; opens connections).
    await client_run(url, tool, arguments, len(arguments))
    started = time.perf_counter()
    results = await asyncio.gather(
        *(client_run(url, tool, arguments[i:] + arguments[:i], calls) for i in range(clients))
    )
    elapsed = time.perf_counter() - started
    timings = sorted(t for result in results for t in result)
    return {
        "p50": statistics.median(timings) * 1000,
        "p95": timings[int(len(timings) * 0.95) - 1] * 1000,
        "calls_per_second": len(timings) / elapsed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=50, help="calls per client")
    parser.add_argument("--port", type=int, default=8107)
    parser.add_argument("--sqlite", action="store_true", help="SQLite instead of PostgreSQL")
    options = parser.parse_args()
    database_url = SQLITE_URL if options.sqlite else DATABASE_URL
    database_prepare(database_url)
    symbols = demo_symbols(database_url)
    workloads = {
        "get_gene": [{"identifier": symbol} for symbol in symbols],
        "search_genes": [dict(search) for search in SEARCHES],
    }
    url = f"http://127.0.0.1:{options.port}/mcp/"
    backend = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    cache_backend = "Redis" if os.environ.get("BENCH_REDIS_URL") else "local memory"
    print(f"MCP over HTTP, daphne (1 process), {backend}, cache in {cache_backend}, demo data")
    print(f"({len(symbols)} scored genes), {options.calls} calls per client.")
    print(f"{'tool':<14}{'cache':<7}{'clients':>8}{'p50 ms':>9}{'p95 ms':>9}{'calls/s':>9}")
    for cache_seconds, label in ((300, "on"), (0, "off")):
        server = server_start(database_url, options.port, cache_seconds)
        try:
            for tool, arguments in workloads.items():
                for clients in CLIENT_COUNTS:
                    figures = asyncio.run(measure(url, tool, arguments, clients, options.calls))
                    print(
                        f"{tool:<14}{label:<7}{clients:>8}{figures['p50']:>9.1f}"
                        f"{figures['p95']:>9.1f}{figures['calls_per_second']:>9.0f}"
                    )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
