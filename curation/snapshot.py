"""Freezing live data into release files: exports, checksums, changelog and citation.

Everything is read with a handful of set-based queries and serialised deterministically
(sorted keys, fixed gzip mtime), so the same data always gives the same bytes and checksums.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from curation.models import CuratorDecision, Release
from genes.config import SCORE_COLUMNS
from genes.models import EVIDENCE_SUMMARY_FIELDS, Evidence, GeneScore

SCORE_FIELDS = [f"{column}_score" for _, column in SCORE_COLUMNS]
GENE_COLUMNS = [
    "hgnc_id",
    "symbol",
    "name",
    "tier",
    "score",
    "source_count",
    "evidence_count",
    "high_evidence",
    *SCORE_FIELDS,
    "curator_verdict",
]
EVIDENCE_COLUMNS = ["hgnc_id", "symbol", "source", *EVIDENCE_SUMMARY_FIELDS, "source_version"]
GENES_JSON = "genes.json"


@dataclass
class Snapshot:
    files: list[dict[str, Any]] = field(default_factory=list)
    gene_tiers: dict[int, dict[str, str]] = field(default_factory=dict)
    source_versions: dict[str, list[str]] = field(default_factory=dict)
    gene_count: int = 0
    evidence_count: int = 0
    decision_count: int = 0


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _gene_rows(verdicts: dict[int, str]) -> list[dict[str, Any]]:
    rows = GeneScore.objects.order_by("gene__symbol").values(
        "gene_id", "gene__symbol", "gene__name", "tier", "score", "source_count",
        "evidence_count", "high_evidence", *SCORE_FIELDS,
    )  # fmt: skip
    return [
        {
            "hgnc_id": row["gene_id"],
            "symbol": row["gene__symbol"],
            "name": row["gene__name"],
            "tier": row["tier"],
            "score": _round(row["score"]),
            "source_count": row["source_count"],
            "evidence_count": row["evidence_count"],
            "high_evidence": row["high_evidence"],
            **{name: _round(row[name]) for name in SCORE_FIELDS},
            "curator_verdict": verdicts.get(row["gene_id"], ""),
        }
        for row in rows
    ]


def _evidence_rows() -> list[dict[str, Any]]:
    rows = Evidence.objects.order_by("gene__symbol", "source").values(
        "gene_id", "gene__symbol", "details", *EVIDENCE_COLUMNS[2:]
    )
    return [
        {"hgnc_id": row.pop("gene_id"), "symbol": row.pop("gene__symbol"), **row} for row in rows
    ]


def _decision_rows() -> list[dict[str, Any]]:
    rows = CuratorDecision.objects.order_by("gene__symbol").values(
        "gene_id", "gene__symbol", "verdict", "rationale", "pmids", "author__username",
        "updated_at", "version",
    )  # fmt: skip
    return [
        {
            "hgnc_id": row["gene_id"],
            "symbol": row["gene__symbol"],
            "verdict": row["verdict"],
            "rationale": row["rationale"],
            "pmids": row["pmids"],
            "author": row["author__username"] or "",
            "updated_at": row["updated_at"].isoformat(),
            "version": row["version"],
        }
        for row in rows
    ]


def _source_versions(evidence: list[dict[str, Any]]) -> dict[str, list[str]]:
    versions: dict[str, set[str]] = {}
    for row in evidence:
        versions.setdefault(row["source"], set())
        if row["source_version"]:
            versions[row["source"]].add(row["source_version"])
    return {source: sorted(found) for source, found in sorted(versions.items())}


def _gene_tiers(genes: list[dict[str, Any]]) -> dict[int, dict[str, str]]:
    return {row["hgnc_id"]: {"symbol": row["symbol"], "tier": row["tier"]} for row in genes}


def _tsv(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow("" if row[name] is None else row[name] for name in columns)
    return buffer.getvalue().encode()


def _json(payload: Any) -> bytes:
    return (json.dumps(payload, sort_keys=True, indent=1, ensure_ascii=False) + "\n").encode()


def _file(name: str, content_type: str, data: bytes) -> dict[str, Any]:
    return {
        "name": name,
        "content_type": content_type,
        "content_gzip": gzip.compress(data, mtime=0),
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }


def snapshot_build(*, version: str, published_at: datetime) -> Snapshot:
    """Read the live genes, scores, evidence and decisions and serialise them to files."""
    decisions = _decision_rows()
    genes = _gene_rows({row["hgnc_id"]: row["verdict"] for row in decisions})
    evidence = _evidence_rows()
    source_versions = _source_versions(evidence)
    header = {"version": version, "published_at": published_at.isoformat()}
    full = {**header, "source_versions": source_versions, "genes": genes}
    full.update(evidence=evidence, decisions=decisions)
    files = [
        _file("genes.tsv", "text/tab-separated-values", _tsv(GENE_COLUMNS, genes)),
        _file(GENES_JSON, "application/json", _json({**header, "genes": genes})),
        _file("evidence.tsv", "text/tab-separated-values", _tsv(EVIDENCE_COLUMNS, evidence)),
        _file("decisions.json", "application/json", _json({**header, "decisions": decisions})),
        _file("release.json", "application/json", _json(full)),
    ]
    sums = "".join(f"{entry['sha256']}  {entry['name']}\n" for entry in files).encode()
    files.append(_file("SHA256SUMS", "text/plain", sums))
    return Snapshot(
        files=files,
        gene_tiers=_gene_tiers(genes),
        source_versions=source_versions,
        gene_count=len(genes),
        evidence_count=len(evidence),
        decision_count=len(decisions),
    )


def release_file_bytes(content_gzip: bytes | memoryview) -> bytes:
    return gzip.decompress(bytes(content_gzip))


def release_gene_tiers(release: Release) -> dict[int, dict[str, str]]:
    """The genes and tiers of a published release, read back from its frozen genes.json."""
    stored = release.files.filter(name=GENES_JSON).values_list("content_gzip", flat=True).first()
    if stored is None:
        return {}
    return _gene_tiers(json.loads(release_file_bytes(stored))["genes"])


def changelog_build(
    previous: dict[int, dict[str, str]] | None,
    current: dict[int, dict[str, str]],
    previous_release: Release | None,
) -> dict[str, Any]:
    """Genes added, removed and moved between tiers since the previous published release."""
    if previous is None:
        return {"previous_version": None, "added": [], "removed": [], "tier_changes": []}
    added = sorted(current[i]["symbol"] for i in current.keys() - previous.keys())
    removed = sorted(previous[i]["symbol"] for i in previous.keys() - current.keys())
    changes = [
        {"hgnc_id": i, "symbol": current[i]["symbol"], "from": previous[i]["tier"],
         "to": current[i]["tier"]}
        for i in sorted(current.keys() & previous.keys(), key=lambda i: current[i]["symbol"])
        if current[i]["tier"] != previous[i]["tier"]
    ]  # fmt: skip
    return {
        "previous_version": previous_release.version if previous_release else None,
        "added": added,
        "removed": removed,
        "tier_changes": changes,
    }


def citation_text(*, version: str, published_at: datetime) -> str:
    template = settings.RELEASE_CITATION
    return template.format(version=version, date=published_at.date().isoformat())
