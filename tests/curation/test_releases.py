"""Releases: drafting, publishing, immutability, changelog and byte-exact downloads."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from curation import services
from curation.models import Release, ReleaseStatus, Verdict
from genes.models import Evidence, GeneScore, Tier
from tests.curation.conftest import panelapp_scored_gene

pytestmark = pytest.mark.django_db


def _publish(admin_user, curator, title="Autumn release") -> Release:
    draft = services.release_draft_create(title=title, user=curator)
    return services.release_publish(release=draft, user=admin_user)


def test_publish_freezes_files_with_checksums_and_today_version(genes, curator, admin_user):
    services.decision_record(gene=genes[0], verdict=Verdict.CONFIRMED, rationale="R.", user=curator)
    release = _publish(admin_user, curator)
    assert release.version == timezone.localdate().strftime("%Y.%m.%d")
    assert (release.gene_count, release.evidence_count, release.decision_count) == (2, 2, 1)
    assert release.source_versions == {"panelapp": ["panelapp-2026-11"]}
    assert release.version in release.citation
    names = set(release.files.values_list("name", flat=True))
    assert {"genes.tsv", "genes.json", "evidence.tsv", "release.json", "SHA256SUMS"} <= names


def test_second_release_on_one_day_gets_a_counter_and_a_changelog(genes, curator, admin_user):
    first = _publish(admin_user, curator)
    panelapp_scored_gene(9010, "UMOD")
    GeneScore.objects.filter(gene=genes[1]).update(tier=Tier.MULTI_SOURCE_SUPPORT)
    genes[0].delete()
    second = _publish(admin_user, curator, title="Hotfix")
    assert second.version == f"{first.version}-2"
    assert second.previous == first
    assert second.changelog["previous_version"] == first.version
    assert second.changelog["added"] == ["UMOD"]
    assert second.changelog["removed"] == ["PKD1"]
    assert second.changelog["tier_changes"] == [
        {"hgnc_id": 9009, "symbol": "PKD2", "from": "established_support",
         "to": "multi_source_support"}
    ]  # fmt: skip


def test_curator_cannot_publish(genes, curator):
    draft = services.release_draft_create(title="Mine", user=curator)
    with pytest.raises(PermissionDenied):
        services.release_publish(release=draft, user=curator)
    assert Release.objects.get(pk=draft.pk).status == ReleaseStatus.DRAFT


def test_published_release_cannot_be_edited_or_deleted_via_services(genes, curator, admin_user):
    release = _publish(admin_user, curator)
    with pytest.raises(services.ReleaseImmutableError):
        services.release_draft_update(release=release, title="Changed", notes="")
    with pytest.raises(services.ReleaseImmutableError):
        services.release_draft_delete(release=release)
    with pytest.raises(services.ReleaseImmutableError):
        services.release_publish(release=release, user=admin_user)
    assert Release.objects.get(pk=release.pk).title == "Autumn release"


def test_published_release_cannot_be_edited_or_deleted_in_admin(client, genes, curator, admin_user):
    release = _publish(admin_user, curator)
    client.force_login(admin_user)
    change_url = f"/admin/curation/release/{release.pk}/change/"
    assert client.post(change_url, {"title": "Changed", "notes": ""}).status_code == 403
    assert client.post(f"/admin/curation/release/{release.pk}/delete/").status_code == 403
    client.post(
        "/admin/curation/release/",
        {"action": "delete_selected", "_selected_action": [release.pk], "post": "yes"},
    )
    assert Release.objects.get(pk=release.pk).title == "Autumn release"


def test_curator_drafts_in_admin_and_admin_publishes_by_action(client, genes, curator, admin_user):
    client.force_login(curator)
    response = client.post("/admin/curation/release/add/", {"title": "Winter", "notes": "n"})
    assert response.status_code == 302
    draft = Release.objects.get(title="Winter")
    assert (draft.status, draft.created_by) == (ReleaseStatus.DRAFT, curator)
    client.force_login(admin_user)
    client.post(
        "/admin/curation/release/",
        {"action": "publish_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert (draft.status, draft.published_by) == (ReleaseStatus.PUBLISHED, admin_user)


@pytest.mark.parametrize("prefix", ["/releases", "/api/releases"])
def test_release_round_trip_download_matches_checksum_after_live_data_changes(
    client, genes, curator, admin_user, prefix
):
    release = _publish(admin_user, curator)
    stored = {f.name: f.sha256 for f in release.files.all()}
    url = f"{prefix}/{release.version}/download/genes.tsv"
    before = client.get(url)
    assert before.status_code == 200
    body = before.content
    assert hashlib.sha256(body).hexdigest() == stored["genes.tsv"] == before["X-Content-SHA256"]
    assert (
        f"{stored['genes.tsv']}  genes.tsv"
        in client.get(f"{prefix}/{release.version}/download/SHA256SUMS").content.decode()
    )

    panelapp_scored_gene(9010, "UMOD")
    Evidence.objects.all().delete()
    GeneScore.objects.update(tier=Tier.MINIMAL_EVIDENCE, score=1.0)
    genes[1].delete()

    after = client.get(url)
    assert after.content == body
    assert b"PKD2" in after.content and b"UMOD" not in after.content


def test_release_json_holds_genes_evidence_scores_and_decisions(client, genes, curator, admin_user):
    services.decision_record(gene=genes[0], verdict=Verdict.DISPUTED, rationale="R.", user=curator)
    release = _publish(admin_user, curator)
    full = json.loads(client.get(f"/releases/{release.version}/download/release.json").content)
    assert [gene["symbol"] for gene in full["genes"]] == ["PKD1", "PKD2"]
    assert full["genes"][0]["tier"] == "comprehensive_support"
    assert full["genes"][0]["curator_verdict"] == "disputed"
    assert full["evidence"][0]["details"] == {"panels": ["Cystic kidney disease"]}
    assert full["decisions"][0]["author"] == "cora_curator"


def test_public_pages_list_published_releases_only(client, genes, curator, admin_user):
    release = _publish(admin_user, curator)
    services.release_draft_create(title="Secret draft", user=curator)
    listing = client.get("/releases/").content.decode()
    assert release.version in listing and "Secret draft" not in listing
    detail = client.get(f"/releases/{release.version}/")
    assert detail.status_code == 200
    assert release.files.get(name="genes.tsv").sha256 in detail.content.decode()
    assert client.get("/releases/1999.01.01/").status_code == 404
    assert client.get(f"/releases/{release.version}/download/nope.txt").status_code == 404


def test_api_lists_and_details_releases(api_client, genes, curator, admin_user):
    release = _publish(admin_user, curator)
    services.release_draft_create(title="Secret draft", user=curator)
    listing = api_client.get("/api/releases/").json()
    versions = [row["version"] for row in listing]
    assert versions == [release.version]
    detail = api_client.get(f"/api/releases/{release.version}/").json()
    assert detail["changelog"]["previous_version"] is None
    files = {row["name"]: row for row in detail["files"]}
    assert files["genes.tsv"]["sha256"] == release.files.get(name="genes.tsv").sha256
    assert files["genes.tsv"]["url"].endswith(f"/api/releases/{release.version}/download/genes.tsv")


def test_api_release_list_query_count_is_constant(
    api_client, genes, curator, admin_user, django_assert_max_num_queries
):
    for title in ("One", "Two", "Three"):
        _publish(admin_user, curator, title=title)
    with django_assert_max_num_queries(2):
        assert api_client.get("/api/releases/").status_code == 200


def test_admin_shows_published_release_read_only_with_downloads(client, genes, curator, admin_user):
    release = _publish(admin_user, curator)
    client.force_login(curator)
    page = client.get(f"/admin/curation/release/{release.pk}/change/")
    assert page.status_code == 200
    assert f"/releases/{release.version}/download/genes.tsv" in page.content.decode()
    assert 'name="title"' not in page.content.decode()
