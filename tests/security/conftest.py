"""API tokens, a scored gene, a clean cache (role users are in tests/conftest.py)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from curation.services import api_token_issue
from genes.models import Evidence, Gene, GeneScore, Tier


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hundreds of users are created per run; PBKDF2's deliberate slowness is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache(empty_cache):
    """Throttle counters and axes state live in the cache and the database; start empty."""


@pytest.fixture
def token_of():
    def token(user: User) -> str:
        return api_token_issue(user=user)[0]

    return token


@pytest.fixture
def scored_gene(db) -> Gene:
    gene = Gene.objects.create(hgnc_id=9008, symbol="PKD1", name="polycystin 1")
    Evidence.objects.create(gene=gene, source="panelapp", panel_count=3, supporting_panel_count=2)
    GeneScore.objects.create(
        gene=gene,
        evidence_count=2,
        list_count=2,
        source_count_percentile=1.0,
        high_evidence=True,
        score=80.0,
        source_count=2,
        tier=Tier.COMPREHENSIVE_SUPPORT,
        sources_with_data=7,
        computed_at=timezone.now(),
        panelapp_score=0.8,
    )
    return gene
