"""Tools about the database as a whole: sources, statistics and releases."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from curation import selectors as curation_selectors
from curation.api.serializers import ReleaseDetailSerializer, ReleaseSerializer
from curation.models import Release
from genes import statistics
from mcp_server.output import Answer, ToolError
from pipeline import selectors as source_selectors
from pipeline.api.serializers import SourceSerializer

MAX_RELEASES = 100
StatisticsPart = Literal["summary", "overlaps", "distributions"]


def list_sources() -> Answer:
    """Each evidence source: what it is, its version, its last successful run, how many genes
    it has evidence for, and what it selects (keywords, thresholds)."""
    rows = SourceSerializer(source_selectors.source_summary_list(), many=True).data
    parts = []
    for row in rows:
        attributes = row["attributes"]
        version = attributes["source_version"] or "no successful run"
        parts.append(f"{attributes['label']} ({attributes['gene_count']} genes, {version})")
    summary = f"{len(rows)} sources: {'; '.join(parts)}."
    return Answer(summary, list(rows), {"total": len(rows)})


def get_statistics(
    parts: Annotated[
        list[StatisticsPart] | None,
        Field(
            max_length=3,
            description=(
                "Which parts: summary (genes per tier and classic count), overlaps (genes per "
                "exact combination of sources), distributions (score and per-source histograms). "
                "Default: all."
            ),
        ),
    ] = None,
    overlap_genes: Annotated[
        bool, Field(description="List each source combination's gene symbols")
    ] = False,
) -> Answer:
    """Statistics of the scored genes: totals per tier and per classic evidence count, source
    overlaps (UpSet intersections) and score/per-source distributions, as /api/statistics/."""
    wanted = list(dict.fromkeys(parts or ["summary", "overlaps", "distributions"]))
    data = {}
    if "summary" in wanted:
        data["summary"] = statistics.summary()
    if "overlaps" in wanted:
        data["overlaps"] = statistics.source_overlaps(with_genes=overlap_genes)
    if "distributions" in wanted:
        data["distributions"] = statistics.distributions()
    totals = statistics.summary() if "summary" not in data else data["summary"]
    tiers = ", ".join(f"{row['genes']} {row['tier']}" for row in totals["tiers"] if row["genes"])
    summary = (
        f"{totals['genes_scored']} genes scored, {totals['high_evidence']} high evidence; "
        f"tiers: {tiers or 'none'}."
    )
    return Answer(summary, data, {"parts": wanted})


def list_releases(
    limit: Annotated[int, Field(ge=1, le=MAX_RELEASES)] = 20,
) -> Answer:
    """Published releases, newest first: version, date, gene/evidence/decision counts and the
    citation. Releases are immutable; cite one to make an analysis reproducible."""
    rows = ReleaseSerializer(curation_selectors.release_list()[:limit], many=True).data
    versions = ", ".join(row["version"] for row in rows)
    summary = (
        f"{len(rows)} published releases: {versions}." if rows else "No release published yet."
    )
    return Answer(summary, list(rows), {"count": len(rows), "limit": limit})


def get_release(
    version: Annotated[str, Field(min_length=1, max_length=64, description="e.g. 2026.1")],
) -> Answer:
    """One published release: notes, source versions, changelog against the previous release,
    and its files with size and SHA-256 checksum (download URLs are relative to the site)."""
    try:
        release = curation_selectors.release_get(version=version)
    except Release.DoesNotExist as error:
        raise ToolError(f"No published release {version!r}. list_releases shows them.") from error
    context = {"files": curation_selectors.release_files(release=release)}
    data = ReleaseDetailSerializer(release, context=context).data
    summary = (
        f"Release {release.version} ({release.title}), published "
        f"{release.published_at:%Y-%m-%d}: {release.gene_count} genes, "
        f"{len(data['files'])} files. Cite as: {release.citation or 'see the release notes'}"
    )
    return Answer(summary, data, {})
