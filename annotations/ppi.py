"""The STRING PPI score of each gene, from stored interactions and current evidence scores.

ppi(g) = Σ over partners p (combined_score(g, p) / 1000 × evidence score(p)) / √degree(g),
degree counting the stored interactions (score ≥ the configured minimum) of g. Genes without
an evidence score contribute 0 as partners. The percentile is the share of genes with an
interaction whose PPI score is at or below the gene's, in percent.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict

from django.utils import timezone

from annotations.loaders.base import insert_rows
from annotations.models import GeneInteraction, GenePPIScore
from genes.models import GeneScore


def mid_rank(ordered: list[float], value: float) -> float:
    """Values below `value` plus half of those equal to it, in a sorted list."""
    below = bisect_left(ordered, value)
    return below + (bisect_right(ordered, value) - below) / 2


def compute_ppi_scores(
    edges: list[tuple[int, int, int]], evidence: dict[int, float]
) -> dict[int, tuple[float, float, int]]:
    """gene → (ppi score, percentile, degree) for every gene on at least one edge."""
    weighted: dict[int, float] = defaultdict(float)
    degree: dict[int, int] = defaultdict(int)
    for gene_a, gene_b, combined in edges:
        weight = combined / 1000
        weighted[gene_a] += weight * evidence.get(gene_b, 0.0)
        weighted[gene_b] += weight * evidence.get(gene_a, 0.0)
        degree[gene_a] += 1
        degree[gene_b] += 1
    scores = {gene: weighted[gene] / math.sqrt(degree[gene]) for gene in degree}
    ordered = sorted(scores.values())
    total = len(ordered)
    return {
        gene: (score, 100.0 * mid_rank(ordered, score) / total, degree[gene])
        for gene, score in scores.items()
    }


def ppi_scores_write(*, source_version: str = "") -> int:
    """Recompute and replace every GenePPIScore; call inside the caller's transaction."""
    edges = list(GeneInteraction.objects.values_list("gene_a_id", "gene_b_id", "combined_score"))
    evidence = {
        gene_id: score or 0.0
        for gene_id, score in GeneScore.objects.values_list("gene_id", "score")
    }
    if not source_version:
        source_version = GenePPIScore.objects.values_list("source_version", flat=True).first() or ""
    results = compute_ppi_scores(edges, evidence)
    GenePPIScore.objects.all().delete()
    now = timezone.now()
    insert_rows(
        GenePPIScore,
        ["gene", "ppi_score", "percentile", "degree", "source_version", "computed_at"],
        (
            (gene_id, round(score, 6), round(percentile, 3), degree, source_version, now)
            for gene_id, (score, percentile, degree) in results.items()
        ),
    )
    return len(results)
