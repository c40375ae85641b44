"""Symbol normalisation: map what a source calls a gene to one HGNC gene, or say why not.

Order of trust: a curator's mapping for this symbol → a source-supplied HGNC id (validated) →
NCBI gene id → approved symbol → previous symbol → alias symbol. A previous or alias symbol that
points to more than one gene is ambiguous and is never resolved silently. The whole batch is
resolved with a handful of queries, whatever its size.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q
from django.db.models.functions import Upper

from common.params import INT32_MAX, ascii_int
from genes.models import CuratedSymbolMapping, Gene, GeneStatus, GeneSymbol, SymbolKind

IN_CLAUSE_CHUNK = 5000
MAX_SYMBOL_LENGTH = 40

_PREFIX = re.compile(r"^(?:GENE|SYMBOL|HGNC[ _]?SYMBOL|GENE[ _]?SYMBOL)\s*[:=]\s*", re.IGNORECASE)
_SPECIES_SUFFIX = re.compile(r"_HUMAN$", re.IGNORECASE)
_TRAILING_ANNOTATION = re.compile(r"\s*[\(\[\{][^\)\]\}]*[\)\]\}]?\s*$")
_SYMBOL_SHAPE = re.compile(r"^[A-Z0-9][A-Z0-9\-_.@]*$")
_NUMERIC_ID = re.compile(r"^\d{1,12}$")


class Outcome(StrEnum):
    RESOLVED = "resolved"
    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"
    JUNK = "junk"
    WITHDRAWN = "withdrawn"
    INVALID_ID = "invalid_id"


@dataclass(frozen=True)
class SymbolQuery:
    symbol: str
    hgnc_id: str | int | None = None
    ncbi_id: str | int | None = None


@dataclass(frozen=True)
class NormalisationResult:
    query: SymbolQuery
    outcome: Outcome
    gene_id: int | None = None
    matched_by: str = ""
    cleaned: str = ""
    candidates: tuple[int, ...] = ()
    reason: str = ""

    @property
    def resolved(self) -> bool:
        return self.outcome == Outcome.RESOLVED


def clean_symbol(raw: object) -> str | None:
    """Upper-cased symbol without decoration, or None when the text cannot be a gene symbol."""
    if raw is None:
        return None
    text = str(raw).strip().strip("\"'").strip()
    text = _PREFIX.sub("", text)
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_ANNOTATION.sub("", text).strip()
    text = _SPECIES_SUFFIX.sub("", text).strip().upper()
    if not text or len(text) > MAX_SYMBOL_LENGTH or text.isdigit():
        return None
    if not _SYMBOL_SHAPE.match(text):
        return None
    return text


def parse_hgnc_id(value: str | int | None) -> int | None:
    """`HGNC:1234`, `hgnc:1234`, `1234` or 1234 → 1234; anything else → None.

    The one reading of an HGNC id for files, query parameters and search: ASCII digits only
    (not `²` or other scripts' digits, which `int()` would accept), positive, and within the
    integer column (30 digits must not overflow the database query).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 < value <= INT32_MAX else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text[:5].upper() == "HGNC:":
        text = text[5:]
    number = ascii_int(text, maximum=INT32_MAX)
    return number or None


def parse_ncbi_id(value: str | int | None) -> int | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    return int(text) if _NUMERIC_ID.match(text) and int(text) > 0 else None


def _chunks(values: Iterable, size: int = IN_CLAUSE_CHUNK) -> Iterator[list]:
    batch: list = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class _Lookups:
    """Everything the batch needs, fetched up front."""

    genes_by_id: dict[int, tuple[str, str, list]]
    genes_by_ncbi: dict[int, list[int]]
    approved_by_symbol: dict[str, int]
    withdrawn_by_symbol: dict[str, list[int]]
    previous: dict[str, set[int]]
    alias: dict[str, set[int]]
    curated: dict[str, int]


def _load_lookups(
    hgnc_ids: set[int], ncbi_ids: set[int], symbols: set[str], source: str | None
) -> _Lookups:
    genes_by_id: dict[int, tuple[str, str, list]] = {}
    for batch in _chunks(hgnc_ids):
        for gene_id, status, symbol, merged in Gene.objects.filter(hgnc_id__in=batch).values_list(
            "hgnc_id", "status", "symbol", "merged_into"
        ):
            genes_by_id[gene_id] = (status, symbol, merged or [])
    genes_by_ncbi: dict[int, list[int]] = defaultdict(list)
    for batch in _chunks(ncbi_ids):
        rows = (
            Gene.objects.approved().filter(entrez_id__in=batch).values_list("entrez_id", "hgnc_id")
        )
        for entrez_id, gene_id in rows:
            genes_by_ncbi[entrez_id].append(gene_id)
    approved_by_symbol: dict[str, int] = {}
    withdrawn_by_symbol: dict[str, list[int]] = defaultdict(list)
    previous: dict[str, set[int]] = defaultdict(set)
    alias: dict[str, set[int]] = defaultdict(set)
    curated: dict[str, int] = {}
    symbol_rows: list[tuple[str, str, int]] = []
    for batch in _chunks(symbols):
        gene_rows = (
            Gene.objects.annotate(symbol_upper=Upper("symbol"))
            .filter(symbol_upper__in=batch)
            .values_list("symbol_upper", "hgnc_id", "status")
        )
        for symbol_upper, gene_id, status in gene_rows:
            if status == GeneStatus.APPROVED:
                approved_by_symbol[symbol_upper] = gene_id
            else:
                withdrawn_by_symbol[symbol_upper].append(gene_id)
        symbol_rows.extend(
            GeneSymbol.objects.filter(symbol_upper__in=batch).values_list(
                "symbol_upper", "kind", "gene_id"
            )
        )
        mapping_rows = CuratedSymbolMapping.objects.filter(raw_symbol_upper__in=batch).filter(
            Q(source="") | Q(source=source or "")
        )
        for raw_upper, mapped_source, gene_id in mapping_rows.values_list(
            "raw_symbol_upper", "source", "gene_id"
        ):
            if mapped_source or raw_upper not in curated:
                curated[raw_upper] = gene_id
    # Symbols of withdrawn genes are dropped here rather than by a join, whose plan SQLite
    # gets badly wrong (one probe of the symbol list per gene).
    approved_ids: set[int] = set()
    for batch in _chunks({gene_id for _, _, gene_id in symbol_rows}):
        approved_ids.update(
            Gene.objects.approved().filter(hgnc_id__in=batch).values_list("hgnc_id", flat=True)
        )
    for symbol_upper, kind, gene_id in symbol_rows:
        if gene_id in approved_ids:
            (previous if kind == SymbolKind.PREVIOUS else alias)[symbol_upper].add(gene_id)
    return _Lookups(
        genes_by_id,
        genes_by_ncbi,
        approved_by_symbol,
        withdrawn_by_symbol,
        previous,
        alias,
        curated,
    )


def _resolve_one(query: SymbolQuery, cleaned: str | None, lookups: _Lookups) -> NormalisationResult:
    key = cleaned or ""
    notes: list[str] = []

    def resolved(gene_id: int, matched_by: str) -> NormalisationResult:
        return NormalisationResult(query, Outcome.RESOLVED, gene_id, matched_by, key)

    if cleaned and cleaned in lookups.curated:
        return resolved(lookups.curated[cleaned], "curated")

    hgnc_id = parse_hgnc_id(query.hgnc_id)
    withdrawn_hit: int | None = None
    if query.hgnc_id not in (None, "") and hgnc_id is None:
        notes.append(f"HGNC id {query.hgnc_id!r} is malformed")
    elif hgnc_id is not None:
        gene = lookups.genes_by_id.get(hgnc_id)
        if gene is None:
            notes.append(f"HGNC:{hgnc_id} is not in the loaded HGNC set")
        elif gene[0] == GeneStatus.APPROVED:
            return resolved(hgnc_id, "hgnc_id")
        else:
            merged = [
                target
                for target in gene[2]
                if lookups.genes_by_id.get(target, ("",))[0] == GeneStatus.APPROVED
            ]
            if len(gene[2]) == 1 and merged:
                return resolved(merged[0], "hgnc_id")
            withdrawn_hit = hgnc_id
            notes.append(f"HGNC:{hgnc_id} ({gene[1]}) is withdrawn")

    ncbi_id = parse_ncbi_id(query.ncbi_id)
    if ncbi_id is not None:
        matches = lookups.genes_by_ncbi.get(ncbi_id, [])
        if len(matches) == 1:
            return resolved(matches[0], "ncbi_id")
        notes.append(f"NCBI gene {ncbi_id} matches {len(matches)} approved genes")
    elif query.ncbi_id not in (None, ""):
        notes.append(f"NCBI gene id {query.ncbi_id!r} is malformed")

    if cleaned is None:
        if withdrawn_hit:
            return NormalisationResult(
                query, Outcome.WITHDRAWN, None, "", "", (withdrawn_hit,), "; ".join(notes)
            )
        outcome = Outcome.INVALID_ID if notes else Outcome.JUNK
        reason = "; ".join([f"{query.symbol!r} is not a gene symbol", *notes])
        return NormalisationResult(query, outcome, reason=reason)

    if cleaned in lookups.approved_by_symbol:
        return resolved(lookups.approved_by_symbol[cleaned], "approved")
    for kind, table in (("previous", lookups.previous), ("alias", lookups.alias)):
        matches = table.get(cleaned, set())
        if len(matches) == 1:
            return resolved(next(iter(matches)), kind)
        if len(matches) > 1:
            reason = f"{kind} symbol {cleaned} belongs to {len(matches)} genes"
            return NormalisationResult(
                query, Outcome.AMBIGUOUS, None, "", key, tuple(sorted(matches)), reason
            )
    if withdrawn_hit or cleaned in lookups.withdrawn_by_symbol:
        candidates = (
            (withdrawn_hit,) if withdrawn_hit else tuple(lookups.withdrawn_by_symbol[cleaned])
        )
        notes.append(f"{cleaned} is a withdrawn HGNC symbol")
        return NormalisationResult(
            query, Outcome.WITHDRAWN, None, "", key, candidates, "; ".join(notes)
        )
    notes.insert(0, f"{cleaned} is not an approved, previous or alias HGNC symbol")
    outcome = Outcome.INVALID_ID if hgnc_id is not None or ncbi_id is not None else Outcome.UNKNOWN
    return NormalisationResult(query, outcome, None, "", key, (), "; ".join(notes))


def normalise_symbols(
    queries: Iterable[SymbolQuery], *, source: str | None = None
) -> list[NormalisationResult]:
    """Resolve a batch of symbols (with optional ids) in input order, set-based."""
    query_list = list(queries)
    cleaned = [clean_symbol(query.symbol) for query in query_list]
    hgnc_ids = {parse_hgnc_id(query.hgnc_id) for query in query_list} - {None}
    ncbi_ids = {parse_ncbi_id(query.ncbi_id) for query in query_list} - {None}
    symbols = {symbol for symbol in cleaned if symbol}
    lookups = _load_lookups(hgnc_ids, ncbi_ids, symbols, source)
    merged_targets = {
        target
        for status, _symbol, merged in lookups.genes_by_id.values()
        for target in merged
        if status != GeneStatus.APPROVED and target not in lookups.genes_by_id
    }
    if merged_targets:
        for gene_id, status, symbol in Gene.objects.filter(hgnc_id__in=merged_targets).values_list(
            "hgnc_id", "status", "symbol"
        ):
            lookups.genes_by_id[gene_id] = (status, symbol, [])
    return [
        _resolve_one(query, symbol, lookups)
        for query, symbol in zip(query_list, cleaned, strict=True)
    ]


def normalise_symbol(
    symbol: str,
    *,
    hgnc_id: str | int | None = None,
    ncbi_id: str | int | None = None,
    source: str | None = None,
) -> NormalisationResult:
    """Convenience wrapper for one symbol (the API's resolve endpoint, the admin)."""
    return normalise_symbols([SymbolQuery(symbol, hgnc_id, ncbi_id)], source=source)[0]
