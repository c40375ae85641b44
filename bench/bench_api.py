"""Benchmark the public gene API against PostgreSQL with 6,000 scored genes and full evidence.

Creates its own database (dropped and re-created each run), fills 6,000 genes with synthetic
evidence from the seven sources, scores them with `genes.scoring.scores_recompute`, then starts
the real server the project runs (`daphne`, one process, ASGI) on a loopback port and measures:

- GET /api/genes/ (default page) with 16 concurrent keep-alive clients: p50 / p99;
- GET /api/genes/{symbol}/ (detail) with one client: p50 (and with 16 clients);
- the raw SQL that fetches the same rows (psycopg, no Django), sequential and 16 concurrent;

and prints each API figure as a ratio to its raw SQL figure.

    .venv/bin/python bench/bench_api.py [--genes 6000] [--requests 200] [--redis URL]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kgdb_api_bench  (the default)

Goals (issue 5): list p50 ≤ 15 ms, p99 ≤ 60 ms at 16 clients; detail p50 ≤ 20 ms; ≤ 3× raw SQL.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kgdb_api_bench"
)
SERVER_ENV = {
    "DATABASE_URL": DATABASE_URL,
    "DEBUG": "False",
    "SECURE_SSL_REDIRECT": "false",  # plain HTTP to daphne, no proxy in front
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
    "API_THROTTLE_ANON": "100000000/minute",
    "LOG_LEVEL": "WARNING",
    # Django runs each ASGI request's sync code in its own thread: persistent connections
    # (CONN_MAX_AGE > 0) pile up, one per finished thread, until PostgreSQL refuses clients.
    "CONN_MAX_AGE": "0",
}
os.environ.update(SERVER_ENV)
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kidney_genetics.settings.base")
sys.path.insert(0, str(REPO_DIR))

import psycopg  # noqa: E402

CLINGEN = ["Definitive", "Strong", "Moderate", "Limited", "Disputed", "Refuted"]
GENCC = ["Definitive", "Strong", "Moderate", "Supportive", "Limited", "Animal Model Only"]
CLIENTS = 16
LIST_SQL = """
SELECT s.*, g.* FROM genes_genescore s JOIN genes_gene g ON g.hgnc_id = s.gene_id
ORDER BY s.score DESC, g.symbol ASC, s.gene_id ASC LIMIT 50
"""
COUNT_SQL = "SELECT COUNT(*) FROM genes_genescore"
DETAIL_SQL = (
    "SELECT g.*, s.* FROM genes_gene g LEFT JOIN genes_genescore s ON s.gene_id = g.hgnc_id "
    "WHERE UPPER(g.symbol) = UPPER(%s)",
    "SELECT * FROM genes_genesymbol WHERE gene_id = %s ORDER BY kind, symbol",
    "SELECT * FROM genes_evidence WHERE gene_id = %s",
)


def database_recreate() -> None:
    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def data_fill(gene_total: int) -> list[str]:
    """6,000 genes, 1–7 sources each with skewed counts, two symbols each; then score them."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from genes.models import Evidence, Gene, GeneSymbol
    from genes.scoring import scores_recompute

    rng = random.Random(5)
    genes = [
        Gene(hgnc_id=index + 1, symbol=f"KG{index + 1}", name=f"kidney gene {index + 1}")
        for index in range(gene_total)
    ]
    Gene.objects.bulk_create(genes, batch_size=2000)
    symbols, evidence = [], []
    for gene in genes:
        for kind in ("previous", "alias"):
            other = f"{kind[:3].upper()}{gene.hgnc_id}"
            symbols.append(
                GeneSymbol(gene=gene, symbol=other, symbol_upper=other.upper(), kind=kind)
            )
        evidence.extend(_evidence_for(gene.hgnc_id, rng))
    GeneSymbol.objects.bulk_create(symbols, batch_size=5000)
    Evidence.objects.bulk_create(evidence, batch_size=5000)
    summary = scores_recompute()
    print(f"seeded {gene_total} genes, {len(evidence)} evidence rows; scored: {summary}")
    return [gene.symbol for gene in rng.sample(genes, 200)]


def _evidence_for(gene_id: int, rng: random.Random) -> list:
    from genes.config import classification_weight
    from genes.models import Evidence

    def skewed(top: int) -> int:
        return max(1, int(rng.paretovariate(1.3)) % top)

    details = {"records": [{"note": "synthetic", "index": i} for i in range(rng.randint(1, 6))]}
    candidates = [
        Evidence(source="panelapp", panel_count=skewed(12), supporting_panel_count=skewed(4)),
        Evidence(source="hpo", phenotype_count=skewed(60), disease_count=skewed(15)),
        Evidence(source="pubtator", publication_count=skewed(500), mention_pair_count=skewed(900)),
        Evidence(source="diagnostic-panels", panel_count=skewed(40)),
        Evidence(source="literature", publication_count=skewed(10)),
        Evidence(source="clingen", classification=rng.choice(CLINGEN)),
        Evidence(source="gencc", classification=rng.choice(GENCC)),
    ]
    chosen = rng.sample(candidates, rng.randint(1, len(candidates)))
    for row in chosen:
        if row.classification:
            row.classification_weight = classification_weight(row.source, row.classification)
        row.gene_id = gene_id
        row.details = details
        row.source_version = "bench"
    return chosen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_start(port: int, redis_url: str = "") -> subprocess.Popen:
    """daphne on `port`; with `redis_url` the production read path (the edge cache)."""
    daphne = REPO_DIR / ".venv" / "bin" / "daphne"
    command = [str(daphne), "-b", "127.0.0.1", "-p", str(port), "kidney_genetics.asgi:application"]
    redis_env = {"REDIS_URL": redis_url} if redis_url else {}
    process = subprocess.Popen(
        command,
        cwd=REPO_DIR,
        env={**os.environ, **SERVER_ENV, **redis_env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("daphne did not start")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_clients(clients: int, per_client: int, one: Callable[[object, int], None], make) -> list:
    """`clients` threads, each with its own connection, each timing `per_client` calls."""
    timings: list[float] = []
    lock = threading.Lock()

    def worker(index: int) -> None:
        connection = make()
        local = []
        for call in range(per_client):
            started = time.perf_counter()
            one(connection, index * per_client + call)
            local.append((time.perf_counter() - started) * 1000)
        connection.close()
        with lock:
            timings.extend(local)

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


def http_getter(port: int, paths: Callable[[int], str]):
    def one(connection: http.client.HTTPConnection, call: int) -> None:
        connection.request("GET", paths(call))
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{paths(call)} → {response.status}: {body[:200]!r}")

    return one, lambda: http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def sql_runner(statements: Callable[[int], list[tuple[str, tuple]]]):
    def one(connection: psycopg.Connection, call: int) -> None:
        with connection.cursor() as cursor:
            for sql, params in statements(call):
                cursor.execute(sql, params)
                cursor.fetchall()

    return one, lambda: psycopg.connect(DATABASE_URL, autocommit=True)


def report(name: str, api: list[float], raw: list[float]) -> None:
    api_p50, api_p99 = percentile(api, 0.5), percentile(api, 0.99)
    raw_p50, raw_p99 = percentile(raw, 0.5), percentile(raw, 0.99)
    print(
        f"{name:<34} API p50 {api_p50:7.2f} ms  p99 {api_p99:7.2f} ms | raw SQL p50 "
        f"{raw_p50:6.2f} ms  p99 {raw_p99:6.2f} ms | ratio p50 {api_p50 / raw_p50:5.1f}×  "
        f"p99 {api_p99 / raw_p99:5.1f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--genes", type=int, default=6000)
    parser.add_argument("--requests", type=int, default=200, help="per client")
    parser.add_argument(
        "--redis",
        default="",
        help="Redis URL (e.g. redis://127.0.0.1:6379/6): measure the production read path, "
        "the edge cache; without it, Django's view-level cache in local memory",
    )
    args = parser.parse_args()
    database_recreate()
    symbols = data_fill(args.genes)
    port = free_port()
    server = server_start(port, args.redis)
    if args.redis:
        import redis

        redis.Redis.from_url(args.redis).flushdb()
    try:
        list_get, http_make = http_getter(port, lambda call: "/api/genes/")
        detail_get, _ = http_getter(port, lambda call: f"/api/genes/{symbols[call % 200]}/")
        list_sql, sql_make = sql_runner(lambda call: [(COUNT_SQL, ()), (LIST_SQL, ())])
        detail_sql, _ = sql_runner(lambda call: _detail_statements(symbols[call % 200]))
        run_clients(4, 25, list_get, http_make)
        run_clients(4, 25, detail_get, http_make)
        run_clients(4, 25, list_sql, sql_make)
        n = args.requests
        cache = "edge cache (Redis)" if args.redis else "view-level cache (local memory)"
        print(f"server: daphne (1 process) on 127.0.0.1:{port}, {cache}; {os.cpu_count()} CPUs")
        report(
            "GET /api/genes/ (1 client)",
            run_clients(1, n, list_get, http_make),
            run_clients(1, n, list_sql, sql_make),
        )
        report(
            f"GET /api/genes/ ({CLIENTS} clients)",
            run_clients(CLIENTS, n, list_get, http_make),
            run_clients(CLIENTS, n, list_sql, sql_make),
        )
        report(
            "GET /api/genes/{sym}/ (1 client)",
            run_clients(1, n, detail_get, http_make),
            run_clients(1, n, detail_sql, sql_make),
        )
        report(
            f"GET /api/genes/{{sym}}/ ({CLIENTS} clients)",
            run_clients(CLIENTS, n // 2, detail_get, http_make),
            run_clients(CLIENTS, n // 2, detail_sql, sql_make),
        )
    finally:
        server.terminate()
        server.wait(timeout=10)


def _detail_statements(symbol: str) -> list[tuple[str, tuple]]:
    gene_id = int(symbol[2:])
    return [(DETAIL_SQL[0], (symbol,)), (DETAIL_SQL[1], (gene_id,)), (DETAIL_SQL[2], (gene_id,))]


if __name__ == "__main__":
    main()
