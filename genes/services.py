"""Writes of the genes app that other apps ask for: evidence rows and curated symbol mappings.

`genes` owns `Evidence` and `CuratedSymbolMapping`; the pipeline computes what a source says
about each gene and hands it here, so the rules of writing those rows (one row per gene and
source, the typed columns, the version length) live in one place. Callers run these inside
their own transaction where several writes must succeed together.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from django.db import transaction

from genes.models import EVIDENCE_SUMMARY_FIELDS, CuratedSymbolMapping, Evidence, Gene

BATCH_SIZE = 2000
VERSION_LENGTH = 128


class EvidenceValues(Protocol):
    """What one source says about one gene: `details` plus the EVIDENCE_SUMMARY_FIELDS."""

    details: dict[str, Any]


def _columns(values: EvidenceValues) -> dict[str, Any]:
    columns = {name: getattr(values, name) for name in EVIDENCE_SUMMARY_FIELDS}
    if columns["classification"] is None:
        columns["classification"] = ""
    return {"details": values.details, **columns}


def evidence_replace_for_source(
    *, source: str, summaries: dict[int, EvidenceValues], version: str, run_id: int | None
) -> int:
    """Replace every Evidence row of `source` with one row per gene id; returns the count.

    Call inside the run's transaction, so a failure keeps the previous evidence.
    """
    Evidence.objects.filter(source=source).delete()
    rows = [
        Evidence(
            gene_id=gene_id,
            source=source,
            source_version=version[:VERSION_LENGTH],
            run_id=run_id,
            **_columns(summary),
        )
        for gene_id, summary in summaries.items()
    ]
    Evidence.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    return len(rows)


@transaction.atomic
def evidence_update_for_gene(
    *,
    gene: Gene,
    source: str,
    build: Callable[[dict[str, Any] | None], EvidenceValues],
    run_id: int | None,
) -> Evidence:
    """Write one gene's row of `source` from `build(details of the current row, or None)`.

    The current row is locked while `build` merges into it, so two curators mapping records to
    one gene at once both count.
    """
    existing = Evidence.objects.select_for_update().filter(gene=gene, source=source).first()
    values = build(existing.details if existing is not None else None)
    evidence, _ = Evidence.objects.update_or_create(
        gene=gene, source=source, defaults={**_columns(values), "run_id": run_id}
    )
    return evidence


def symbol_mapping_remember(
    *, source: str, raw_symbol: str, raw_symbol_key: str, gene: Gene, user: Any = None
) -> CuratedSymbolMapping:
    """Remember that `raw_symbol` from `source` means `gene`; normalisation honours it later."""
    mapping, _ = CuratedSymbolMapping.objects.update_or_create(
        source=source,
        raw_symbol_upper=raw_symbol_key,
        defaults={"raw_symbol": raw_symbol, "gene": gene, "created_by": user},
    )
    return mapping
