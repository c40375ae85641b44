"""Curated list uploads (Literature, Diagnostic panels): preview, commit, undo.

Parsing a file into rows is the source class's job (`parse_rows(file_name, content)`); this
module maps the rows to genes, keeps them as `UploadedEntry` rows and rebuilds the source's
evidence from the active entries. The unit of merge/replace/undo is the group: the provider for
diagnostic panels, the PMID for literature.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from genes.normalise import Outcome, SymbolQuery, normalise_symbols
from genes.services import evidence_replace_for_source
from pipeline.models import (
    RunStatus,
    SourceRun,
    SourceUpload,
    StagedReason,
    UploadedEntry,
    UploadMode,
    UploadStatus,
)
from pipeline.services.evidence import (
    StagedGroup,
    scores_recompute_logged,
    staged_key,
    staged_records_upsert,
    summaries_build,
)
from pipeline.shrink import upload_hold, upload_replace_shrink
from pipeline.sources.base import SourceFormatError, SourceRecord
from pipeline.sources.registry import is_upload_source, source_class, upload_source_keys


class UploadError(Exception):
    """The file cannot be committed; the message lists the problems with row numbers."""


class UploadHeldError(UploadError):
    """A replace would drop most of a provider's rows: held for confirmation, nothing changed."""

    def __init__(self, run: SourceRun) -> None:
        super().__init__(run.message)
        self.run = run


@dataclass
class UploadRow:
    line: int | None
    symbol: str
    hgnc_id: str
    group_key: str
    item_key: str
    gene_id: int | None
    outcome: str
    reason: str
    symbol_key: str
    data: dict[str, Any]


@dataclass
class UploadPreview:
    source: str
    file_name: str
    sha256: str
    rows: list[UploadRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def mapped(self) -> list[UploadRow]:
        return [row for row in self.rows if row.gene_id is not None]

    @property
    def unmapped(self) -> list[UploadRow]:
        return [row for row in self.rows if row.gene_id is None]

    @property
    def group_keys(self) -> list[str]:
        return sorted({row.group_key for row in self.rows})


def _parse(source: str, file_name: str, content: bytes) -> list[SourceRecord]:
    if not is_upload_source(source):
        known = ", ".join(upload_source_keys())
        raise UploadError(f"{source!r} is not an upload source ({known})")
    cls = source_class(source)
    parse_rows = getattr(cls, "parse_rows", None)
    if parse_rows is None:
        raise UploadError(f"{cls.__name__} cannot parse uploaded rows")
    return list(parse_rows(file_name, content))


def upload_preview(*, source: str, file_name: str, content: bytes) -> UploadPreview:
    """What committing this file would do: rows, mapped/unmapped, errors. Writes nothing."""
    preview = UploadPreview(source, file_name, hashlib.sha256(content).hexdigest())
    try:
        records = _parse(source, file_name, content)
    except SourceFormatError as error:
        preview.errors.append(str(error))
        return preview
    if not records:
        preview.errors.append(f"{file_name}: no data rows")
        return preview
    source_cls = source_class(source)
    group_field, item_field = source_cls.group_field, source_cls.item_field
    queries = [SymbolQuery(r.symbol or "", r.hgnc_id or None) for r in records]
    distinct = list(dict.fromkeys(queries))
    results = dict(zip(distinct, normalise_symbols(distinct, source=source), strict=True))
    for index, (record, query) in enumerate(zip(records, queries, strict=True), start=1):
        line = record.data.get("line") or record.data.get("row") or index
        group_key = str(record.data.get(group_field) or "").strip()
        if not group_key:
            preview.errors.append(f"{file_name}: row {line}: no {group_field}")
            continue
        result = results[query]
        resolved = result.outcome == Outcome.RESOLVED
        preview.rows.append(
            UploadRow(
                line=line, symbol=str(record.symbol or ""), hgnc_id=str(record.hgnc_id or ""),
                group_key=group_key[:256],
                item_key=str(record.data.get(item_field) or group_key)[:512],
                gene_id=result.gene_id if resolved else None, outcome=str(result.outcome),
                reason=result.reason, symbol_key=staged_key(record.symbol, result.cleaned),
                data=record.data,
            )
        )  # fmt: skip
    return preview


def upload_commit(
    *,
    source: str,
    file_name: str,
    content: bytes,
    mode: str = UploadMode.MERGE,
    user: Any = None,
    accept_shrink: bool = False,
    run: SourceRun | None = None,
    note: str = "",
) -> SourceUpload:
    """Commit a previewed file: entries, staging, evidence rebuilt, scores recomputed.

    A replace that would drop more than UPLOAD_REPLACE_MAX_DROP_PERCENT of a provider's (or
    publication's) active rows is held (UploadHeldError, nothing changed) unless
    `accept_shrink`; confirming the held run (pipeline.shrink) commits it into that `run`.
    """
    if mode not in UploadMode.values:
        raise UploadError(f"mode must be one of {', '.join(UploadMode.values)}")
    preview = upload_preview(source=source, file_name=file_name, content=content)
    if preview.errors:
        raise UploadError("; ".join(preview.errors[:20]))
    if mode == UploadMode.REPLACE and not accept_shrink:
        rows = Counter(row.group_key for row in preview.rows)
        shrinks = upload_replace_shrink(source, dict(rows))
        if shrinks:
            held = upload_hold(
                source=source, file_name=file_name, content=content, mode=mode, user=user,
                shrinks=shrinks,
            )  # fmt: skip
            raise UploadHeldError(held)
    return _upload_apply(preview, mode=mode, user=user, run=run, note=note)


@transaction.atomic
def _upload_apply(
    preview: UploadPreview, *, mode: str, user: Any, run: SourceRun | None, note: str
) -> SourceUpload:
    source, file_name = preview.source, preview.file_name
    if run is None:
        run = _upload_run_start(source, user)
    else:
        run.status, run.phase = RunStatus.RUNNING, "write"
        run.save(update_fields=["status", "phase"])
    upload = SourceUpload.objects.create(
        source=source, file_name=file_name[:512], sha256=preview.sha256, mode=mode,
        uploaded_by=user, row_count=len(preview.rows), mapped_count=len(preview.mapped),
        staged_count=len(preview.unmapped), group_keys=preview.group_keys, run=run,
    )  # fmt: skip
    if mode == UploadMode.REPLACE:
        UploadedEntry.objects.filter(
            source=source, group_key__in=preview.group_keys, active=True
        ).update(active=False)
    UploadedEntry.objects.bulk_create(
        [
            UploadedEntry(
                upload=upload, source=source, group_key=row.group_key, item_key=row.item_key,
                gene_id=row.gene_id, raw_symbol=row.symbol[:256], raw_hgnc_id=row.hgnc_id[:32],
                data={**row.data, "symbol_key": row.symbol_key},
            )
            for row in preview.rows
        ],
        batch_size=2000,
    )  # fmt: skip
    staged = staged_records_upsert(source=source, groups=_staged_groups(preview), run=run)
    genes = upload_evidence_rebuild(source=source, run_id=run.pk)
    message = f"{file_name} ({mode}) committed" + (f"; {note}" if note else "")
    _upload_run_finish(run, records=len(preview.rows), genes=genes, staged=staged, message=message)
    return upload


def _staged_groups(preview: UploadPreview) -> dict[str, StagedGroup]:
    groups: dict[str, StagedGroup] = {}
    for row in preview.unmapped:
        group = groups.get(row.symbol_key)
        if group is None:
            reason = row.outcome if row.outcome in StagedReason.values else StagedReason.UNKNOWN
            group = groups[row.symbol_key] = StagedGroup(
                raw_symbol=row.symbol[:256], raw_hgnc_id=row.hgnc_id[:32], raw_ncbi_id="",
                reason=reason, detail=row.reason[:512], candidates=(),
            )  # fmt: skip
        group.records.append(row.data)
    return groups


@transaction.atomic
def upload_undo(*, source: str, group_key: str, user: Any = None) -> int:
    """Withdraw every active entry of one provider/publication; returns how many."""
    entries = UploadedEntry.objects.filter(source=source, group_key=group_key, active=True)
    upload_ids = set(entries.values_list("upload_id", flat=True))
    withdrawn = entries.update(active=False)
    if not withdrawn:
        raise UploadError(f"{source}: nothing active to undo for {group_key!r}")
    still_active = set(
        UploadedEntry.objects.filter(upload_id__in=upload_ids, active=True).values_list(
            "upload_id", flat=True
        )
    )
    SourceUpload.objects.filter(pk__in=upload_ids - still_active).update(status=UploadStatus.UNDONE)
    run = _upload_run_start(source, user)
    genes = upload_evidence_rebuild(source=source, run_id=run.pk)
    _upload_run_finish(run, records=withdrawn, genes=genes, staged=0,
                       message=f"undo of {group_key} ({withdrawn} entries)")  # fmt: skip
    return withdrawn


def upload_evidence_rebuild(*, source: str, run_id: int | None = None) -> int:
    """Rebuild the source's evidence from its active, mapped entries (two queries + writes)."""
    resolved: dict[int, list[dict[str, Any]]] = defaultdict(list)
    rows = UploadedEntry.objects.filter(source=source, active=True, gene__isnull=False)
    for gene_id, data in rows.values_list("gene_id", "data").order_by("gene_id", "pk"):
        resolved[gene_id].append(data)
    summaries = summaries_build(source_class(source), dict(resolved))
    version = f"uploads {timezone.now():%Y-%m-%d}"
    return evidence_replace_for_source(
        source=source, summaries=summaries, version=version, run_id=run_id
    )


def _upload_run_start(source: str, user: Any) -> SourceRun:
    return SourceRun.objects.create(
        source=source, mode="file", status=RunStatus.RUNNING, started_at=timezone.now(),
        triggered_by=user, phase="write",
    )  # fmt: skip


def _upload_run_finish(run: SourceRun, *, records: int, genes: int, staged: int, message: str):
    log = [message]
    scores_recompute_logged(log)
    run.record_count, run.gene_count, run.staged_count = records, genes, staged
    run.status, run.finished_at, run.phase = RunStatus.COMPLETED, timezone.now(), "done"
    run.message, run.log = message[:512], "\n".join(log)
    run.save()
