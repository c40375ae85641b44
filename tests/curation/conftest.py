"""Fixtures for curation tests: users in each role, a few scored genes, a clean throttle cache."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone

from curation.roles import ADMIN, CURATOR, VIEWER
from genes.models import Evidence, Gene, GeneScore, Tier
from tests.conftest import make_role_user

PASSWORD = "a-long-Secret-pass-42"


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def _make_user(username: str, role: str | None, *, staff: bool = True) -> User:
    return make_role_user(username, role, password=PASSWORD, staff=staff)


@pytest.fixture
def admin_user(db) -> User:
    return _make_user("ada_admin", ADMIN)


@pytest.fixture
def curator(db) -> User:
    return _make_user("cora_curator", CURATOR)


@pytest.fixture
def other_curator(db) -> User:
    return _make_user("carl_curator", CURATOR)


@pytest.fixture
def viewer(db) -> User:
    return _make_user("vic_viewer", VIEWER)


@pytest.fixture
def staff_without_role(db) -> User:
    return _make_user("sam_staff", None)


def score_fields(tier: str, score: float) -> dict:
    return {
        "evidence_count": 2,
        "list_count": 2,
        "source_count_percentile": 1.0,
        "high_evidence": True,
        "score": score,
        "source_count": 2,
        "tier": tier,
        "sources_with_data": 7,
        "computed_at": timezone.now(),
        "panelapp_score": score / 100,
    }


@pytest.fixture
def make_gene(db) -> Callable[..., Gene]:
    """A gene with one PanelApp evidence row and a score in the given tier."""

    def make(hgnc_id: int, symbol: str, tier: str = Tier.ESTABLISHED_SUPPORT, score=25.0):
        gene = Gene.objects.create(hgnc_id=hgnc_id, symbol=symbol, name=f"{symbol} protein")
        Evidence.objects.create(
            gene=gene,
            source="panelapp",
            panel_count=3,
            supporting_panel_count=2,
            source_version="panelapp-2026-11",
            details={"panels": ["Cystic kidney disease"]},
        )
        GeneScore.objects.create(gene=gene, **score_fields(tier, score))
        return gene

    return make


@pytest.fixture
def genes(make_gene) -> list[Gene]:
    return [make_gene(9008, "PKD1", Tier.COMPREHENSIVE_SUPPORT, 80.0), make_gene(9009, "PKD2")]
