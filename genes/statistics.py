"""Aggregate views of the evidence and scores: source overlaps, distributions, summary totals.

Each function runs a fixed number of set-based queries whatever the number of genes; the
overlap bitmask is computed per gene inside the database.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Max, Q, Sum, Value, When
from django.db.models.functions import Floor

from genes.config import CLASSIFICATION_SOURCES as CONFIG_CLASSIFICATION_SOURCES
from genes.config import COUNT_SOURCES
from genes.models import Evidence, GeneScore, Tier
from genes.sources import source_keys, source_label

# The count each source's score ranks (defined with the scoring rules).
SOURCE_COUNT_COLUMNS = {str(source.key): source.score_field for source in COUNT_SOURCES}
CLASSIFICATION_SOURCES = tuple(str(key) for key in CONFIG_CLASSIFICATION_SOURCES)
SCORE_BIN_WIDTH = 10
MAX_EVIDENCE_COUNT = 5


def _source_bits() -> dict[str, int]:
    """One bit per registered source, in display order, for the set-membership masks."""
    return {source: 1 << index for index, source in enumerate(source_keys())}


def _mask_expression() -> Sum:
    whens = [When(source=source, then=Value(bit)) for source, bit in _source_bits().items()]
    return Sum(Case(*whens, default=Value(0), output_field=IntegerField()))


def sources_of_mask(mask: int) -> list[str]:
    return [source for source, bit in _source_bits().items() if mask & bit]


def _set_sizes(mask_counts: dict[int, int]) -> list[dict[str, Any]]:
    bits = _source_bits()
    sizes = {source: 0 for source in bits}
    for mask, count in mask_counts.items():
        for source in sources_of_mask(mask):
            sizes[source] += count
    return [
        {"key": source, "label": source_label(source), "bit": bits[source], "size": size}
        for source, size in sizes.items()
    ]


def source_overlaps(*, with_genes: bool = False) -> dict[str, Any]:
    """UpSet-style intersections: genes per exact combination of sources with evidence.

    One query: the per-gene bitmask is summed in SQL (one evidence row per gene and source,
    so the sum is the bitwise OR) and grouped by mask there; `with_genes` instead returns the
    per-gene rows (still one query) so each intersection can list its symbols.
    """
    per_gene = Evidence.objects.values("gene_id").annotate(mask=_mask_expression())
    genes_by_mask: dict[int, list[str]] = defaultdict(list)
    if with_genes:
        rows = per_gene.values("gene__symbol", "mask").order_by("gene__symbol")
        for row in rows:
            genes_by_mask[row["mask"]].append(row["gene__symbol"])
        mask_counts = {mask: len(symbols) for mask, symbols in genes_by_mask.items()}
    else:
        sql, params = per_gene.order_by().query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT mask, COUNT(*) FROM ({sql}) per_gene GROUP BY mask",  # noqa: S608
                params,
            )
            mask_counts = {int(mask): count for mask, count in cursor.fetchall()}
    intersections = []
    for mask, count in sorted(mask_counts.items(), key=lambda item: (-item[1], item[0])):
        entry: dict[str, Any] = {"mask": mask, "sources": sources_of_mask(mask), "size": count}
        if with_genes:
            entry["genes"] = genes_by_mask[mask]
        intersections.append(entry)
    return {
        "sets": _set_sizes(mask_counts),
        "intersections": intersections,
        "total_genes": sum(mask_counts.values()),
    }


def _count_histograms() -> dict[str, list[dict[str, int]]]:
    whens = [When(source=source, then=F(column)) for source, column in SOURCE_COUNT_COLUMNS.items()]
    rows = (
        Evidence.objects.filter(source__in=list(SOURCE_COUNT_COLUMNS))
        .annotate(value=Case(*whens, output_field=IntegerField()))
        .values("source", "value")
        .annotate(genes=Count("id"))
        .order_by("source", "value")
    )
    histograms: dict[str, list[dict[str, int]]] = {source: [] for source in SOURCE_COUNT_COLUMNS}
    for row in rows:
        if row["value"] is not None:
            histograms[row["source"]].append({"value": row["value"], "genes": row["genes"]})
    return histograms


def _classification_counts() -> dict[str, list[dict[str, Any]]]:
    rows = (
        Evidence.objects.filter(source__in=CLASSIFICATION_SOURCES)
        .values("source", "classification")
        .annotate(genes=Count("id"))
        .order_by("source", "-genes", "classification")
    )
    counts: dict[str, list[dict[str, Any]]] = {source: [] for source in CLASSIFICATION_SOURCES}
    for row in rows:
        counts[row["source"]].append(
            {"classification": row["classification"], "genes": row["genes"]}
        )
    return counts


def _score_histogram() -> list[dict[str, Any]]:
    bins = {index: 0 for index in range(100 // SCORE_BIN_WIDTH)}
    rows = (
        GeneScore.objects.annotate(bin=Floor(F("score") / SCORE_BIN_WIDTH))
        .values("bin")
        .annotate(genes=Count("pk"))
        .order_by()
    )
    for row in rows:
        index = min(max(int(row["bin"]), 0), len(bins) - 1)
        bins[index] += row["genes"]
    return [
        {"min": index * SCORE_BIN_WIDTH, "max": (index + 1) * SCORE_BIN_WIDTH, "genes": genes}
        for index, genes in bins.items()
    ]


def distributions() -> dict[str, Any]:
    """Per-source count histograms, ClinGen/GenCC classification counts, score histogram."""
    return {
        "source_counts": _count_histograms(),
        "classifications": _classification_counts(),
        "scores": _score_histogram(),
    }


def summary() -> dict[str, Any]:
    """Totals per tier and per classic evidence count, in one aggregate query."""
    aggregates: dict[str, Any] = {
        "total": Count("pk"),
        "high_evidence": Count("pk", filter=Q(high_evidence=True)),
        "data_version": Max("data_version"),
        "computed_at": Max("computed_at"),
    }
    for tier in Tier:
        aggregates[f"tier_{tier.value}"] = Count("pk", filter=Q(tier=tier.value))
    for count in range(MAX_EVIDENCE_COUNT + 1):
        aggregates[f"evidence_{count}"] = Count("pk", filter=Q(evidence_count=count))
    result = GeneScore.objects.aggregate(**aggregates)
    return {
        "genes_scored": result["total"],
        "high_evidence": result["high_evidence"],
        "data_version": result["data_version"],
        "computed_at": result["computed_at"],
        "tiers": [
            {"tier": tier.value, "label": tier.label, "genes": result[f"tier_{tier.value}"]}
            for tier in Tier
        ],
        "evidence_counts": [
            {"evidence_count": count, "genes": result[f"evidence_{count}"]}
            for count in range(MAX_EVIDENCE_COUNT + 1)
        ],
    }
