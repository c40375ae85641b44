"""Admin lists at scale: query counts stay the same however many rows a page shows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genes.models import Gene, GeneSymbol
from pipeline.models import SourceRun, StagedRecord
from tests.curation.conftest import panelapp_scored_gene

pytestmark = pytest.mark.django_db


def _genes(count: int, start: int = 1000) -> None:
    for offset in range(count):
        gene = panelapp_scored_gene(start + offset, f"GENE{start + offset}")
        GeneSymbol.objects.create(gene=gene, symbol=f"OLD{offset}", symbol_upper=f"OLD{offset}",
                                  kind="previous")  # fmt: skip


def _staged(count: int, start: int = 0) -> None:
    run = SourceRun.objects.create(source="gencc")
    candidates = list(Gene.objects.all()[:2])
    for offset in range(start, start + count):
        record = StagedRecord.objects.create(
            source="gencc", raw_symbol=f"X{offset}", raw_symbol_key=f"X{offset}",
            reason="ambiguous", payload={"records": []}, run=run,
        )  # fmt: skip
        record.candidates.set(candidates)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_gene_changelist_query_count_is_pinned(client, admin_user):
    client.force_login(admin_user)
    _genes(3)
    few = _count(client, "/admin/genes/gene/")
    _genes(40, start=2000)
    # session, user, 2 × permissions, page count, rows with scores, locus-group filter choices
    assert _count(client, "/admin/genes/gene/") == few == 7
    assert _count(client, "/admin/genes/gene/?q=GENE2001") == 7
    assert _count(client, "/admin/genes/gene/?q=HGNC:2001") == 7


def test_evidence_changelist_query_count_is_pinned(client, admin_user):
    client.force_login(admin_user)
    _genes(3)
    few = _count(client, "/admin/genes/evidence/")
    _genes(40, start=2000)
    assert _count(client, "/admin/genes/evidence/") == few == 6


def test_staging_changelist_query_count_is_pinned(client, curator):
    client.force_login(curator)
    _genes(2)
    _staged(3)
    few = _count(client, "/admin/pipeline/stagedrecord/")
    _staged(40, start=100)
    many = _count(client, "/admin/pipeline/stagedrecord/?review_status__exact=pending")
    # session, user, 2 × permissions, page count, rows (+ gene, run), candidates prefetch
    assert _count(client, "/admin/pipeline/stagedrecord/") == few == many == 7


def test_decision_changelist_query_count_is_pinned(client, curator):
    from curation import services

    client.force_login(curator)
    _genes(30)
    for gene in Gene.objects.all()[:3]:
        services.decision_record(gene=gene, verdict="confirmed", rationale="R.", user=curator)
    few = _count(client, "/admin/curation/curatordecision/")
    for gene in Gene.objects.all()[3:]:
        services.decision_record(gene=gene, verdict="disputed", rationale="R.", user=curator)
    assert _count(client, "/admin/curation/curatordecision/") == few


def test_run_changelist_query_count_is_pinned(client, viewer):
    client.force_login(viewer)
    SourceRun.objects.create(source="gencc", triggered_by=viewer)
    few = _count(client, "/admin/pipeline/sourcerun/")
    for _ in range(30):
        SourceRun.objects.create(source="hpo", triggered_by=viewer)
    assert _count(client, "/admin/pipeline/sourcerun/") == few
