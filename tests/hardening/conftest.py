"""Fixtures of the hardening tests: the demo snapshot loaded once, and table checksums.

`table_checksums()` fingerprints every table Django manages (all apps, auth, django-q...),
row by row in primary-key order, so a test can assert that a rejected file left the database
byte-for-byte as it was. Failed runs are the one thing a bad file may add: a `SourceRun` or
`AnnotationRun` row saying why it failed; `RunLedger` checks exactly that.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction

# Tables whose new rows record a failed attempt (the audit trail, not data).
RUN_TABLES = {"pipeline_sourcerun": "status", "annotations_annotationrun": "status"}


def _managed_tables() -> list[tuple[str, str]]:
    """(table, primary-key column) of every concrete model, including m2m through tables."""
    existing = set(connection.introspection.table_names())
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table not in existing:
            continue
        tables.setdefault(meta.db_table, meta.pk.column)
    return sorted(tables.items())


def table_checksums(*, upto: dict[str, int] | None = None) -> dict[str, tuple[int, str]]:
    """Per table: (row count, SHA-256 over all rows ordered by primary key).

    `upto` limits a table to rows with pk <= the given value (to compare the rows that existed
    before a run table gained its failed-run row).
    """
    quote = connection.ops.quote_name
    result: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        for table, pk in _managed_tables():
            sql = f"SELECT * FROM {quote(table)}"
            params: list[int] = []
            if upto and table in upto:
                sql += f" WHERE {quote(pk)} <= %s"
                params.append(upto[table])
            cursor.execute(f"{sql} ORDER BY {quote(pk)}", params)
            digest, count = hashlib.sha256(), 0
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
                count += 1
            result[table] = (count, digest.hexdigest())
    return result


def checksum_differences(
    before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]
) -> list[str]:
    """Readable list of the tables that differ (for assertion messages)."""
    return [
        f"{table}: {before.get(table)} → {after.get(table)}"
        for table in sorted(set(before) | set(after))
        if before.get(table) != after.get(table)
    ]


def _max_pk(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0] or 0


@dataclass
class RunLedger:
    """Checksums taken before a bad input, compared afterwards."""

    marks: dict[str, int]
    before: dict[str, tuple[int, str]]

    @classmethod
    def take(cls) -> RunLedger:
        marks = {table: _max_pk(table) for table in RUN_TABLES}
        return cls(marks=marks, before=table_checksums(upto=marks))

    def new_runs(self, table: str) -> list[tuple[str, str]]:
        """(status, error) of the run rows added since `take()`."""
        column = "error"
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote(RUN_TABLES[table])}, {quote(column)} FROM {quote(table)} "
                f"WHERE id > %s ORDER BY id",
                [self.marks[table]],
            )
            return [(status, error or "") for status, error in cursor.fetchall()]

    def assert_unchanged(self, *, allow_failed_runs: bool = True) -> None:
        """Every table as before; run tables may only have gained failed runs."""
        after = table_checksums(upto=self.marks)
        differences = checksum_differences(self.before, after)
        assert not differences, "database changed:\n" + "\n".join(differences)
        for table in RUN_TABLES:
            statuses = {status for status, _ in self.new_runs(table)}
            allowed = {"failed"} if allow_failed_runs else set()
            assert statuses <= allowed, f"{table} gained runs with status {statuses}"


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker) -> Iterator[None]:
    """The demo snapshot in the test database for one module, rolled back afterwards.

    One outer transaction holds the load; every test's own transaction nests inside it as a
    savepoint, so each test sees the same demo data and the module leaves nothing behind.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=_Sink(), stderr=_Sink())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


class _Sink:
    """A write-only stream that drops everything (command output and progress bars)."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False


@pytest.fixture
def ledger(demo_loaded, db) -> RunLedger:
    """Checksums of the demo database at the start of a test."""
    return RunLedger.take()
