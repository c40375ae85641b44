"""A small scored dataset for the page tests, written directly (no ingestion or recompute)."""

from __future__ import annotations

from typing import Any

import pytest

from genes.models import Gene, GeneSymbol, SymbolKind, Tier
from tests.factories import EvidenceFactory, GeneFactory, GeneScoreFactory

ALL_SOURCES = ("panelapp", "clingen", "gencc", "hpo", "pubtator", "literature", "diagnostic-panels")
SCORE_FIELD = {source: source.replace("-", "_") + "_score" for source in ALL_SOURCES}

PANELAPP_DETAILS = {
    "panels": [
        {
            "region": "UK",
            "panel_id": 384,
            "panel_name": "Cystic kidney disease",
            "panel_version": "4.12",
            "version_created": "2025-03-01T10:00:00Z",
            "confidence_level": 3,
            "rating": "green",
            "moi": "AD",
            "phenotypes": ["Polycystic kidney disease 1, MIM# 173900"],
            "publications": ["20301424"],
        },
        {
            "region": "AU",
            "panel_id": 194,
            "panel_name": "Renal Macrocystic Disease",
            "panel_version": "1.9",
            "version_created": "2024-11-05T09:00:00+10:00",
            "confidence_level": 3,
            "rating": "green",
            "moi": "AD",
            "phenotypes": [],
            "publications": [],
        },
    ],
    "regions": ["AU", "UK"],
    "max_rating": "green",
}
CLINGEN_DETAILS = {
    "curations": [
        {
            "assertion_id": "CGGV:assertion_abc",
            "disease": "autosomal dominant polycystic kidney disease",
            "mondo_id": "MONDO:0004691",
            "moi": "AD",
            "sop": "SOP7",
            "classification": "Definitive",
            "date": "2018-06-07T16:00:00.000Z",
            "report_url": "https://search.clinicalgenome.org/kb/gene-validity/CGGV:assertion_abc",
            "gcep": "Kidney Cystic and Ciliopathy Disorders",
        }
    ],
    "curation_count": 1,
    "best_classification": "Definitive",
}


def make_scored_gene(
    hgnc_id: int,
    symbol: str,
    *,
    score: float,
    tier: str,
    evidence_count: int,
    sources: dict[str, float],
    name: str = "",
    details: dict[str, dict] | None = None,
    **fields: Any,
) -> Gene:
    """A gene with evidence rows for `sources` ({source: source score}) and its score row."""
    gene = GeneFactory(hgnc_id=hgnc_id, symbol=symbol, name=name or f"{symbol} protein")
    for source in sources:
        EvidenceFactory(
            gene=gene,
            source=source,
            details=(details or {}).get(source, {}),
            panel_count=2 if source in ("panelapp", "diagnostic-panels") else None,
            supporting_panel_count=2 if source == "panelapp" else None,
            publication_count=5 if source in ("pubtator", "literature") else None,
            classification="Definitive" if source in ("clingen", "gencc") else "",
            classification_weight=1.0 if source in ("clingen", "gencc") else None,
            source_version="2026-08-25" if source == "clingen" else "",
        )
    score_fields = {SCORE_FIELD[source]: value for source, value in sources.items()}
    GeneScoreFactory(
        gene=gene,
        evidence_count=evidence_count,
        list_count=min(len(sources), 5),
        panelapp_flag=True if "panelapp" in sources else None,
        literature_flag=("literature" in sources) or None,
        source_count_percentile=1.0,
        score=score,
        source_count=len(sources),
        tier=tier,
        **score_fields,
        **fields,
    )
    return gene


@pytest.fixture
def scored_genes(db) -> dict[str, Gene]:
    """Five genes across the tiers, with aliases, previous symbols and one shared alias."""
    genes = {
        "PKD1": make_scored_gene(
            9008,
            "PKD1",
            name="polycystin 1, transient receptor potential channel interacting",
            score=92.5,
            tier=Tier.COMPREHENSIVE_SUPPORT,
            evidence_count=5,
            sources={source: 0.9 for source in ALL_SOURCES},
            details={
                "panelapp": PANELAPP_DETAILS,
                "clingen": CLINGEN_DETAILS,
                "pubtator": {"pmids": ["20301424", "31234567"]},
                "hpo": {"terms": [{"id": "HP:0000113", "name": "Polycystic kidney dysplasia"}]},
            },
        ),
        "PKD2": make_scored_gene(
            9009,
            "PKD2",
            name="polycystin 2, transient receptor potential cation channel",
            score=61.0,
            tier=Tier.COMPREHENSIVE_SUPPORT,
            evidence_count=4,
            sources={"panelapp": 0.8, "clingen": 0.9, "gencc": 1.0, "hpo": 0.6, "pubtator": 0.7},
        ),
        "NPHS1": make_scored_gene(
            7908,
            "NPHS1",
            name="NPHS1 adhesion molecule, nephrin",
            score=40.0,
            tier=Tier.MULTI_SOURCE_SUPPORT,
            evidence_count=3,
            sources={"panelapp": 0.5, "gencc": 1.0, "hpo": 0.3},
        ),
        "UMOD": make_scored_gene(
            12559,
            "UMOD",
            name="uromodulin",
            score=15.0,
            tier=Tier.PRELIMINARY_EVIDENCE,
            evidence_count=1,
            sources={"pubtator": 0.55, "literature": 0.5},
        ),
        "TTN": make_scored_gene(
            12403,
            "TTN",
            name="titin",
            score=2.0,
            tier=Tier.MINIMAL_EVIDENCE,
            evidence_count=0,
            sources={"pubtator": 0.14},
        ),
    }
    GeneSymbol.objects.bulk_create(
        [
            GeneSymbol(
                gene=genes["PKD2"], symbol="PKD4", symbol_upper="PKD4", kind=SymbolKind.PREVIOUS
            ),
            GeneSymbol(gene=genes["PKD1"], symbol="PBP", symbol_upper="PBP", kind=SymbolKind.ALIAS),
            GeneSymbol(
                gene=genes["NPHS1"], symbol="CNF", symbol_upper="CNF", kind=SymbolKind.ALIAS
            ),
            GeneSymbol(
                gene=genes["NPHS1"], symbol="SHARED1", symbol_upper="SHARED1", kind=SymbolKind.ALIAS
            ),
            GeneSymbol(
                gene=genes["UMOD"], symbol="SHARED1", symbol_upper="SHARED1", kind=SymbolKind.ALIAS
            ),
        ]
    )
    return genes
