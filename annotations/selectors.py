"""Reads of the annotations app: per-gene summaries (gene page and detail), full annotations,
STRING neighbours and the network subgraph. Each runs a constant number of queries.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx
from django.db.models import Q
from django.db.models.functions import Upper

from annotations.config import annotation_setting, string_min_score
from annotations.models import (
    ClinVarSummary,
    GeneConstraint,
    GeneExpression,
    GeneInteraction,
    GenePhenotype,
    GenePhenotypeSummary,
    GenePPIScore,
)
from common.params import INT32_MAX, ascii_int
from genes.models import Gene, GeneScore

CONSTRAINT_FIELDS = ["pli", "loeuf", "lof_oe", "mis_z", "syn_z", "transcript", "source_version"]
CLINVAR_FIELDS = [
    "pathogenic_or_likely",
    "pathogenic",
    "likely_pathogenic",
    "uncertain",
    "likely_benign",
    "benign",
    "conflicting",
    "total",
    "counted_from",
    "source_version",
]


def gene_resolve(identifier: str) -> Gene | None:
    """A gene by `HGNC:n`, a bare HGNC number, or its symbol (case-insensitive)."""
    value = identifier.strip()
    number = value[5:] if value.upper().startswith("HGNC:") else value
    hgnc_id = ascii_int(number, maximum=INT32_MAX)
    if hgnc_id is not None:
        return Gene.objects.filter(hgnc_id=hgnc_id).first()
    matches = Gene.objects.annotate(symbol_upper=Upper("symbol")).filter(symbol_upper=value.upper())
    return matches.order_by("status", "hgnc_id").first()


def gene_neighbours(gene_ids: list[int], *, limit: int | None = None) -> dict[int, list[dict]]:
    """The strongest STRING partners of each gene, strongest first, in one query."""
    limit = limit or annotation_setting("string_neighbour_count")
    ids = set(gene_ids)
    rows = GeneInteraction.objects.filter(Q(gene_a__in=ids) | Q(gene_b__in=ids)).values_list(
        "gene_a_id", "gene_a__symbol", "gene_b_id", "gene_b__symbol", "combined_score"
    )
    found: dict[int, list[dict]] = defaultdict(list)
    for a_id, a_symbol, b_id, b_symbol, score in rows:
        if a_id in ids:
            found[a_id].append({"hgnc_id": b_id, "symbol": b_symbol, "combined_score": score})
        if b_id in ids:
            found[b_id].append({"hgnc_id": a_id, "symbol": a_symbol, "combined_score": score})
    return {
        gene_id: sorted(partners, key=lambda p: (-p["combined_score"], p["symbol"]))[:limit]
        for gene_id, partners in found.items()
    }


def annotation_summaries(gene_ids: list[int]) -> dict[int, dict[str, Any]]:
    """A compact summary per gene (genes without any annotation are absent); six queries."""
    ids = list(gene_ids)
    summaries: dict[int, dict[str, Any]] = defaultdict(dict)
    for row in GeneConstraint.objects.filter(gene_id__in=ids).values("gene_id", "pli", "loeuf"):
        summaries[row.pop("gene_id")]["constraint"] = row
    clinvar = ClinVarSummary.objects.filter(gene_id__in=ids).values(
        "gene_id", "pathogenic_or_likely", "uncertain", "conflicting", "total"
    )
    for row in clinvar:
        summaries[row.pop("gene_id")]["clinvar"] = row
    expression = GeneExpression.objects.filter(gene_id__in=ids).values(
        "gene_id", "kidney_cortex_tpm", "kidney_medulla_tpm", "tau", "kidney_enrichment"
    )
    for row in expression:
        summaries[row.pop("gene_id")]["expression"] = row
    phenotypes = GenePhenotypeSummary.objects.filter(gene_id__in=ids).values(
        "gene_id",
        "phenotype_count",
        "kidney_phenotype_count",
        "extrarenal_phenotype_count",
        "syndromic",
        "syndromic_branches",
    )
    for row in phenotypes:
        summaries[row.pop("gene_id")]["phenotypes"] = row
    ppi = GenePPIScore.objects.filter(gene_id__in=ids).values(
        "gene_id", "ppi_score", "percentile", "degree"
    )
    for row in ppi:
        summaries[row.pop("gene_id")]["ppi"] = row
    for gene_id, partners in gene_neighbours(ids).items():
        summaries[gene_id]["neighbours"] = partners
    return dict(summaries)


def gene_annotations_get(gene: Gene) -> dict[str, Any]:
    """Everything the annotations app knows about one gene, for the API and the gene page."""
    constraint = GeneConstraint.objects.filter(gene=gene).values(*CONSTRAINT_FIELDS).first()
    expression = (
        GeneExpression.objects.filter(gene=gene)
        .values("kidney_cortex_tpm", "kidney_medulla_tpm", "tau", "kidney_enrichment", "tissues")
        .first()
    )
    phenotype_summary = (
        GenePhenotypeSummary.objects.filter(gene=gene)
        .values(
            "phenotype_count",
            "kidney_phenotype_count",
            "disease_count",
            "extrarenal_phenotype_count",
            "branch_counts",
            "syndromic",
            "syndromic_branches",
            "source_version",
        )
        .first()
    )
    phenotypes = list(
        GenePhenotype.objects.filter(gene=gene)
        .order_by("-is_kidney", "hpo_id")
        .values("hpo_id", "name", "is_kidney", "disease_ids", "frequencies")
    )
    return {
        "hgnc_id": gene.hgnc_curie,
        "symbol": gene.symbol,
        "constraint": constraint,
        "clinvar": ClinVarSummary.objects.filter(gene=gene).values(*CLINVAR_FIELDS).first(),
        "expression": expression,
        "phenotypes": {"summary": phenotype_summary, "terms": phenotypes},
        "ppi": GenePPIScore.objects.filter(gene=gene)
        .values("ppi_score", "percentile", "degree", "source_version")
        .first(),
        "neighbours": gene_neighbours([gene.hgnc_id]).get(gene.hgnc_id, []),
    }


def network_genes(
    *, symbols: list[str] | None = None, top: int | None = None
) -> tuple[list[int], list[str]]:
    """The gene ids a network is drawn for, and the requested symbols that matched nothing."""
    if symbols:
        wanted = {symbol.strip().upper() for symbol in symbols if symbol.strip()}
        rows = (
            Gene.objects.annotate(symbol_upper=Upper("symbol"))
            .filter(symbol_upper__in=wanted)
            .values_list("hgnc_id", "symbol_upper")
        )
        found = dict(rows)
        return list(found), sorted(wanted - set(found.values()))
    count = top or annotation_setting("network_default_top")
    ranked = GeneScore.objects.order_by("-score", "gene_id").values_list("gene_id", flat=True)
    return list(ranked[:count]), []


def network_get(
    *, symbols: list[str] | None = None, top: int | None = None, min_score: int | None = None
) -> dict[str, Any]:
    """The STRING subgraph of the chosen genes, with Louvain communities (fixed seed)."""
    if min_score is None:
        min_score = string_min_score()
    gene_ids, unknown = network_genes(symbols=symbols, top=top)
    nodes = {
        row["hgnc_id"]: row
        for row in Gene.objects.filter(hgnc_id__in=gene_ids).values(
            "hgnc_id", "symbol", "score__score", "score__tier", "ppi_score__ppi_score"
        )
    }
    edges = list(
        GeneInteraction.objects.filter(
            gene_a__in=gene_ids, gene_b__in=gene_ids, combined_score__gte=min_score
        )
        .order_by("gene_a_id", "gene_b_id")
        .values_list("gene_a_id", "gene_b_id", "combined_score")
    )
    graph = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_weighted_edges_from((a, b, score / 1000) for a, b, score in edges)
    communities = nx.community.louvain_communities(
        graph, weight="weight", seed=annotation_setting("network_seed")
    )
    ordered = sorted((sorted(c) for c in communities), key=lambda c: (-len(c), c[0]))
    community_of = {gene: index for index, members in enumerate(ordered) for gene in members}
    return {
        "nodes": [
            {
                "id": f"HGNC:{gene_id}",
                "symbol": row["symbol"],
                "evidence_score": row["score__score"],
                "tier": row["score__tier"],
                "ppi_score": row["ppi_score__ppi_score"],
                "degree": graph.degree(gene_id),
                "community": community_of[gene_id],
            }
            for gene_id, row in sorted(nodes.items(), key=lambda item: item[1]["symbol"])
        ],
        "edges": [
            {"source": f"HGNC:{a}", "target": f"HGNC:{b}", "combined_score": score}
            for a, b, score in edges
        ],
        "communities": [[f"HGNC:{gene}" for gene in members] for members in ordered],
        "unknown_symbols": unknown,
        "min_score": min_score,
    }


def gene_scored_neighbours(
    gene_id: int, *, min_combined_score: int = 0, limit: int = 20
) -> list[dict[str, Any]]:
    """A gene's STRING partners that have a score, strongest interaction first (two queries)."""
    rows = GeneInteraction.objects.filter(
        Q(gene_a=gene_id) | Q(gene_b=gene_id), combined_score__gte=min_combined_score
    ).values_list("gene_a_id", "gene_b_id", "combined_score")
    strength = {a if b == gene_id else b: score for a, b, score in rows}
    scores = GeneScore.objects.filter(gene_id__in=strength).select_related("gene")
    partners = [
        {
            "hgnc_id": f"HGNC:{score.gene_id}",
            "symbol": score.gene.symbol,
            "combined_score": strength[score.gene_id],
            "evidence_score": score.score,
            "tier": score.tier,
            "high_evidence": score.high_evidence,
        }
        for score in scores
    ]
    partners.sort(key=lambda partner: (-partner["combined_score"], partner["symbol"]))
    return partners[:limit]
