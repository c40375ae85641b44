"""Helpers of the fault tests: a real, file-based demo database and manage.py subprocesses.

The fault tests need processes of their own (a worker to kill, a server with Redis gone), so
they cannot use pytest-django's in-transaction test database. They build one demo database per
test session: a SQLite file, or — when the tests run on PostgreSQL — a database named
`kgdb_hardb_faults` next to the test database.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPO_DIR = Path(__file__).resolve().parents[2]
PG_FAULT_DATABASE = "kgdb_hardb_faults"


def fault_database_url(tmp_dir: Path) -> str:
    """A DATABASE_URL for the fault database, on the same engine the tests run on."""
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("postgresql"):
        host, port = database.get("HOST") or "127.0.0.1", database.get("PORT") or 5432
        user = database.get("USER") or "postgres"
        return f"postgres://{user}@{host}:{port}/{PG_FAULT_DATABASE}"
    return f"sqlite:///{tmp_dir / 'faults.sqlite3'}"


def fault_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update({"DATABASE_URL": database_url, "PYTHONPATH": str(REPO_DIR), **extra})
    env.pop("TEST_DATABASE_NAME", None)
    return env


def manage(
    args: list[str], env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def python(code: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a Python snippet with Django set up (settings from `env`)."""
    prelude = "import django, os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', "
    prelude += "'kidney_genetics.settings.test')\ndjango.setup()\n"
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=REPO_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def recreate_postgres_database(database_url: str) -> None:
    """Drop and create the PostgreSQL fault database (connecting to `postgres`)."""
    import psycopg

    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    name = database_url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url.replace("postgres://", "postgresql://"), autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')


def build_demo_database(tmp_dir: Path) -> str:
    """Migrate and load the demo snapshot into the fault database; returns its URL."""
    url = fault_database_url(tmp_dir)
    if url.startswith("postgres"):
        recreate_postgres_database(url)
    env = fault_env(url)
    for command in (["migrate", "--no-input", "-v0"], ["load_demo"]):
        result = manage(command, env)
        assert result.returncode == 0, f"{command}: {result.stderr[-2000:]}"
    return url
