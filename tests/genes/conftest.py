"""Synthetic evidence in bulk and the golden fixture, whose scores are worked out by hand."""

from __future__ import annotations

import pytest

from genes.models import Evidence, Gene
from tests.factories import EvidenceFactory, GeneFactory


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
def golden():
    """Seven genes whose scores tests/genes/test_scoring.py works out by hand."""
    genes = {i: GeneFactory(hgnc_id=i, symbol=f"G{i}") for i in range(1, 8)}
    for gid, panels, supporting in [(1, 3, 2), (2, 1, 1), (3, 1, 0), (4, 2, 1)]:
        EvidenceFactory(
            gene=genes[gid],
            source="panelapp",
            panel_count=panels,
            supporting_panel_count=supporting,
        )
    EvidenceFactory(gene=genes[1], source="literature", publication_count=5)
    for gid, panels in [(2, 1), (1, 2), (5, 4)]:
        EvidenceFactory(gene=genes[gid], source="diagnostic-panels", panel_count=panels)
    for gid, terms, diseases in [(1, 4, 2), (3, 4, 1), (5, 1, 1)]:
        EvidenceFactory(
            gene=genes[gid], source="hpo", phenotype_count=terms, disease_count=diseases
        )
    for gid, pairs, pmids in [(1, 3, 1), (2, 2, 2), (4, 10, 5)]:
        EvidenceFactory(
            gene=genes[gid], source="pubtator", mention_pair_count=pairs, publication_count=pmids
        )
    EvidenceFactory(gene=genes[1], source="clingen", classifications=["Definitive"])
    EvidenceFactory(gene=genes[3], source="clingen", classifications=["Moderate"])
    EvidenceFactory(gene=genes[6], source="clingen", classifications=["Refuted"])
    EvidenceFactory(
        gene=genes[1], source="gencc", classifications=["Disputed Evidence", "Definitive"]
    )
    EvidenceFactory(gene=genes[2], source="gencc", classifications=["Supportive"])
    EvidenceFactory(gene=genes[4], source="gencc", classifications=["Foo bar"])
    EvidenceFactory(gene=genes[5], source="gencc", classifications=["Animal Model Only"])
    return genes
