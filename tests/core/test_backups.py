"""Backups restore: a backup restored into a fresh database holds exactly the same rows (table
by table checksums), on SQLite and on PostgreSQL; damaged backups and non-empty targets are
refused; retention keeps BACKUP_KEEP; admins see the history and can start one."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from core import backups, services
from core.models import Backup, BackupStatus, BackupTrigger
from curation import services as curation_services
from tests.factories import EvidenceFactory, GeneFactory, GeneScoreFactory

MEDIA_FILE = "uploads/literature.csv"
SKIPPED_TABLES = {"core_backup"}  # the dump holds this backup's row as still running


@pytest.fixture
def backup_settings(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_KEEP = 3
    (tmp_path / "media" / "uploads").mkdir(parents=True)
    (tmp_path / "media" / MEDIA_FILE).write_text("pmid,gene_symbol\n123,PKD1\n")
    return settings


@pytest.fixture
def data(transactional_db, backup_settings):
    """Genes with evidence and scores, a user, and a published release (binary files)."""
    user = User.objects.create_superuser("ada", password="a-long-Secret-pass-42")
    for hgnc_id, symbol in [(9008, "PKD1"), (9009, "PKD2"), (7805, "NPHS1")]:
        gene = GeneFactory(hgnc_id=hgnc_id, symbol=symbol, aliases=[f"{symbol}A"])
        EvidenceFactory(gene=gene, source="panelapp", panel_count=3, supporting_panel_count=2)
        GeneScoreFactory(gene=gene)
    release = curation_services.release_draft_create(title="First", user=user)
    curation_services.release_publish(release=release, user=user)
    return user


def _postgres_url(name: str) -> str:
    values = connection.settings_dict
    password = f":{values['PASSWORD']}" if values.get("PASSWORD") else ""
    return (
        f"postgres://{values.get('USER') or 'postgres'}{password}@"
        f"{values.get('HOST') or '127.0.0.1'}:{values.get('PORT') or 5432}/{name}"
    )


@pytest.fixture
def fresh_database(tmp_path):
    """DATABASE_URL of an empty database of the test's engine, dropped afterwards."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = f"{connection.settings_dict['NAME']}_restore"
    admin = _postgres_url("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _postgres_url(name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _checksums(database_url: str | None, tables: list[str]) -> dict[str, tuple[int, str]]:
    """Rows and a digest of them per table, computed the same way on both databases: on
    PostgreSQL from each row's text form (server side), on SQLite from the raw values."""
    result = {}
    if connection.vendor == "postgresql":
        import psycopg

        with psycopg.connect(database_url or _postgres_url(connection.settings_dict["NAME"])) as c:
            for table in tables:
                result[table] = c.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' "  # noqa: S608
                    f"ORDER BY t::text), '')) FROM \"{table}\" t"
                ).fetchone()
        return result
    # Plain connections on both sides (Django's own converts dates on read).
    name = connection.settings_dict["NAME"] if database_url is None else database_url[10:]
    raw = sqlite3.connect(name, uri=str(name).startswith("file:"))
    try:
        for table in tables:
            rows = sorted(repr(row) for row in raw.execute(f'SELECT * FROM "{table}"'))
            result[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    finally:
        raw.close()
    return result


def test_backup_restores_into_a_fresh_database_with_every_row(data, fresh_database, tmp_path):
    backup = services.backup_run(trigger=BackupTrigger.COMMAND)
    assert backup.status == BackupStatus.COMPLETED, backup.error
    manifest = backups.backup_verify(Path(backup.path))
    assert manifest["engine"] == connection.vendor
    assert set(manifest["files"]) == {
        backups.PG_DUMP if connection.vendor == "postgresql" else backups.SQLITE_DUMP,
        backups.FILES_ARCHIVE,
    }

    call_command(
        "restore", backup.path, database_url=fresh_database, media_root=tmp_path / "restored"
    )

    tables = sorted(set(connection.introspection.table_names()) - SKIPPED_TABLES)
    source, restored = _checksums(None, tables), _checksums(fresh_database, tables)
    assert source["curation_releasefile"][0] > 0 and source["genes_gene"][0] == 3
    differing = [table for table in tables if source[table] != restored[table]]
    assert not differing, f"tables that differ after the restore: {differing}"
    assert (tmp_path / "restored" / MEDIA_FILE).read_text().startswith("pmid,gene_symbol")


def test_restore_refuses_a_damaged_backup(data, fresh_database):
    backup = services.backup_run(trigger=BackupTrigger.COMMAND)
    archive = Path(backup.path) / backups.FILES_ARCHIVE
    damaged = bytearray(archive.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    archive.write_bytes(bytes(damaged))
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", backup.path, database_url=fresh_database)


def test_restore_refuses_a_database_that_holds_data(data, tmp_path):
    backup = services.backup_run(trigger=BackupTrigger.COMMAND)
    if connection.vendor == "postgresql":
        target = _postgres_url(connection.settings_dict["NAME"])
    else:
        target = f"sqlite:///{tmp_path / 'busy.sqlite3'}"
        sqlite3.connect(tmp_path / "busy.sqlite3").execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", backup.path, database_url=target, media_root=tmp_path / "m")


def test_retention_keeps_the_newest_backups_and_marks_the_rest(data):
    made = [services.backup_run(trigger=BackupTrigger.COMMAND) for _ in range(4)]
    kept = backups.backups_list()
    assert [str(path) for path in kept] == [backup.path for backup in made[1:]]
    made[0].refresh_from_db()
    assert made[0].status == BackupStatus.PRUNED and not Path(made[0].path).exists()


def test_a_failed_backup_is_recorded_and_leaves_no_directory(data, monkeypatch):
    def broken(*args, **kwargs):
        raise backups.BackupError("pg_dump failed: disk full")

    monkeypatch.setattr(backups, "_files_write", broken)
    backup = services.backup_run(trigger=BackupTrigger.COMMAND)
    assert backup.status == BackupStatus.FAILED and "disk full" in backup.error
    assert list(Path(backups.backup_dir()).iterdir()) == []


def test_backup_schedule_is_daily_at_the_configured_time(db, settings):
    settings.BACKUP_TIME = "03:15"
    schedule = services.backup_schedule_ensure()
    assert schedule.func == services.BACKUP_TASK
    assert (schedule.next_run.hour, schedule.next_run.minute) == (3, 15)
    settings.BACKUP_TIME = "04:00"
    again = services.backup_schedule_ensure()
    assert again.pk == schedule.pk and again.next_run.hour == 4


def test_admin_lists_backups_and_starts_one(data, client, django_capture_on_commit_callbacks,
                                            monkeypatch):
    client.force_login(data)
    queued = []
    monkeypatch.setattr(services, "async_task", lambda *args, **kwargs: queued.append(args))
    changelist = client.get(reverse("admin:core_backup_changelist"))
    assert b"Start a backup" in changelist.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:core_backup_start"))
    assert response.status_code == 302
    backup = Backup.objects.get()
    assert backup.status == BackupStatus.PENDING and backup.triggered_by == data
    assert queued == [(services.BACKUP_TASK, backup.pk)]

    from core.tasks import backup_task

    assert backup_task(backup.pk) == BackupStatus.COMPLETED
    listing = client.get(reverse("admin:core_backup_changelist")).content.decode()
    assert "Completed" in listing and Path(Backup.objects.get().path).name in listing


def test_staff_without_the_permission_cannot_start_a_backup(db, client):
    staff = User.objects.create_user("sam", password="a-long-Secret-pass-42", is_staff=True)
    client.force_login(staff)
    client.post(reverse("admin:core_backup_start"))
    assert not Backup.objects.exists()
