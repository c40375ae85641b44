"""Benchmark the score recompute and the gene export on real-size synthetic evidence.

Builds 6,000 genes × 7 sources of synthetic evidence in a database of its own (created with
Django's test-database machinery and dropped afterwards), times `scores_recompute`, then grows
to 50,000 scored genes and times each export format with its peak Python memory (tracemalloc).

    .venv/bin/python bench/bench_scoring.py                 # SQLite: var/bench_scoring.sqlite3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kgdb_scoring \
        .venv/bin/python bench/bench_scoring.py             # PostgreSQL: bench_kgdb_scoring

Goals (issue 4): recompute of 6,000 × 7 under 2 s on PostgreSQL and under 5 s on SQLite, the
query count independent of the number of genes, and the export in constant memory.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kidney_genetics.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from genes.exports import EXPORT_FORMATS, export_stream, gene_scores_for_export  # noqa: E402
from genes.models import Evidence, Gene  # noqa: E402
from genes.scoring import score_explanations, scores_recompute  # noqa: E402

CLINGEN = ["Definitive", "Strong", "Moderate", "Limited", "Disputed", "Refuted"]
GENCC = ["Definitive", "Strong", "Moderate", "Supportive", "Limited", "Animal Model Only"]


def _evidence_for(gene_id: int, rng: random.Random, sources: int) -> list[Evidence]:
    """Skewed counts (most genes have little evidence), like the real sources."""

    def skewed(top: int) -> int:
        return max(1, int(rng.paretovariate(1.3)) % top)

    candidates = [
        Evidence(gene_id=gene_id, source="panelapp", panel_count=skewed(12),
                 supporting_panel_count=rng.randint(0, 3)),
        Evidence(gene_id=gene_id, source="hpo", phenotype_count=skewed(60),
                 disease_count=skewed(15)),
        Evidence(gene_id=gene_id, source="pubtator", publication_count=skewed(500),
                 mention_pair_count=skewed(900)),
        Evidence(gene_id=gene_id, source="diagnostic-panels", panel_count=skewed(40)),
        Evidence(gene_id=gene_id, source="literature", publication_count=skewed(10)),
        Evidence(gene_id=gene_id, source="clingen", classification=rng.choice(CLINGEN)),
        Evidence(gene_id=gene_id, source="gencc", classification=rng.choice(GENCC)),
    ]  # fmt: skip
    return candidates if sources == 7 else rng.sample(candidates, sources)


def build(first_id: int, gene_count: int, *, sources: int, seed: int) -> None:
    rng = random.Random(seed)
    ids = range(first_id, first_id + gene_count)
    Gene.objects.bulk_create([Gene(hgnc_id=i, symbol=f"BENCH{i}") for i in ids], batch_size=5000)
    rows = [row for i in ids for row in _evidence_for(i, rng, sources)]
    Evidence.objects.bulk_create(rows, batch_size=5000)


def _server_pid() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cpu_seconds(server_pid: int | None) -> float | None:
    """CPU time of the database work: this process on SQLite, the backend on local PostgreSQL.

    Reported beside wall time because a shared machine's load inflates wall time alone.
    """
    if server_pid is None:
        return time.process_time()
    try:
        fields = Path(f"/proc/{server_pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def time_recompute(label: str, repeats: int) -> None:
    durations, cpu, queries = [], [], set()
    server_pid = _server_pid()
    for _ in range(repeats):
        cpu_start = _cpu_seconds(server_pid)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            summary = scores_recompute()
            durations.append(time.perf_counter() - started)
        cpu_end = _cpu_seconds(server_pid)
        if cpu_start is not None and cpu_end is not None:
            cpu.append(cpu_end - cpu_start)
        queries.add(len(captured))
    cpu_text = f"median database CPU {statistics.median(cpu):.3f} s" if cpu else "CPU n/a"
    print(
        f"recompute {label}: {summary.genes_scored} genes, median wall "
        f"{statistics.median(durations):.3f} s (min {min(durations):.3f}, max "
        f"{max(durations):.3f}) over {repeats} runs, {cpu_text}; queries {sorted(queries)}; "
        f"tiers {summary.tier_counts}"
    )


def time_export(fmt: str, queryset) -> None:
    started = time.perf_counter()
    size = sum(len(chunk) for chunk in export_stream(queryset, fmt))
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    rows = sum(chunk.count("\n") for chunk in export_stream(queryset, fmt))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        f"export {fmt}: {queryset.count()} genes, {size / 1e6:.1f} MB in {elapsed:.2f} s, "
        f"{rows} lines; peak Python memory {peak / 1e6:.2f} MB"
    )


def run() -> None:
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"load average at start: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    started = time.perf_counter()
    build(1, 6000, sources=7, seed=1)
    print(f"built 6,000 genes × 7 sources in {time.perf_counter() - started:.1f} s")
    time_recompute("6,000 × 7", repeats=5)
    started = time.perf_counter()
    explained = score_explanations(list(range(1, 101)))
    print(f"explanations of {len(explained)} genes: {time.perf_counter() - started:.3f} s")

    for fmt in EXPORT_FORMATS:
        time_export(fmt, gene_scores_for_export()[:5000])
    build(10_001, 44_000, sources=2, seed=2)
    time_recompute("50,000 genes (6,000 × 7 + 44,000 × 2)", repeats=2)
    for fmt in EXPORT_FORMATS:
        time_export(fmt, gene_scores_for_export())


def main() -> None:
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(REPO_DIR / "var" / "bench_scoring.sqlite3")
    else:
        test_settings["NAME"] = os.environ.get("BENCH_DATABASE_NAME", "bench_kgdb_scoring")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
