"""Server time of the public pages with 6,000 scored genes and evidence from all seven sources.

Creates a database of its own (Django's test-database machinery, dropped afterwards), fills it
with synthetic genes and evidence, scores them with `genes.scoring.scores_recompute`, then times
requests through Django's full handler (middleware, view, template; no network) and prints
p50 / p95 / max in milliseconds and the number of SQL queries per request.

    .venv/bin/python bench/bench_pages.py [--genes 6000] [--requests 60]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kgdb_pages \
        TEST_DATABASE_NAME=test_kgdb_pages_bench .venv/bin/python bench/bench_pages.py

Goal (issue 6): the gene browser (/genes/) under 100 ms server time with 6,000 genes.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kidney_genetics.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases  # noqa: E402

from genes.models import Evidence, Gene, GeneSymbol, SymbolKind  # noqa: E402
from genes.scoring import scores_recompute  # noqa: E402
from genes.sources import source_keys  # noqa: E402

CLINGEN = ["Definitive", "Strong", "Moderate", "Limited", "Disputed"]
GENCC = ["Definitive", "Strong", "Moderate", "Supportive", "Limited"]
PAGES = [
    ("gene browser, default page", "/genes/"),
    ("gene browser, search", "/genes/?search=KG1"),
    (
        "gene browser, 3 filters",
        "/genes/?tier=established_support&tier=preliminary_evidence&source=hpo&min_score=5",
    ),
    ("gene browser, sort by tier, page 40", "/genes/?sort=-tier&page=40"),
    ("gene browser, 200 per page", "/genes/?page_size=200&sort=approved_symbol"),
    ("gene page", "/genes/KG100/"),
    ("home", "/"),
    ("statistics", "/statistics/"),
    ("sources", "/sources/"),
]


def fill(gene_count: int) -> None:
    rng = random.Random(6)
    genes = [
        Gene(hgnc_id=i, symbol=f"KG{i}", name=f"kidney gene {i}") for i in range(1, gene_count + 1)
    ]
    Gene.objects.bulk_create(genes, batch_size=2000)
    GeneSymbol.objects.bulk_create(
        [
            GeneSymbol(
                gene_id=g.hgnc_id,
                symbol=f"OLD{g.hgnc_id}",
                symbol_upper=f"OLD{g.hgnc_id}",
                kind=SymbolKind.PREVIOUS,
            )
            for g in genes
        ],
        batch_size=2000,
    )
    rows = []
    for gene in genes:
        for source in source_keys():
            if rng.random() > 0.55:
                continue
            rows.append(_evidence(gene.hgnc_id, source, rng))
    Evidence.objects.bulk_create(rows, batch_size=2000)


def _evidence(gene_id: int, source: str, rng: random.Random) -> Evidence:
    count = rng.randint(1, 12)
    fields = {"details": {"pmids": [str(30000000 + rng.randint(0, 10**6)) for _ in range(count)]}}
    if source in ("panelapp", "diagnostic-panels"):
        fields.update(panel_count=count, supporting_panel_count=rng.randint(0, count))
    elif source in ("pubtator", "literature"):
        fields.update(publication_count=count, mention_pair_count=count + rng.randint(0, 5))
    elif source == "hpo":
        fields.update(phenotype_count=count, disease_count=rng.randint(1, 4))
    else:
        label = rng.choice(CLINGEN if source == "clingen" else GENCC)
        fields.update(classification=label, classification_weight=0.5)
    return Evidence(gene_id=gene_id, source=source, **fields)


def measure(client: Client, url: str, repeats: int) -> tuple[list[float], float, int]:
    """Wall-clock times (ms) of each request, mean CPU ms of this process, queries per request.

    CPU time excludes waiting for a busy machine; on PostgreSQL it also excludes the SQL
    executed by the server process, which the wall-clock figure includes."""
    client.get(url)  # warm caches (templates, connection)
    timings = []
    cpu_start = time.process_time()
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    cpu_ms = (time.process_time() - cpu_start) * 1000 / repeats
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return timings, cpu_ms, len(queries.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--genes", type=int, default=6000)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    settings.DEBUG = False
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        started = time.perf_counter()
        fill(args.genes)
        scores_recompute()
        print(
            f"{connection.vendor}: {args.genes} genes, {Evidence.objects.count()} evidence rows, "
            f"filled and scored in {time.perf_counter() - started:.1f} s"
        )
        client = Client()
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        header = ("p50 ms", "p95 ms", "max ms", "CPU ms", "queries")
        print(f"{'page':38}" + "".join(f"{name:>9}" for name in header))
        for label, url in PAGES:
            timings, cpu_ms, query_count = measure(client, url, args.requests)
            timings.sort()
            p95 = timings[max(int(len(timings) * 0.95) - 1, 0)]
            figures = (statistics.median(timings), p95, timings[-1], cpu_ms)
            print(f"{label:38}" + "".join(f"{v:9.1f}" for v in figures) + f"{query_count:9d}")
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
