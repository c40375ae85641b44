"""The admin as curators meet it: named after the project, human model names, the live pipeline
one click from the index, the staging queue on Pending, exact symbols first, genes by symbol."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from curation.models import CuratorDecision, Verdict
from pipeline.models import ReviewStatus, StagedRecord
from tests.factories import GeneFactory

pytestmark = pytest.mark.django_db


def test_index_has_project_header_human_model_names_and_the_live_pipeline(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Kidney Genetics Database — curation" in html
    assert "Django administration" not in html
    assert "ClinVar summaries" in html and "Clin var summarys" not in html
    assert "HPO phenotype summaries" in html and "HGNC loads" in html
    assert f'href="{reverse("pipeline-live")}"' in html


def _staged(symbol: str, status: str) -> StagedRecord:
    return StagedRecord.objects.create(
        source="literature",
        raw_symbol=symbol,
        raw_symbol_key=symbol,
        reason="unknown",
        review_status=status,
    )


def test_staging_queue_opens_on_pending_and_all_shows_everything(client, curator):
    _staged("WAITING1", ReviewStatus.PENDING)
    _staged("DONE1", ReviewStatus.REJECTED)
    client.force_login(curator)
    changelist = reverse("admin:pipeline_stagedrecord_changelist")
    default = client.get(changelist).content.decode()
    assert "WAITING1" in default and "DONE1" not in default
    everything = client.get(changelist + "?review_status__exact=all").content.decode()
    assert "WAITING1" in everything and "DONE1" in everything
    rejected = client.get(changelist + "?review_status__exact=rejected").content.decode()
    assert "WAITING1" not in rejected and "DONE1" in rejected


def test_gene_autocomplete_offers_the_exact_symbol_first(client, curator):
    GeneFactory(hgnc_id=1, symbol="COQ2", name="coenzyme Q2, polyprenyltransferase")
    GeneFactory(hgnc_id=2, symbol="PDSS2", name="decaprenyl diphosphate synthase subunit 2")
    GeneFactory(hgnc_id=3, symbol="RENBP", name="renin binding protein")
    GeneFactory(hgnc_id=4, symbol="REN", name="renin")
    client.force_login(curator)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "curation",
            "model_name": "curatordecision",
            "field_name": "gene",
            "term": "REN",
        },
    )
    assert response.status_code == 200
    labels = [item["text"] for item in response.json()["results"]]
    assert labels[:2] == ["REN (HGNC:4)", "RENBP (HGNC:3)"]
    assert set(labels[2:]) == {"COQ2 (HGNC:1)", "PDSS2 (HGNC:2)"}


def test_admin_messages_name_the_gene_by_symbol(client, curator):
    gene = GeneFactory(hgnc_id=7908, symbol="NPHS1")
    client.force_login(curator)
    response = client.post(
        reverse("admin:curation_curatordecision_add"),
        {"gene": gene.pk, "verdict": Verdict.CONFIRMED, "rationale": "Well established."},
        follow=True,
    )
    decision = CuratorDecision.objects.get(gene=gene)
    text = response.content.decode()
    assert "NPHS1: Confirmed" in text
    assert "7908: " not in text
    assert str(decision) == "NPHS1: Confirmed"


def test_admin_pages_load_the_tablet_stylesheet(client, curator):
    """Below 1024 px the app sidebar is hidden, so lists get the width (admin-site.css)."""
    client.force_login(curator)
    html = client.get(reverse("admin:pipeline_stagedrecord_changelist")).content.decode()
    assert 'href="/static/css/admin-site.css"' in html
    assert finders.find("css/admin-site.css")
    assert "#nav-sidebar" in Path(finders.find("css/admin-site.css")).read_text()
