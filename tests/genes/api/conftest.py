"""API test data: scored genes written directly (rows from tests/factories.py)."""

from __future__ import annotations

from typing import Any

import pytest

from genes.models import Gene, Tier
from genes.sources import source_keys as registered_source_keys
from tests.factories import EvidenceFactory, GeneFactory, GeneScoreFactory

SCORE_COLUMNS = {
    "panelapp": "panelapp_score",
    "clingen": "clingen_score",
    "gencc": "gencc_score",
    "hpo": "hpo_score",
    "pubtator": "pubtator_score",
    "literature": "literature_score",
    "diagnostic-panels": "diagnostic_panels_score",
}


def make_scored_gene(
    symbol: str,
    *,
    score: float,
    sources: tuple[str, ...] = ("panelapp",),
    tier: str = Tier.ESTABLISHED_SUPPORT,
    evidence_count: int = 1,
    **gene_fields: Any,
) -> Gene:
    """A gene with one evidence row per source and a matching GeneScore row."""
    gene = GeneFactory(symbol=symbol, **gene_fields)
    for source in sources:
        EvidenceFactory(
            gene=gene,
            source=source,
            details={"records": [{"source": source}]},
            panel_count=2 if source in ("panelapp", "diagnostic-panels") else None,
            publication_count=3 if source in ("pubtator", "literature") else None,
            phenotype_count=1 if source == "hpo" else None,
            classification="Definitive" if source in ("clingen", "gencc") else "",
            source_version="v1",
        )
    per_source = {column: None for column in SCORE_COLUMNS.values()}
    per_source.update({SCORE_COLUMNS[source]: score / 100 for source in sources})
    GeneScoreFactory(
        gene=gene,
        evidence_count=evidence_count,
        list_count=len(sources),
        panelapp_flag="panelapp" in sources,
        score=score,
        source_count=len(sources),
        tier=tier,
        data_version=1,
        **per_source,
    )
    return gene


@pytest.fixture(autouse=True)
def _fresh_throttle_history(empty_cache):
    """Throttle counters live in the cache; every test starts with none."""


@pytest.fixture
def genes(db) -> dict[str, Gene]:
    """Five scored genes across tiers and sources, plus an unscored and a withdrawn gene."""
    created = {
        "PKD1": make_scored_gene(
            "PKD1",
            hgnc_id=9008,
            score=92.5,
            tier=Tier.COMPREHENSIVE_SUPPORT,
            evidence_count=5,
            sources=tuple(SCORE_COLUMNS),
            name="polycystin 1, transient receptor potential channel interacting",
            entrez_id=5310,
            ensembl_gene_id="ENSG00000008710",
            previous=["PBP"],
            aliases=["PC1"],
        ),
        "PKD2": make_scored_gene(
            "PKD2",
            hgnc_id=9009,
            score=80.0,
            tier=Tier.COMPREHENSIVE_SUPPORT,
            evidence_count=4,
            sources=("panelapp", "clingen", "gencc", "hpo"),
            name="polycystin 2, transient receptor potential cation channel",
            entrez_id=5311,
        ),
        "NPHS1": make_scored_gene(
            "NPHS1",
            hgnc_id=7908,
            score=55.0,
            tier=Tier.MULTI_SOURCE_SUPPORT,
            evidence_count=3,
            sources=("panelapp", "hpo", "literature"),
            name="NPHS1 adhesion molecule, nephrin",
            aliases=["NPHN", "PC1"],
        ),
        "COL4A5": make_scored_gene(
            "COL4A5",
            hgnc_id=2207,
            score=30.0,
            tier=Tier.ESTABLISHED_SUPPORT,
            evidence_count=2,
            sources=("panelapp", "pubtator"),
            name="collagen type IV alpha 5 chain",
        ),
        "ABC1": make_scored_gene(
            "ABC1",
            hgnc_id=5,
            score=5.0,
            tier=Tier.MINIMAL_EVIDENCE,
            evidence_count=0,
            sources=("pubtator",),
            name="made-up minimal gene",
            entrez_id=9008,
        ),
    }
    created["UNSCORED"] = GeneFactory(symbol="UNSCORED", hgnc_id=424242, name="no evidence at all")
    created["OLD~withdrawn"] = GeneFactory(
        symbol="OLD~withdrawn", hgnc_id=31337, status="withdrawn", merged_into=[9008]
    )
    return created


@pytest.fixture
def source_keys() -> list[str]:
    return registered_source_keys()
