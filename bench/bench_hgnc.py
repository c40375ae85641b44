"""Benchmark: load the full 2018 HGNC set (42,741 rows) and normalise 20,000 mixed symbols.

Usage (SQLite in a temp file by default, or any DATABASE_URL pointing at a scratch database):
    .venv/bin/python bench/bench_hgnc.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kgdb_bench .venv/bin/python bench/bench_hgnc.py
"""

import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
HGNC_FILE = REPO.parent / "shared/data/sources/hgnc/hgnc_complete_set.2018-11.full.txt.gz"
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench_hgnc.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kidney_genetics.settings.dev")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from genes.hgnc import hgnc_load  # noqa: E402
from genes.models import Gene, GeneSymbol, SymbolKind  # noqa: E402
from genes.normalise import SymbolQuery, normalise_symbols  # noqa: E402


def main() -> None:
    if not HGNC_FILE.exists():
        sys.exit(f"needs {HGNC_FILE}")
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    print(f"database: {connection.vendor}")
    started = time.perf_counter()
    first = hgnc_load(path=HGNC_FILE)
    print(f"first load:  {time.perf_counter() - started:6.2f} s  ({first.added} genes added)")
    started = time.perf_counter()
    second = hgnc_load(path=HGNC_FILE)
    print(
        f"reload:      {time.perf_counter() - started:6.2f} s  "
        f"({second.added} added, {second.updated} updated, {second.unchanged} unchanged)"
    )
    rng = random.Random(7)
    approved = list(Gene.objects.approved().values_list("symbol", flat=True))
    previous = list(
        GeneSymbol.objects.filter(kind=SymbolKind.PREVIOUS).values_list("symbol", flat=True)
    )
    aliases = list(
        GeneSymbol.objects.filter(kind=SymbolKind.ALIAS).values_list("symbol", flat=True)
    )
    junk = ["not a gene", "N/A", "12345", "", "ZZZ-UNKNOWN", "GENE:???"]
    queries = [
        SymbolQuery(rng.choice(pool).lower() if rng.random() < 0.3 else rng.choice(pool))
        for pool in [approved] * 10000 + [previous] * 4000 + [aliases] * 4000 + [junk] * 2000
    ]
    rng.shuffle(queries)
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        results = normalise_symbols(queries)
        elapsed = time.perf_counter() - started
    outcomes: dict[str, int] = {}
    for result in results:
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    print(
        f"normalise:   {elapsed:6.2f} s  for {len(queries)} symbols, "
        f"{len(captured.captured_queries)} queries; outcomes {outcomes}"
    )


if __name__ == "__main__":
    main()
