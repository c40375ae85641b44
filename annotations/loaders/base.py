"""The small base every annotation loader stands on.

A loader declares its inputs (role, config key of the default URL, a header sniffer) and
implements `load()`, which streams the files and replaces the provider's rows. The base finds
the input files — given paths (`--file`), a snapshot directory replayed through
`common.fetching.Fetcher`, or live downloads — reads plain or gzip text line by line
with progress, and turns format problems into `AnnotationFormatError` naming file and line.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from django.db import connection, models

from annotations.config import annotation_setting
from annotations.matching import GeneMatcher
from annotations.models import AnnotationRun
from common.fetching import Fetcher, FetchError, FetchMode, SnapshotMissError

Progress = Callable[[int, int], None]
PROGRESS_EVERY_LINES = 20_000
SNIFF_BYTES = 8192


class AnnotationFormatError(Exception):
    """A file is not in the expected format; the message names the file and line."""

    def __init__(self, message: str, *, path: Path | str | None = None, line: int | None = None):
        location = str(path) if path else ""
        if path and line:
            location = f"{path}, line {line}"
        super().__init__(f"{location}: {message}" if location else message)


@dataclass(frozen=True)
class InputSpec:
    """One file a loader reads: its role, default URL and how to recognise it by its head."""

    role: str
    url_key: str
    sniff: Callable[[str], bool]
    description: str
    required: bool = True
    fetch_live: bool = True
    fallback: Callable[[], Path | None] | None = None


@dataclass
class LoadStats:
    rows_read: int = 0
    genes_matched: int = 0
    rows_unmatched: int = 0
    records_written: int = 0
    source_version: str = ""


@dataclass
class ResolvedInputs:
    """The local files for one run, with labels (URL or path) and temp files to delete."""

    paths: dict[str, Path] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    temporary: list[Path] = field(default_factory=list)

    def checksum(self) -> str:
        digest = hashlib.sha256()
        for role in sorted(self.paths):
            with self.paths[role].open("rb") as handle:
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(chunk)
        return digest.hexdigest()

    def cleanup(self) -> None:
        for path in self.temporary:
            path.unlink(missing_ok=True)


def is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def read_head(path: Path, size: int = SNIFF_BYTES) -> str:
    """The first bytes of a (possibly gzipped) file as text, for recognising its format."""
    try:
        opener = gzip.open if is_gzip(path) else open
        with opener(path, "rb") as handle:
            return handle.read(size).decode("utf-8-sig", errors="replace")
    except (OSError, EOFError) as error:
        raise AnnotationFormatError(f"cannot read file ({error})", path=path) from error


# No real annotation file has lines near this long; a longer one is corrupt, and reading it as
# data would silently turn a 5 MB cell into an "unmatched gene".
MAX_LINE_CHARS = 1_000_000


def iter_lines(path: Path, progress: Progress | None = None) -> Iterator[tuple[int, str]]:
    """(line number, line without newline) for a plain or gzip text file, streaming."""
    size = path.stat().st_size
    with path.open("rb") as raw:
        stream = gzip.GzipFile(fileobj=raw) if is_gzip(path) else raw
        text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
        number = 0
        try:
            for number, line in enumerate(text, start=1):
                if progress and number % PROGRESS_EVERY_LINES == 0:
                    progress(raw.tell(), size)
                if len(line) > MAX_LINE_CHARS:
                    raise AnnotationFormatError(
                        f"line is {len(line):,} characters long, over the {MAX_LINE_CHARS:,} "
                        "limit: a corrupt file or not the expected format",
                        path=path,
                        line=number,
                    )
                yield number, line.rstrip("\r\n")
        except UnicodeDecodeError as error:
            raise AnnotationFormatError(
                f"not UTF-8 text ({error})", path=path, line=number + 1
            ) from error
        except (OSError, EOFError) as error:
            raise AnnotationFormatError(
                f"truncated or corrupt file ({error})", path=path, line=number + 1
            ) from error
    if progress:
        progress(size, size)


def header_index(
    columns: list[str], required: list[str], *, path: Path, line: int
) -> dict[str, int]:
    """Column name → position; a missing required column is a clear format error."""
    index = {name: position for position, name in enumerate(columns)}
    missing = [name for name in required if name not in index]
    if missing:
        raise AnnotationFormatError(
            f"header lacks required column(s) {', '.join(missing)}; found {columns[:8]}...",
            path=path,
            line=line,
        )
    return index


def parse_float(value: str, *, path: Path, line: int, column: str) -> float | None:
    if value in ("NA", "", "NaN", "nan", "-"):
        return None
    try:
        return float(value)
    except ValueError:
        raise AnnotationFormatError(
            f"column {column}: {value!r} is not a number", path=path, line=line
        ) from None


def insert_rows(
    model: type[models.Model], fields: list[str], rows: Iterable[tuple], *, batch_size: int = 5000
) -> int:
    """Plain inserts for the big numeric tables (gnomAD, STRING pairs): COPY on PostgreSQL,
    executemany on SQLite.

    Many times faster than `bulk_create`, which builds a model instance and compiles every
    field per row; values must already be in database form (numbers, strings, bools, None).
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    written += 1
            return written
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
        batch: list[tuple] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                written, batch = written + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            written += len(batch)
    return written


def version_from_label(label: str, pattern: str = r"v(\d+(?:\.\d+)*)") -> str:
    """A release such as 'v4.1' taken from a URL or file name, or ''."""
    found = re.search(pattern, Path(label).name)
    return f"v{found.group(1)}" if found else ""


class AnnotationLoader:
    """Base of one provider's loader: declares inputs, streams them, replaces its rows."""

    provider: ClassVar[str]
    inputs: ClassVar[tuple[InputSpec, ...]]

    def load(
        self,
        files: ResolvedInputs,
        *,
        run: AnnotationRun,
        matcher: GeneMatcher,
        progress: Progress | None = None,
    ) -> LoadStats:
        raise NotImplementedError

    # Input resolution ------------------------------------------------------------------------

    def resolve(
        self,
        *,
        files: list[Path] | None = None,
        snapshot: Path | None = None,
        fetcher: Fetcher | None = None,
    ) -> ResolvedInputs:
        """Local files for each role, from `--file` paths, a snapshot, or live URLs."""
        resolved = ResolvedInputs()
        if files:
            self._assign_files([Path(path) for path in files], resolved)
        else:
            if fetcher is None:
                fetcher = (
                    Fetcher(FetchMode.REPLAY, self.snapshot_dir(snapshot))
                    if snapshot
                    else Fetcher()
                )
            self._fetch_inputs(fetcher, resolved)
        for spec in self.inputs:
            if spec.role in resolved.paths:
                continue
            fallback = spec.fallback() if spec.fallback else None
            if fallback is not None:
                resolved.paths[spec.role] = fallback
                resolved.labels[spec.role] = str(fallback)
            elif spec.required:
                raise AnnotationFormatError(
                    f"{self.provider} needs {spec.description}; none was given"
                )
        return resolved

    def snapshot_dir(self, snapshot: Path) -> Path:
        """`DIR/<provider>/` when it has a manifest (the demo layout), else `DIR` itself."""
        nested = Path(snapshot) / self.provider
        return nested if (nested / "manifest.json").is_file() else Path(snapshot)

    def _assign_files(self, paths: list[Path], resolved: ResolvedInputs) -> None:
        for path in paths:
            if not path.is_file():
                raise AnnotationFormatError("no such file", path=path)
            head = read_head(path)
            spec = next(
                (s for s in self.inputs if s.role not in resolved.paths and s.sniff(head)), None
            )
            if spec is None:
                expected = "; ".join(s.description for s in self.inputs)
                raise AnnotationFormatError(
                    f"not recognised as a {self.provider} input (expected {expected})", path=path
                )
            resolved.paths[spec.role] = path
            resolved.labels[spec.role] = str(path)

    def _fetch_inputs(self, fetcher: Fetcher, resolved: ResolvedInputs) -> None:
        for spec in self.inputs:
            url = annotation_setting(spec.url_key)
            if not spec.fetch_live and fetcher.mode != FetchMode.REPLAY:
                continue
            try:
                path = fetcher.fetch_to_path(url)
            except SnapshotMissError:
                if spec.required and spec.fallback is None:
                    raise
                continue
            if fetcher.mode == FetchMode.LIVE:
                resolved.temporary.append(path)
            head = read_head(path)
            if not spec.sniff(head):
                raise AnnotationFormatError(
                    f"{url} is not {spec.description} (unexpected header)", path=path
                )
            resolved.paths[spec.role] = path
            resolved.labels[spec.role] = url


__all__ = [
    "AnnotationFormatError",
    "AnnotationLoader",
    "FetchError",
    "InputSpec",
    "LoadStats",
    "ResolvedInputs",
    "header_index",
    "iter_lines",
    "parse_float",
    "read_head",
]
