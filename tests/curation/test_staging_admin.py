"""Staging review in the admin: from a failed symbol to attached evidence and a new score."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from genes.models import CuratedSymbolMapping, Evidence, GeneScore
from pipeline.models import ReviewStatus, RunStatus, SourceRun, StagedRecord
from pipeline.services import uploads

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/pipeline/stagedrecord/"
LITERATURE = (
    b"pmid,gene_symbol,hgnc_id,title\n"
    b"90000001,PKD1,HGNC:9008,Study one\n"
    b"90000001,NOTAGENE7,,Study one\n"
    b"90000002,NOTAGENE7,,Study two\n"
)


@pytest.fixture
def staged(genes, curator) -> StagedRecord:
    """A literature upload whose symbol NOTAGENE7 could not be normalised."""
    uploads.upload_commit(
        source="literature", file_name="lit.csv", content=LITERATURE, user=curator
    )
    return StagedRecord.objects.get(raw_symbol="NOTAGENE7")


def test_queue_lists_staged_record_with_reason_and_payload_preview(client, curator, staged):
    client.force_login(curator)
    listing = client.get(CHANGELIST).content.decode()
    assert "NOTAGENE7" in listing
    page = client.get(f"{CHANGELIST}{staged.pk}/change/").content.decode()
    assert "Unknown symbol" in page
    assert "90000002" in page


def test_curator_maps_record_in_change_form_and_evidence_and_score_follow(
    client, curator, staged, genes
):
    pkd2 = genes[1]
    assert not Evidence.objects.filter(gene=pkd2, source="literature").exists()
    client.force_login(curator)
    response = client.post(f"{CHANGELIST}{staged.pk}/change/", {"mapped_gene": pkd2.pk})
    assert response.status_code == 302
    staged.refresh_from_db()
    assert (staged.review_status, staged.mapped_gene, staged.reviewed_by) == (
        ReviewStatus.MAPPED, pkd2, curator
    )  # fmt: skip
    evidence = Evidence.objects.get(gene=pkd2, source="literature")
    assert evidence.publication_count == 2
    assert GeneScore.objects.get(gene=pkd2).literature_score is not None
    mapping = CuratedSymbolMapping.objects.get(source="literature", raw_symbol_upper="NOTAGENE7")
    assert mapping.gene == pkd2


def test_bulk_map_action_shows_autocomplete_then_maps(client, curator, staged, genes):
    client.force_login(curator)
    chosen = {"action": "map_to_gene", ACTION_CHECKBOX_NAME: [staged.pk]}
    page = client.post(CHANGELIST, chosen)
    assert page.status_code == 200
    assert "admin-autocomplete" in page.content.decode()
    client.post(CHANGELIST, {**chosen, "apply": "1", "gene": genes[1].pk})
    staged.refresh_from_db()
    assert staged.mapped_gene == genes[1]
    assert Evidence.objects.filter(gene=genes[1], source="literature").exists()


def test_reject_action_marks_records_rejected(client, curator, staged):
    client.force_login(curator)
    client.post(CHANGELIST, {"action": "reject_selected", ACTION_CHECKBOX_NAME: [staged.pk]})
    staged.refresh_from_db()
    assert (staged.review_status, staged.reviewed_by) == (ReviewStatus.REJECTED, curator)


def test_viewer_cannot_map_or_reject(client, viewer, staged, genes):
    client.force_login(viewer)
    assert (
        client.post(f"{CHANGELIST}{staged.pk}/change/", {"mapped_gene": genes[1].pk}).status_code
        == 403
    )
    client.post(CHANGELIST, {"action": "reject_selected", ACTION_CHECKBOX_NAME: [staged.pk]})
    staged.refresh_from_db()
    assert staged.review_status == ReviewStatus.PENDING


def test_gene_autocomplete_finds_genes_for_curators(client, curator, genes):
    client.force_login(curator)
    response = client.get(
        "/admin/autocomplete/",
        {"term": "PKD", "app_label": "pipeline", "model_name": "stagedrecord",
         "field_name": "mapped_gene"},
    )  # fmt: skip
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {"9008", "9009"}


def test_retry_action_queues_failed_runs_only(client, curator):
    failed = SourceRun.objects.create(source="gencc", status=RunStatus.FAILED, error="boom")
    done = SourceRun.objects.create(source="hpo", status=RunStatus.COMPLETED)
    client.force_login(curator)
    client.post(
        "/admin/pipeline/sourcerun/",
        {"action": "retry_selected", ACTION_CHECKBOX_NAME: [failed.pk, done.pk]},
    )
    pending = SourceRun.objects.filter(status=RunStatus.PENDING)
    assert [(run.source, run.triggered_by) for run in pending] == [("gencc", curator)]


def test_run_page_shows_log_and_error(client, viewer):
    run = SourceRun.objects.create(
        source="gencc", status=RunStatus.FAILED, log="fetched 10 rows", error="Bad header"
    )
    client.force_login(viewer)
    page = client.get(f"/admin/pipeline/sourcerun/{run.pk}/change/").content.decode()
    assert "fetched 10 rows" in page and "Bad header" in page
