"""Fixtures for curation tests: a few scored genes and a clean cache (role users are in
tests/conftest.py)."""

from __future__ import annotations

import pytest

from genes.models import Gene, Tier
from tests.factories import EvidenceFactory, GeneFactory, GeneScoreFactory


@pytest.fixture(autouse=True)
def _empty_cache(empty_cache):
    """Throttle counters and cached reads: every curation test starts with none."""


def panelapp_scored_gene(
    hgnc_id: int, symbol: str, tier: str = Tier.ESTABLISHED_SUPPORT, score: float = 25.0
) -> Gene:
    """A gene with one PanelApp evidence row and a score row in the given tier."""
    gene = GeneFactory(hgnc_id=hgnc_id, symbol=symbol, name=f"{symbol} protein")
    EvidenceFactory(
        gene=gene,
        source="panelapp",
        panel_count=3,
        supporting_panel_count=2,
        source_version="panelapp-2026-11",
        details={"panels": ["Cystic kidney disease"]},
    )
    GeneScoreFactory(
        gene=gene,
        evidence_count=2,
        list_count=2,
        source_count_percentile=1.0,
        high_evidence=True,
        score=score,
        source_count=2,
        tier=tier,
        panelapp_score=score / 100,
    )
    return gene


@pytest.fixture
def genes(db) -> list[Gene]:
    return [
        panelapp_scored_gene(9008, "PKD1", Tier.COMPREHENSIVE_SUPPORT, 80.0),
        panelapp_scored_gene(9009, "PKD2"),
    ]
