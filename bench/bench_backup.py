"""Backup and restore of the benchmark data set on PostgreSQL: how long, how big, nothing lost.

Builds bench_api's data set (6,000 scored genes with evidence from up to seven sources, two
symbols each) in its own database, then times `core.backups.backup_write` (pg_dump custom
format + MEDIA_ROOT archive + checksums) and `backup_restore` into a second, empty database,
and compares every table's row count and content digest between the two.

    .venv/bin/python bench/bench_backup.py [--genes 6000]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/kgdb_backup_bench  (the default)
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kgdb_backup_bench"
)
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_api  # noqa: E402  (sets the environment Django reads)
import psycopg  # noqa: E402

DIGEST_SQL = (
    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
    'FROM "{table}" t'
)


def tables_digest(url: str) -> dict[str, tuple[int, str]]:
    with psycopg.connect(url) as connection:
        tables = [row[0] for row in connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )]
        return {t: connection.execute(DIGEST_SQL.format(table=t)).fetchone() for t in tables}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--genes", type=int, default=6000)
    args = parser.parse_args()
    source_url = bench_api.DATABASE_URL
    restore_url = f"{source_url}_restore"
    bench_api.database_recreate()
    started = time.perf_counter()
    bench_api.data_fill(args.genes)
    print(f"data set: {args.genes} genes built in {time.perf_counter() - started:.1f} s")

    import environ
    from django.db import connection

    from core import backups

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        database_bytes = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM genes_evidence")
        evidence_rows = cursor.fetchone()[0]
    print(f"database: {database_bytes / 1e6:.1f} MB on disk, {evidence_rows} evidence rows")

    with tempfile.TemporaryDirectory() as directory:
        written = backups.backup_write(directory=Path(directory))
        print(f"backup: {written.seconds:.2f} s, {written.size_bytes / 1e6:.2f} MB "
              f"({written.path.name})")
        admin_url = source_url.rsplit("/", 1)[0] + "/postgres"
        restore_name = restore_url.rsplit("/", 1)[1]
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{restore_name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{restore_name}"')
        started = time.perf_counter()
        backups.backup_restore(
            path=written.path, settings_dict=environ.Env.db_url_config(restore_url),
            media_root=Path(directory) / "media",
        )
        print(f"restore into an empty database: {time.perf_counter() - started:.2f} s")
    connection.close()
    source, restored = tables_digest(source_url), tables_digest(restore_url)
    differing = [t for t in source if source[t] != restored.get(t)]
    rows = sum(count for count, _ in source.values())
    print(f"compared {len(source)} tables, {rows} rows: "
          + ("identical" if not differing else f"DIFFERENT: {differing}"))
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main()
