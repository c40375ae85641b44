"""A test database that this process AND its subprocesses (ingest, daphne, qcluster) can see.

On PostgreSQL that is simply the test database under `transactional_db` (committed rows are
visible to every connection). pytest-django's SQLite test database lives in memory, which no
other process can open, so on SQLite the in-memory database (schema and the test's rows so far)
is copied into a WAL file with SQLite's backup API, and every connection of this process is
pointed at that file until the test ends. A keeper connection holds the in-memory database
open meanwhile: SQLite drops a shared in-memory database when its last connection closes.

Import the fixture into a test module: `from tests.pipeline.shared_db import shared_database`.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections

REPO_DIR = Path(__file__).resolve().parents[2]


def _postgres_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture
def shared_database(transactional_db, tmp_path) -> Iterator[str]:
    """DATABASE_URL of a database shared with subprocesses, holding this test's rows."""
    if connection.vendor == "postgresql":
        yield _postgres_url(connection.settings_dict)
        return
    settings_dict = connection.settings_dict
    memory_name = settings_dict["NAME"]
    path = tmp_path / "shared.sqlite3"
    keeper = sqlite3.connect(memory_name, uri=True)
    target = sqlite3.connect(path)
    try:
        connection.ensure_connection()
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
    settings_dict["NAME"] = str(path)
    connections.close_all()
    try:
        yield f"sqlite:///{path}"
    finally:
        connections.close_all()
        settings_dict["NAME"] = memory_name
        connection.ensure_connection()  # reopen before the keeper lets go of the database
        keeper.close()


def subprocess_env(database_url: str, **extra: str) -> dict[str, str]:
    """Environment for a manage.py subprocess on the shared database (REDIS_URL passes on)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "kidney_genetics.settings.test",
        "PYTHONPATH": str(REPO_DIR),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def manage_command(*args: str) -> list[str]:
    return [sys.executable, str(REPO_DIR / "manage.py"), *args]
