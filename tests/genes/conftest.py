"""Small factories for genes and evidence; other apps' tests may import them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest

from genes.config import best_classification
from genes.models import Evidence, Gene


def make_gene(hgnc_id: int, symbol: str | None = None, **fields: Any) -> Gene:
    return Gene.objects.create(hgnc_id=hgnc_id, symbol=symbol or f"GENE{hgnc_id}", **fields)


def make_evidence(gene: Gene | int, source: str, **fields: Any) -> Evidence:
    """One evidence row; `classifications=[...]` fills classification/weight like ingestion."""
    classifications: Iterable[str] | None = fields.pop("classifications", None)
    if classifications is not None:
        labels = list(classifications)
        best = best_classification(source, labels)
        if best:
            fields.setdefault("classification", best[0])
            fields.setdefault("classification_weight", best[1])
        fields.setdefault("details", {"classifications": labels})
    gene_id = gene.hgnc_id if isinstance(gene, Gene) else gene
    return Evidence.objects.create(gene_id=gene_id, source=source, **fields)


def make_synthetic_evidence(gene_count: int, *, start: int = 1) -> None:
    """`gene_count` genes, each with evidence from all seven sources (bulk, three queries)."""
    genes = [Gene(hgnc_id=start + i, symbol=f"SYN{start + i}") for i in range(gene_count)]
    Gene.objects.bulk_create(genes)
    rows = []
    for i, gene in enumerate(genes):
        rows += [
            Evidence(
                gene=gene, source="panelapp", panel_count=i % 4 + 1, supporting_panel_count=i % 3
            ),
            Evidence(gene=gene, source="literature", publication_count=i % 5),
            Evidence(gene=gene, source="diagnostic-panels", panel_count=i % 7 + 1),
            Evidence(gene=gene, source="hpo", phenotype_count=i % 6 + 1, disease_count=i % 3),
            Evidence(
                gene=gene,
                source="pubtator",
                publication_count=i % 9 + 1,
                mention_pair_count=i % 11 + 1,
            ),
            Evidence(
                gene=gene, source="clingen", classification="Definitive", classification_weight=1.0
            ),
            Evidence(
                gene=gene, source="gencc", classification="Limited", classification_weight=0.4
            ),
        ]
    Evidence.objects.bulk_create(rows)


@pytest.fixture
def gene_factory():
    return make_gene


@pytest.fixture
def evidence_factory():
    return make_evidence


@pytest.fixture
def golden():
    """Seven genes whose scores tests/genes/test_scoring.py works out by hand."""
    genes = {i: make_gene(i, f"G{i}") for i in range(1, 8)}
    for gid, panels, supporting in [(1, 3, 2), (2, 1, 1), (3, 1, 0), (4, 2, 1)]:
        make_evidence(genes[gid], "panelapp", panel_count=panels, supporting_panel_count=supporting)
    make_evidence(genes[1], "literature", publication_count=5)
    for gid, panels in [(2, 1), (1, 2), (5, 4)]:
        make_evidence(genes[gid], "diagnostic-panels", panel_count=panels)
    for gid, terms, diseases in [(1, 4, 2), (3, 4, 1), (5, 1, 1)]:
        make_evidence(genes[gid], "hpo", phenotype_count=terms, disease_count=diseases)
    for gid, pairs, pmids in [(1, 3, 1), (2, 2, 2), (4, 10, 5)]:
        make_evidence(genes[gid], "pubtator", mention_pair_count=pairs, publication_count=pmids)
    make_evidence(genes[1], "clingen", classifications=["Definitive"])
    make_evidence(genes[3], "clingen", classifications=["Moderate"])
    make_evidence(genes[6], "clingen", classifications=["Refuted"])
    make_evidence(genes[1], "gencc", classifications=["Disputed Evidence", "Definitive"])
    make_evidence(genes[2], "gencc", classifications=["Supportive"])
    make_evidence(genes[4], "gencc", classifications=["Foo bar"])
    make_evidence(genes[5], "gencc", classifications=["Animal Model Only"])
    return genes
