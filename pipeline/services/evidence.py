"""Set-based building blocks of a run: normalise a batch, summarise per gene, write staged
records. Every function here works on the whole batch with a fixed number of queries; the
evidence rows themselves are written by `genes.services`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from genes import scoring
from genes.normalise import Outcome, SymbolQuery, normalise_symbols
from pipeline.models import SourceRun, StagedReason, StagedRecord
from pipeline.sources.base import EvidenceSource, EvidenceSummary, SourceRecord

BATCH_SIZE = 2000
KEY_LENGTH = 256


@dataclass
class StagedGroup:
    """All records of one source that share an unresolvable symbol."""

    raw_symbol: str
    raw_hgnc_id: str
    raw_ncbi_id: str
    reason: str
    detail: str
    candidates: tuple[int, ...]
    records: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RecordGroups:
    resolved: dict[int, list[dict[str, Any]]]
    unresolved: dict[str, StagedGroup]


def _query_of(record: SourceRecord) -> SymbolQuery:
    return SymbolQuery(
        str(record.symbol or ""),
        str(record.hgnc_id) if record.hgnc_id not in (None, "") else None,
        str(record.ncbi_id) if record.ncbi_id not in (None, "") else None,
    )


def staged_key(raw_symbol: str, cleaned: str) -> str:
    """The staging key: the cleaned symbol, or the raw text upper-cased when it is junk."""
    key = cleaned or " ".join(str(raw_symbol).split()).upper() or "(EMPTY)"
    return key[:KEY_LENGTH]


def records_group(records: list[SourceRecord], *, source: str) -> RecordGroups:
    """Normalise every record in one call (distinct queries only) and group the outcome."""
    distinct = list(dict.fromkeys(_query_of(record) for record in records))
    results = dict(zip(distinct, normalise_symbols(distinct, source=source), strict=True))
    resolved: dict[int, list[dict[str, Any]]] = defaultdict(list)
    unresolved: dict[str, StagedGroup] = {}
    for record in records:
        result = results[_query_of(record)]
        if result.outcome == Outcome.RESOLVED and result.gene_id is not None:
            resolved[result.gene_id].append(record.data)
            continue
        key = staged_key(record.symbol, result.cleaned)
        group = unresolved.get(key)
        if group is None:
            reason = str(result.outcome)
            if reason not in StagedReason.values:
                reason = StagedReason.UNKNOWN
            group = unresolved[key] = StagedGroup(
                raw_symbol=str(record.symbol or "")[:KEY_LENGTH],
                raw_hgnc_id=str(record.hgnc_id or "")[:32],
                raw_ncbi_id=str(record.ncbi_id or "")[:32],
                reason=reason,
                detail=result.reason[:512],
                candidates=tuple(result.candidates),
            )
        group.records.append(record.data)
    return RecordGroups(resolved=dict(resolved), unresolved=unresolved)


def summaries_build(
    cls: type[EvidenceSource], resolved: dict[int, list[dict[str, Any]]]
) -> dict[int, EvidenceSummary]:
    """One summary per gene; the raw records go into details unless the summary keeps them."""
    summaries = {}
    for gene_id, records in resolved.items():
        summary = cls.summarise(records)
        if not cls.records_from_details(summary.details):
            summary.details = {**summary.details, "records": records}
        summaries[gene_id] = summary
    return summaries


def scores_recompute_logged(log: list[str]) -> None:
    """Recompute every gene's score (genes.scoring) and say so in the run's log."""
    scoring.scores_recompute()
    log.append("scores recomputed")


def staged_records_upsert(
    *, source: str, groups: dict[str, StagedGroup], run: SourceRun | None
) -> int:
    """Create or refresh one StagedRecord per (source, key); a re-run never duplicates."""
    if not groups:
        return 0
    now = timezone.now()
    existing = {
        record.raw_symbol_key: record
        for record in StagedRecord.objects.filter(source=source, raw_symbol_key__in=list(groups))
    }
    to_create, to_update = [], []
    for key, group in groups.items():
        values = {
            "raw_symbol": group.raw_symbol,
            "raw_hgnc_id": group.raw_hgnc_id,
            "raw_ncbi_id": group.raw_ncbi_id,
            "reason": group.reason,
            "detail": group.detail,
            "payload": _payload(group),
            "run": run,
            "last_seen_at": now,
        }
        record = existing.get(key)
        if record is None:
            to_create.append(StagedRecord(source=source, raw_symbol_key=key, **values))
        else:
            for name, value in values.items():
                setattr(record, name, value)
            to_update.append(record)
    StagedRecord.objects.bulk_create(to_create, batch_size=BATCH_SIZE)
    StagedRecord.objects.bulk_update(
        to_update,
        [
            "raw_symbol",
            "raw_hgnc_id",
            "raw_ncbi_id",
            "reason",
            "detail",
            "payload",
            "run",
            "last_seen_at",
        ],
        batch_size=BATCH_SIZE,
    )
    _candidates_replace(source, groups)
    return len(groups)


def _payload(group: StagedGroup) -> dict[str, Any]:
    return {
        "symbol": group.raw_symbol,
        "hgnc_id": group.raw_hgnc_id,
        "ncbi_id": group.raw_ncbi_id,
        "records": group.records,
    }


def _candidates_replace(source: str, groups: dict[str, StagedGroup]) -> None:
    ids = dict(
        StagedRecord.objects.filter(source=source, raw_symbol_key__in=list(groups)).values_list(
            "raw_symbol_key", "pk"
        )
    )
    through = StagedRecord.candidates.through
    through.objects.filter(stagedrecord_id__in=list(ids.values())).delete()
    through.objects.bulk_create(
        [
            through(stagedrecord_id=ids[key], gene_id=gene_id)
            for key, group in groups.items()
            for gene_id in dict.fromkeys(group.candidates)
        ],
        batch_size=BATCH_SIZE,
    )
