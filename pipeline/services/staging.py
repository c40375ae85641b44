"""Curator review of staged records: map one to a gene (its evidence is added and the mapping
remembered for later runs) or reject it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from genes import scoring
from genes.models import Evidence, Gene
from genes.services import evidence_update_for_gene, symbol_mapping_remember
from pipeline.models import ReviewStatus, StagedRecord, UploadedEntry
from pipeline.services.evidence import summaries_build
from pipeline.services.uploads import upload_evidence_rebuild
from pipeline.sources.base import EvidenceSummary
from pipeline.sources.registry import is_upload_source, source_class


@transaction.atomic
def staged_record_map(*, record: StagedRecord, gene: Gene, user: Any = None) -> Evidence:
    """Attach a staged record's evidence to `gene` and remember the mapping for future runs."""
    if is_upload_source(record.source):
        return _staged_upload_map(record=record, gene=gene, user=user)
    cls = source_class(record.source)
    staged = list(record.payload.get("records") or [])

    def merged(details: dict[str, Any] | None) -> EvidenceSummary:
        previous = cls.records_from_details(details) if details is not None else []
        records = previous + staged
        return summaries_build(cls, {gene.pk: records})[gene.pk]

    evidence = evidence_update_for_gene(
        gene=gene, source=record.source, build=merged, run_id=record.run_id
    )
    _mapping_remember(record=record, gene=gene, user=user)
    return evidence


def _staged_upload_map(*, record: StagedRecord, gene: Gene, user: Any) -> Evidence:
    """Upload sources keep their rows as entries: point the entries at the gene and rebuild."""
    UploadedEntry.objects.filter(
        source=record.source, gene__isnull=True, data__symbol_key=record.raw_symbol_key
    ).update(gene=gene)
    upload_evidence_rebuild(source=record.source, run_id=record.run_id)
    _mapping_remember(record=record, gene=gene, user=user)
    return Evidence.objects.get(gene=gene, source=record.source)


def _mapping_remember(*, record: StagedRecord, gene: Gene, user: Any) -> None:
    symbol_mapping_remember(
        source=record.source,
        raw_symbol=record.raw_symbol,
        raw_symbol_key=record.raw_symbol_key,
        gene=gene,
        user=user,
    )
    record.review_status, record.mapped_gene = ReviewStatus.MAPPED, gene
    record.reviewed_by, record.reviewed_at = user, timezone.now()
    record.save(update_fields=["review_status", "mapped_gene", "reviewed_by", "reviewed_at"])
    scoring.scores_recompute()


def staged_record_reject(*, record: StagedRecord, user: Any = None) -> StagedRecord:
    """Mark a staged record as not a gene worth mapping; later runs keep it rejected."""
    record.review_status, record.mapped_gene = ReviewStatus.REJECTED, None
    record.reviewed_by, record.reviewed_at = user, timezone.now()
    record.save(update_fields=["review_status", "mapped_gene", "reviewed_by", "reviewed_at"])
    return record
