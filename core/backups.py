"""Backups of the database and of MEDIA_ROOT that restore: write, verify, restore, prune.

A backup is one directory `BACKUP_DIR/kgdb-<UTC time>/` holding
- `database.pgdump` (PostgreSQL: `pg_dump` custom format, compressed, one consistent snapshot)
  or `database.sqlite3.gz` (SQLite: the online backup API, consistent while the app writes);
- `files.tar.gz`: MEDIA_ROOT. Release files and uploaded lists live in the database
  (`ReleaseFile.content_gzip`, upload entries), so the dump carries them; the archive holds
  whatever else was written to MEDIA_ROOT;
- `manifest.json`: engine, creation time, Django migration state and the size and SHA-256 of
  each file, checked before anything is restored.
It is written under a `.partial` name and renamed when complete, so a crash never leaves a
directory that looks like a backup. Restoring goes into an empty database only: a backup is
never mixed into live data.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections

FORMAT_VERSION = 1
PREFIX = "kgdb-"
MANIFEST = "manifest.json"
PG_DUMP = "database.pgdump"
SQLITE_DUMP = "database.sqlite3.gz"
FILES_ARCHIVE = "files.tar.gz"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class BackupWritten:
    path: Path
    size_bytes: int
    manifest_sha256: str
    seconds: float


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _libpq_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """How pg_dump and pg_restore reach a database of Django's settings (password in the
    environment, never on a command line other users can read)."""
    env = dict(os.environ)
    values = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": (settings_dict.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({key: str(value) for key, value in values.items() if value})
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _database_write(alias: str, target_dir: Path) -> Path:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        target = target_dir / PG_DUMP
        # --format=custom is compressed and lets pg_restore run in one transaction; pg_dump
        # reads one snapshot, so the dump is consistent while the app keeps writing.
        _run(
            ["pg_dump", "--format=custom", "--compress=6", "--no-owner", "--no-privileges",
             f"--file={target}"],
            _libpq_environment(connection.settings_dict),
        )
        return target
    if connection.vendor == "sqlite":
        target = target_dir / SQLITE_DUMP
        copy = target_dir / "database.sqlite3"
        connection.ensure_connection()
        destination = sqlite3.connect(copy)
        try:
            connection.connection.backup(destination)
        finally:
            destination.close()
        with copy.open("rb") as source, gzip.open(target, "wb", compresslevel=6) as compressed:
            shutil.copyfileobj(source, compressed, CHUNK)
        copy.unlink()
        return target
    raise BackupError(f"backups support PostgreSQL and SQLite, not {connection.vendor}")


def _files_write(media_root: Path, target_dir: Path) -> Path:
    target = target_dir / FILES_ARCHIVE
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        if media_root.is_dir():
            for child in sorted(media_root.iterdir()):
                archive.add(child, arcname=child.name)
    return target


def _migration_state(alias: str) -> dict[str, str]:
    """The last applied migration of each app: what a restore needs the code to match."""
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
        return {app: name for app, name in cursor.fetchall()}


def backup_write(*, alias: str = "default", directory: Path | None = None) -> BackupWritten:
    """Write one complete backup and return where it is; nothing is left on failure."""
    started = datetime.now(UTC)
    directory = directory or backup_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = f"{PREFIX}{started:%Y%m%dT%H%M%S%fZ}"
    partial = directory / f".{name}.partial"
    partial.mkdir()
    try:
        written = [
            _database_write(alias, partial),
            _files_write(Path(settings.MEDIA_ROOT), partial),
        ]
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": started.isoformat(),
            "engine": connections[alias].vendor,
            "migrations": _migration_state(alias),
            "files": {
                path.name: {"bytes": path.stat().st_size, "sha256": file_sha256(path)}
                for path in written
            },
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        final = directory / name
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    size = sum(path.stat().st_size for path in final.iterdir())
    return BackupWritten(
        path=final,
        size_bytes=size,
        manifest_sha256=file_sha256(final / MANIFEST),
        seconds=(datetime.now(UTC) - started).total_seconds(),
    )


def backup_verify(path: Path) -> dict[str, Any]:
    """The manifest, after checking that every file it lists is there, whole and unchanged."""
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{path} is not a backup: no {MANIFEST}")
    manifest = json.loads(manifest_path.read_text())
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{path}: backup format {manifest.get('format')} is not supported")
    for name, expected in manifest["files"].items():
        file = path / name
        if not file.is_file():
            raise BackupError(f"{path}: {name} is missing")
        if file.stat().st_size != expected["bytes"] or file_sha256(file) != expected["sha256"]:
            raise BackupError(f"{path}: {name} does not match its checksum; the backup is damaged")
    return manifest


def _postgres_is_empty(settings_dict: dict[str, Any]) -> bool:
    import psycopg

    env = _libpq_environment(settings_dict)
    conninfo = " ".join(
        f"{key}={env[var]}" for key, var in (("host", "PGHOST"), ("port", "PGPORT"),
                                             ("user", "PGUSER"), ("dbname", "PGDATABASE"))
        if var in env
    )
    with psycopg.connect(conninfo, password=env.get("PGPASSWORD")) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
    return tables == 0


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def backup_restore(
    *, path: Path, settings_dict: dict[str, Any], media_root: Path
) -> dict[str, Any]:
    """Restore the backup at `path` into the EMPTY database `settings_dict` and into
    `media_root`; returns the manifest. Refuses a damaged backup, a backup of the other
    engine and a database that already holds tables."""
    manifest = backup_verify(path)
    engine = settings_dict["ENGINE"]
    vendor = "postgresql" if "postgres" in engine else "sqlite" if "sqlite" in engine else engine
    if vendor != manifest["engine"]:
        raise BackupError(f"{path} is a {manifest['engine']} backup; the target is {vendor}")
    if vendor == "postgresql":
        if not _postgres_is_empty(settings_dict):
            raise BackupError(
                f"database {settings_dict['NAME']} is not empty; restore into a new database "
                "(createdb) and point DATABASE_URL at it"
            )
        _run(
            ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", f"--dbname={settings_dict['NAME']}", str(path / PG_DUMP)],
            _libpq_environment(settings_dict),
        )
    else:
        target = Path(settings_dict["NAME"])
        if not _sqlite_is_empty(target):
            raise BackupError(f"{target} is not empty; restore into a new file")
        with (
            tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as temporary,
            gzip.open(path / SQLITE_DUMP, "rb") as compressed,
        ):
            shutil.copyfileobj(compressed, temporary, CHUNK)
        Path(temporary.name).replace(target)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(path / FILES_ARCHIVE, "r:gz") as archive:
        archive.extractall(media_root, filter="data")
    return manifest


def backups_list(directory: Path | None = None) -> list[Path]:
    """Complete backups in `directory`, oldest first (names sort by time)."""
    directory = directory or backup_dir()
    if not directory.is_dir():
        return []
    return sorted(
        path for path in directory.iterdir()
        if path.is_dir() and path.name.startswith(PREFIX) and (path / MANIFEST).is_file()
    )


def backups_prune(*, keep: int, directory: Path | None = None) -> list[Path]:
    """Delete all but the newest `keep` backups; returns the deleted paths."""
    if keep < 1:
        raise BackupError("keep at least one backup")
    doomed = backups_list(directory)[:-keep]
    for path in doomed:
        shutil.rmtree(path)
    return doomed
