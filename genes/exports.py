"""Streaming exports of scored genes (TSV, CSV, JSON) in constant memory.

`export_stream` yields text chunks from a server-side iterator, so 50,000 genes never sit in
memory at once; the API wraps it in a StreamingHttpResponse, `manage.py export_genes` writes it
to a file. Flag columns read TRUE / FALSE / empty (absent) in CSV and TSV, true / false / null
in JSON.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from genes.config import CLASSIC_SOURCES, SCORE_COLUMNS
from genes.models import GeneScore, format_hgnc_id

FLAG_COLUMNS: tuple[str, ...] = tuple(s.column for s in CLASSIC_SOURCES)
SOURCE_SCORE_COLUMNS: tuple[str, ...] = tuple(f"{column}_score" for _, column in SCORE_COLUMNS)
EXPORT_COLUMNS: tuple[str, ...] = (
    "hgnc_id",
    "approved_symbol",
    "evidence_count",
    "list_count",
    "source_count_percentile",
    *FLAG_COLUMNS,
    "score",
    "tier",
    "source_count",
    *SOURCE_SCORE_COLUMNS,
)
# Every export format (command, API `format=`, page links) and its media type, defined here.
EXPORT_CONTENT_TYPES: dict[str, str] = {
    "tsv": "text/tab-separated-values; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
EXPORT_FORMATS: tuple[str, ...] = tuple(EXPORT_CONTENT_TYPES)
SCORE_DECIMALS = 2
FRACTION_DECIMALS = 4
DEFAULT_CHUNK_ROWS = 2000

_QUERY_FIELDS: tuple[str, ...] = (
    "gene_id",
    "gene__symbol",
    "evidence_count",
    "list_count",
    "source_count_percentile",
    *(f"{column}_flag" for column in FLAG_COLUMNS),
    "score",
    "tier",
    "source_count",
    *SOURCE_SCORE_COLUMNS,
)
_FLAG_INDEXES = range(5, 5 + len(FLAG_COLUMNS))
_SCORE_INDEX = _QUERY_FIELDS.index("score")
_FRACTION_INDEXES = {_QUERY_FIELDS.index("source_count_percentile")} | {
    _QUERY_FIELDS.index(c) for c in SOURCE_SCORE_COLUMNS
}


def gene_scores_for_export(*, high_evidence: bool = False, tier: str | None = None) -> QuerySet:
    """Scored genes, strongest first, optionally only high-evidence genes or one tier."""
    queryset = GeneScore.objects.all()
    if high_evidence:
        queryset = queryset.filter(high_evidence=True)
    if tier:
        queryset = queryset.filter(tier=tier)
    return queryset.order_by("-score", "gene__symbol", "gene_id")


def _values(row: tuple) -> list[Any]:
    """Typed export values: HGNC curie, rounded fractions; flags stay booleans or None."""
    values = list(row)
    values[0] = format_hgnc_id(values[0])
    values[_SCORE_INDEX] = round(values[_SCORE_INDEX], SCORE_DECIMALS)
    for index in _FRACTION_INDEXES:
        if values[index] is not None:
            values[index] = round(values[index], FRACTION_DECIMALS)
    return values


def _text_cell(value: Any) -> Any:
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    return "" if value is None else value


def _delimited(rows: Iterable[tuple], delimiter: str, chunk_rows: int) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    pending = 0
    for row in rows:
        writer.writerow([_text_cell(v) for v in _values(row)])
        pending += 1
        if pending >= chunk_rows:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield buffer.getvalue()


def _json_array(rows: Iterable[tuple], chunk_rows: int) -> Iterator[str]:
    parts: list[str] = ["["]
    separator = "\n"
    for row in rows:
        parts.append(separator + json.dumps(dict(zip(EXPORT_COLUMNS, _values(row), strict=True))))
        separator = ",\n"
        if len(parts) >= chunk_rows:
            yield "".join(parts)
            parts = []
    parts.append("\n]\n")
    yield "".join(parts)


def export_stream(
    queryset: QuerySet, fmt: str, *, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> Iterator[str]:
    """Text chunks of the export of `queryset` (GeneScore rows) in `fmt`: tsv, csv or json."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(
            f"unknown export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}"
        )
    rows = queryset.values_list(*_QUERY_FIELDS).iterator(chunk_size=chunk_rows)
    if fmt == "json":
        return _json_array(rows, chunk_rows)
    return _delimited(rows, "\t" if fmt == "tsv" else ",", chunk_rows)
