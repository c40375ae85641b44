"""Reads of the curation app: decisions for gene pages and the API, published releases."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from curation.models import CuratorDecision, Release, ReleaseFile, ReleaseStatus


def decision_section_payloads(gene_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The `curator_decision` gene section: one query for any number of genes."""
    rows = CuratorDecision.objects.filter(gene_id__in=gene_ids).values(
        "gene_id", "verdict", "rationale", "pmids", "author__username", "updated_at", "version"
    )
    labels = dict(CuratorDecision._meta.get_field("verdict").choices)
    return {
        row["gene_id"]: {
            "verdict": row["verdict"],
            "verdict_label": labels.get(row["verdict"], row["verdict"]),
            "rationale": row["rationale"],
            "pmids": row["pmids"],
            "author": row["author__username"] or "",
            "updated_at": row["updated_at"].isoformat(),
            "version": row["version"],
            "changes_computed_tier": False,
        }
        for row in rows
    }


def release_list() -> QuerySet[Release]:
    """Published releases, newest first, with their files' metadata (not their content)."""
    return (
        Release.objects.filter(status=ReleaseStatus.PUBLISHED)
        .select_related("previous")
        .order_by("-published_at", "-id")
    )


def release_get(*, version: str) -> Release:
    """One published release; raises Release.DoesNotExist for drafts and unknown versions."""
    return release_list().get(version=version)


def release_files(*, release: Release) -> QuerySet[ReleaseFile]:
    """File metadata without the stored content."""
    return release.files.defer("content_gzip").order_by("name")


def release_file_get(*, version: str, name: str) -> ReleaseFile:
    return ReleaseFile.objects.select_related("release").get(
        release__version=version, release__status=ReleaseStatus.PUBLISHED, name=name
    )


def release_latest_summary() -> dict[str, Any] | None:
    """The newest published release for the home page: version, date, size and citation."""
    return release_list().values("version", "published_at", "gene_count", "citation").first()
