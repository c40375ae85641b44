"""Loading the HGNC complete set into Gene and GeneSymbol.

Reads the complete set as TSV (plain or gzip; the current 53-column and older 49-column layouts,
and HGNC's custom-download layout) or as the JSON complete set, mapping columns by header name.
A load is one transaction and idempotent: the same file twice changes nothing; a newer file
updates, adds and withdraws. Entries missing from a newer file are kept as withdrawn.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import connection, transaction

from genes.models import Gene, GeneStatus, GeneSymbol, HgncLoad, SymbolKind

DEFAULT_HGNC_URL = (
    "https://storage.googleapis.com/public-download-files/hgnc/tsv/tsv/hgnc_complete_set.txt"
)
BATCH_SIZE = 2000
ProgressCallback = Callable[[int, int | None], None]

# Custom-download column names → complete-set names; lists there are ", "-separated.
CUSTOM_DOWNLOAD_COLUMNS = {
    "HGNC ID": "hgnc_id",
    "Approved symbol": "symbol",
    "Approved name": "name",
    "Status": "status",
    "Alias symbols": "alias_symbol",
    "Previous symbols": "prev_symbol",
    "NCBI Gene ID(supplied by NCBI)": "entrez_id",
    "NCBI Gene ID": "entrez_id",
    "Ensembl gene ID": "ensembl_gene_id",
    "Ensembl ID(supplied by Ensembl)": "ensembl_gene_id",
    "Locus type": "locus_type",
    "Locus group": "locus_group",
    "Chromosome": "location",
    "OMIM ID(supplied by OMIM)": "omim_id",
}
REQUIRED_COLUMNS = ("hgnc_id", "symbol", "name", "status")
_HGNC_CURIE = re.compile(r"HGNC:(\d+)")
_DATE_IN_NAME = re.compile(r"(\d{4}-\d{2}-\d{2})")
_WITHDRAWN_STATUSES = {"entry withdrawn", "symbol withdrawn", "withdrawn"}


class HgncFormatError(Exception):
    """The HGNC file is malformed; the message names the file, line and problem."""


@dataclass
class HgncRow:
    hgnc_id: int
    symbol: str
    name: str
    status: str
    locus_group: str = ""
    locus_type: str = ""
    location: str = ""
    entrez_id: int | None = None
    ensembl_gene_id: str = ""
    omim_ids: list[str] = field(default_factory=list)
    mane_select: list[str] = field(default_factory=list)
    date_modified: date | None = None
    withdrawn_note: str = ""
    merged_into: list[int] = field(default_factory=list)
    previous: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)


@dataclass
class HgncFile:
    rows: list[HgncRow]
    layout: str
    sha256: str
    release_date: date | None


@dataclass
class HgncLoadResult:
    load: HgncLoad
    added: int
    updated: int
    withdrawn: int
    unchanged: int


def _split_list(value: str, separator: str) -> list[str]:
    return [item.strip() for item in value.strip().strip('"').split(separator) if item.strip()]


def _parse_date(value: str, where: str) -> date | None:
    value = (value or "").strip()[:10]
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise HgncFormatError(f"{where}: bad date {value!r}") from error


def _row_from_fields(fields: dict[str, str], separator: str, where: str) -> HgncRow:
    raw_id = (fields.get("hgnc_id") or "").strip()
    match = re.fullmatch(r"(?:HGNC:)?(\d+)", raw_id)
    if not match:
        raise HgncFormatError(f"{where}: hgnc_id {raw_id!r} is not an HGNC id")
    symbol = (fields.get("symbol") or "").strip()
    if not symbol:
        raise HgncFormatError(f"{where}: empty symbol")
    status_text = (fields.get("status") or "").strip()
    withdrawn = status_text.lower() in _WITHDRAWN_STATUSES
    if not withdrawn and status_text.lower() != "approved":
        raise HgncFormatError(f"{where}: unknown status {status_text!r}")
    name = (fields.get("name") or "").strip()
    entrez = (fields.get("entrez_id") or "").strip()
    if entrez and not entrez.isdigit():
        raise HgncFormatError(f"{where}: entrez_id {entrez!r} is not a number")
    return HgncRow(
        hgnc_id=int(match.group(1)),
        symbol=symbol,
        name=name,
        status=GeneStatus.WITHDRAWN if withdrawn else GeneStatus.APPROVED,
        locus_group=(fields.get("locus_group") or "").strip(),
        locus_type=(fields.get("locus_type") or "").strip(),
        location=(fields.get("location") or "").strip(),
        entrez_id=int(entrez) if entrez else None,
        ensembl_gene_id=(fields.get("ensembl_gene_id") or "").strip(),
        omim_ids=_split_list(fields.get("omim_id") or "", separator),
        mane_select=_split_list(fields.get("mane_select") or "", "|"),
        date_modified=_parse_date(fields.get("date_modified") or "", where),
        withdrawn_note=f"{status_text}: {name}"[:512] if withdrawn else "",
        merged_into=[int(i) for i in _HGNC_CURIE.findall(name)] if withdrawn else [],
        previous=_split_list(fields.get("prev_symbol") or "", separator),
        aliases=_split_list(fields.get("alias_symbol") or "", separator),
    )


def _open_text(path: Path) -> io.TextIOBase:
    with path.open("rb") as probe:
        magic = probe.read(2)
    # The caller closes the wrapper (and with it the raw stream) in a `with` block.
    raw = gzip.open(path, "rb") if magic == b"\x1f\x8b" else path.open("rb")  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding="utf-8", newline="")


def _iter_tsv(path: Path, handle: io.TextIOBase) -> Iterator[tuple[HgncRow, str]]:
    reader = csv.reader(handle, delimiter="\t", quotechar='"')
    header = next(reader, None)
    if not header:
        raise HgncFormatError(f"{path}: file is empty")
    if len(header) < 4:
        raise HgncFormatError(
            f"{path}: line 1: expected a tab-separated HGNC header, found {header[:3]!r}"
        )
    custom = "HGNC ID" in header
    names = [CUSTOM_DOWNLOAD_COLUMNS.get(name, name) if custom else name for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        raise HgncFormatError(f"{path}: line 1: missing HGNC columns {', '.join(missing)}")
    if custom:
        layout = "custom-download"
    elif "gene_family" in names:
        layout = "tsv-49 (gene_family)"
    elif "location_sortable" in names:
        layout = "tsv (location_sortable)"
    else:
        layout = f"tsv-{len(names)}"
    separator = ", " if custom else "|"
    for line_number, values in enumerate(reader, start=2):
        if not values:
            continue
        if len(values) != len(names):
            raise HgncFormatError(
                f"{path}: line {line_number}: expected {len(names)} fields, found {len(values)}"
                " (truncated or malformed row)"
            )
        fields = dict(zip(names, values, strict=True))
        yield _row_from_fields(fields, separator, f"{path}: line {line_number}"), layout


def _iter_json(path: Path, handle: io.TextIOBase) -> Iterator[tuple[HgncRow, str]]:
    try:
        document = json.load(handle)
    except json.JSONDecodeError as error:
        raise HgncFormatError(
            f"{path}: invalid JSON at line {error.lineno}: {error.msg}"
        ) from error
    docs = document.get("response", {}).get("docs") if isinstance(document, dict) else None
    if not isinstance(docs, list):
        raise HgncFormatError(f"{path}: JSON has no response.docs list")
    for index, doc in enumerate(docs, start=1):
        if not isinstance(doc, dict):
            raise HgncFormatError(f"{path}: document {index} is not an object")
        fields = {
            key: "|".join(str(item) for item in value) if isinstance(value, list) else str(value)
            for key, value in doc.items()
        }
        yield _row_from_fields(fields, "|", f"{path}: document {index}"), "json"


def read_hgnc_file(path: Path, progress: ProgressCallback | None = None) -> HgncFile:
    """Parse and validate the whole file before anything is written."""
    path = Path(path)
    if not path.exists():
        raise HgncFormatError(f"{path}: no such file")
    with path.open("rb") as raw:
        digest = hashlib.file_digest(raw, "sha256")
    rows: list[HgncRow] = []
    layout = ""
    try:
        with _open_text(path) as handle:
            first = handle.read(1)
            while first.isspace():
                first = handle.read(1)
            handle.seek(0)
            if first == "<":
                raise HgncFormatError(f"{path}: line 1: looks like an HTML page, not HGNC data")
            parser = _iter_json if first == "{" else _iter_tsv
            for row, row_layout in parser(path, handle):
                layout = row_layout
                rows.append(row)
                if progress and len(rows) % 5000 == 0:
                    progress(len(rows), None)
    except UnicodeDecodeError as error:
        raise HgncFormatError(f"{path}: not UTF-8 text ({error.reason})") from error
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise HgncFormatError(
            f"{path}: compressed file is truncated or corrupt ({error})"
        ) from error
    except csv.Error as error:
        raise HgncFormatError(f"{path}: malformed TSV ({error})") from error
    if not rows:
        raise HgncFormatError(f"{path}: no HGNC rows")
    duplicates = len(rows) - len({row.hgnc_id for row in rows})
    if duplicates:
        raise HgncFormatError(f"{path}: {duplicates} duplicate hgnc_id rows")
    name_date = _DATE_IN_NAME.search(path.name)
    release = date.fromisoformat(name_date.group(1)) if name_date else None
    if release is None:
        release = max((row.date_modified for row in rows if row.date_modified), default=None)
    return HgncFile(rows, layout, digest.hexdigest(), release)


GENE_FIELDS = (
    "symbol",
    "name",
    "locus_group",
    "locus_type",
    "status",
    "withdrawn_note",
    "merged_into",
    "location",
    "entrez_id",
    "ensembl_gene_id",
    "omim_ids",
    "mane_select",
    "date_modified",
)


def _gene_values(row: HgncRow) -> dict:
    return {name: getattr(row, name) for name in GENE_FIELDS}


def hgnc_load(
    *, path: Path, file_name: str | None = None, progress: ProgressCallback | None = None
) -> HgncLoadResult:
    """Load an HGNC file in one transaction; the database is unchanged if anything fails."""
    parsed = read_hgnc_file(path, progress)
    with transaction.atomic():
        result = _apply(parsed, file_name or Path(path).name, progress)
    _refresh_planner_statistics()
    return result


def _refresh_planner_statistics() -> None:
    """A bulk load changes the gene tables wholesale; give the query planner fresh statistics."""
    tables = [Gene._meta.db_table, GeneSymbol._meta.db_table]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _apply(parsed: HgncFile, file_name: str, progress: ProgressCallback | None) -> HgncLoadResult:
    existing = {
        values["hgnc_id"]: values
        for values in Gene.objects.values("hgnc_id", "hgnc_release", *GENE_FIELDS)
    }
    to_create: list[Gene] = []
    to_update: list[Gene] = []
    unchanged = 0
    for row in parsed.rows:
        values = _gene_values(row)
        current = existing.get(row.hgnc_id)
        if current is None:
            to_create.append(Gene(hgnc_id=row.hgnc_id, hgnc_release=parsed.release_date, **values))
        elif any(current[name] != value for name, value in values.items()):
            to_update.append(Gene(hgnc_id=row.hgnc_id, hgnc_release=parsed.release_date, **values))
        else:
            unchanged += 1
    in_file = {row.hgnc_id for row in parsed.rows}
    vanished = [
        gene_id
        for gene_id, values in existing.items()
        if gene_id not in in_file and values["status"] != GeneStatus.WITHDRAWN
    ]
    Gene.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    _update_genes(to_update)
    if vanished:
        note = f"Not in HGNC file {file_name}"
        for start in range(0, len(vanished), BATCH_SIZE):
            Gene.objects.filter(hgnc_id__in=vanished[start : start + BATCH_SIZE]).update(
                status=GeneStatus.WITHDRAWN, withdrawn_note=note
            )
    if progress:
        progress(len(parsed.rows), len(parsed.rows))
    _sync_symbols(parsed.rows)
    withdrawn_now = sum(
        1
        for gene in to_update
        if gene.status == GeneStatus.WITHDRAWN
        and existing[gene.hgnc_id]["status"] != GeneStatus.WITHDRAWN
    ) + len(vanished)
    load = HgncLoad.objects.create(
        file_name=file_name,
        sha256=parsed.sha256,
        release_date=parsed.release_date,
        file_layout=parsed.layout,
        row_count=len(parsed.rows),
        added=len(to_create),
        updated=len(to_update),
        withdrawn=withdrawn_now,
        unchanged=unchanged,
    )
    return HgncLoadResult(load, len(to_create), len(to_update), withdrawn_now, unchanged)


def _update_genes(genes: list[Gene]) -> None:
    """One parameterised UPDATE run for many rows: bulk_update's CASE chains are quadratic."""
    if not genes:
        return
    columns = ["hgnc_release", *GENE_FIELDS]
    fields = [Gene._meta.get_field(name) for name in columns]
    table = connection.ops.quote_name(Gene._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    sql = f"UPDATE {table} SET {assignments} WHERE {connection.ops.quote_name('hgnc_id')} = %s"
    params = [
        [f.get_db_prep_save(getattr(gene, f.attname), connection) for f in fields] + [gene.hgnc_id]
        for gene in genes
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(params), BATCH_SIZE):
            cursor.executemany(sql, params[start : start + BATCH_SIZE])


def _sync_symbols(rows: list[HgncRow]) -> None:
    """Make GeneSymbol equal to the file's previous/alias symbols with set arithmetic."""
    wanted: dict[tuple[int, str, str], str] = {}
    for row in rows:
        for kind, symbols in ((SymbolKind.PREVIOUS, row.previous), (SymbolKind.ALIAS, row.aliases)):
            for symbol in symbols:
                wanted.setdefault((row.hgnc_id, symbol.upper(), str(kind)), symbol)
    file_genes = {row.hgnc_id for row in rows}
    current = {
        (gene_id, upper, kind): pk
        for pk, gene_id, upper, kind in GeneSymbol.objects.values_list(
            "pk", "gene_id", "symbol_upper", "kind"
        )
    }
    stale = [pk for key, pk in current.items() if key[0] in file_genes and key not in wanted]
    for start in range(0, len(stale), BATCH_SIZE):
        GeneSymbol.objects.filter(pk__in=stale[start : start + BATCH_SIZE]).delete()
    GeneSymbol.objects.bulk_create(
        [
            GeneSymbol(gene_id=gene_id, symbol=symbol, symbol_upper=upper, kind=kind)
            for (gene_id, upper, kind), symbol in wanted.items()
            if (gene_id, upper, kind) not in current
        ],
        batch_size=BATCH_SIZE,
    )
