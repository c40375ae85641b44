"""Tools over many genes at once: resolve identifiers, compare a gene list, STRING neighbours."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from annotations.config import DEFAULTS as ANNOTATION_DEFAULTS
from annotations.selectors import gene_scored_neighbours
from genes import selectors
from genes.api.serializers import GeneListAttributesSerializer, gene_match_resource
from genes.selectors import GeneLookup
from mcp_server.output import Answer, ToolError
from mcp_server.tools.genes import GeneIdentifier, gene_lookup

MAX_IDENTIFIERS = 500
MAX_MISSING = 200
MAX_NEIGHBOURS = 50

Identifiers = Annotated[
    list[Annotated[str, Field(max_length=64)]],
    Field(
        min_length=1,
        max_length=MAX_IDENTIFIERS,
        description=(
            f"Up to {MAX_IDENTIFIERS} symbols or ids (approved, previous or alias symbol, "
            "HGNC, NCBI Gene or Ensembl gene id)"
        ),
    ),
]


def _resolved(identifiers: list[str]) -> list[tuple[str, GeneLookup | None]]:
    """Each given identifier (order kept, blanks and repeats dropped) with its lookup."""
    texts = list(dict.fromkeys(text.strip() for text in identifiers if text.strip()))
    if not texts:
        raise ToolError("Give at least one non-empty identifier.")
    lookups = selectors.gene_resolve_many(texts)
    return [(text, lookups.get(text)) for text in texts]


def _status(lookup: GeneLookup | None) -> str:
    if lookup is None or not lookup.matches:
        return "unknown"
    return "ambiguous" if lookup.ambiguous else "resolved"


def resolve_genes(identifiers: Identifiers) -> Answer:
    """What many gene symbols or ids mean now: each comes back `resolved` (one current gene, and
    how it matched: symbol, previous, alias, hgnc_id, ncbi_id, ensembl_id), `ambiguous` (all
    candidates listed; nothing is picked silently) or `unknown`."""
    data: list[dict[str, Any]] = []
    counts = {"resolved": 0, "ambiguous": 0, "unknown": 0}
    for text, lookup in _resolved(identifiers):
        status = _status(lookup)
        counts[status] += 1
        candidates = [
            gene_match_resource(match.gene, match.matched_by)
            for match in (lookup.matches if lookup else [])
        ]
        data.append({"query": text, "status": status, "candidates": candidates})
    notes = [
        f"{row['query']} → {row['candidates'][0]['attributes']['approved_symbol']}"
        for row in data
        if row["status"] == "resolved"
        and row["candidates"][0]["attributes"]["approved_symbol"] != row["query"]
    ][:10]
    ambiguous = [row["query"] for row in data if row["status"] == "ambiguous"][:10]
    unknown = [row["query"] for row in data if row["status"] == "unknown"][:10]
    summary = (
        f"{counts['resolved']} resolved, {counts['ambiguous']} ambiguous, "
        f"{counts['unknown']} unknown."
    )
    if notes:
        summary += f" Renamed/other ids: {', '.join(notes)}."
    if ambiguous:
        summary += f" Ambiguous: {', '.join(ambiguous)}."
    if unknown:
        summary += f" Unknown: {', '.join(unknown)}."
    return Answer(summary, data, {**counts, "max_identifiers": MAX_IDENTIFIERS})


def compare_gene_list(
    genes: Identifiers,
    missing_limit: Annotated[
        int, Field(ge=0, le=MAX_MISSING, description="How many missing genes to list")
    ] = 50,
) -> Answer:
    """Compare a gene list (for example a lab's panel) with the database: which genes are in it
    and at what tier and score, which identifiers are ambiguous or unknown, and which
    high-evidence genes (classic evidence count >= 2) the list is missing, strongest first."""
    found: list[dict[str, Any]] = []
    not_scored: list[dict[str, Any]] = []
    unresolved: list[dict[str, Any]] = []
    matched_ids: dict[int, str] = {}
    for text, lookup in _resolved(genes):
        status = _status(lookup)
        if status != "resolved":
            symbols = [match.gene.symbol for match in lookup.matches] if lookup else []
            unresolved.append({"query": text, "status": status, "candidates": symbols})
            continue
        matched_ids.setdefault(lookup.gene.hgnc_id, text)
    in_database = (
        selectors.gene_score_list_filtered(
            {"hgnc_ids": ",".join(str(gene_id) for gene_id in matched_ids)}
        )
        if matched_ids
        else []
    )
    scored_ids = set()
    for row in GeneListAttributesSerializer(in_database, many=True).data:
        scored_ids.add(int(row["hgnc_id"].removeprefix("HGNC:")))
        found.append({"query": matched_ids[int(row["hgnc_id"].removeprefix("HGNC:"))], **row})
    for gene_id, text in matched_ids.items():
        if gene_id not in scored_ids:
            not_scored.append({"query": text, "hgnc_id": f"HGNC:{gene_id}"})
    missing_rows = selectors.gene_score_list_filtered({"high_evidence": "true"}).exclude(
        gene_id__in=list(matched_ids)
    )
    missing_total = missing_rows.count()
    missing = GeneListAttributesSerializer(missing_rows[:missing_limit], many=True).data
    high_in_list = sum(1 for row in found if row["high_evidence"])
    summary = (
        f"Of {len(matched_ids) + len(unresolved)} genes given, {len(found)} are scored here "
        f"({high_in_list} high evidence), {len(not_scored)} have no evidence, "
        f"{len(unresolved)} are ambiguous or unknown. The list misses {missing_total} "
        "high-evidence genes"
    )
    if missing:
        summary += ", strongest: " + ", ".join(row["approved_symbol"] for row in missing[:10])
    data = {
        "in_database": found,
        "not_scored": not_scored,
        "unresolved": unresolved,
        "missing_high_evidence": list(missing),
    }
    meta = {
        "given": len(matched_ids) + len(unresolved),
        "in_database": len(found),
        "missing_high_evidence_total": missing_total,
        "missing_listed": len(missing),
    }
    return Answer(summary + ".", data, meta)


def network_neighbours(
    identifier: GeneIdentifier,
    min_combined_score: Annotated[
        int, Field(ge=0, le=1000, description="STRING combined score, 0-1000 (400 = medium)")
    ] = ANNOTATION_DEFAULTS["string_min_score"],
    limit: Annotated[int, Field(ge=1, le=MAX_NEIGHBOURS)] = 20,
) -> Answer:
    """A gene's STRING v12 interaction partners that are themselves scored kidney genes,
    strongest interaction first, each with its evidence score and tier."""
    gene, _ = gene_lookup(identifier)
    partners = gene_scored_neighbours(
        gene.hgnc_id, min_combined_score=min_combined_score, limit=limit
    )
    shown = ", ".join(f"{p['symbol']} ({p['combined_score']})" for p in partners[:10])
    summary = (
        f"{gene.symbol} has {len(partners)} scored STRING partners with combined score >= "
        f"{min_combined_score}" + (f": {shown}." if partners else ".")
    )
    meta = {"gene": gene.symbol, "hgnc_id": gene.hgnc_curie, "count": len(partners)}
    return Answer(summary, partners, meta)
