"""Gene tools: search, one gene, its score explanation, evidence and annotations.

Each body validates its arguments (the JSON Schema bounds come from the type hints), resolves a
gene the way the REST API does (never a silent pick among several), and shapes the rows with the
REST API's own serializers, so a tool and the matching endpoint answer the same numbers.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field

from annotations.selectors import gene_annotations_get
from curation.selectors import decision_section_payloads
from genes import selectors
from genes.api.serializers import (
    EvidenceSerializer,
    GeneListAttributesSerializer,
    gene_detail_resource,
)
from genes.models import Gene, Tier
from genes.scoring import score_explanations
from genes.sources import source_keys
from mcp_server.evidence_links import evidence_links
from mcp_server.output import Answer, ToolError

MAX_PAGE_SIZE = 100
SUMMARY_GENES = 10

GeneIdentifier = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        description=(
            "Approved symbol (any case), previous or alias symbol, HGNC id (HGNC:9008 or 9008), "
            "NCBI Gene id or Ensembl gene id (ENSG...)"
        ),
    ),
]
# Built from the models' choices and the source registry (filled when the apps are ready, before
# the tools are imported) so the JSON Schema enums never drift from them.
TierName = Literal[tuple(Tier.values)]  # type: ignore[valid-type]
SourceName = Literal[tuple(source_keys())]  # type: ignore[valid-type]
Score = Annotated[float, Field(ge=0, le=100)]
EvidenceCount = Annotated[int, Field(ge=0, le=5)]


def gene_lookup(identifier: str) -> tuple[Gene, list[str]]:
    """The one gene an identifier names and how it matched; a ToolError when it names none or
    several (with the candidates, so the caller can choose)."""
    lookup = selectors.gene_resolve(identifier)
    if lookup.ambiguous:
        candidates = ", ".join(
            f"{match.gene.symbol} ({match.gene.hgnc_curie}, by {'/'.join(match.matched_by)})"
            for match in lookup.matches
        )
        raise ToolError(
            f"{identifier!r} names several genes: {candidates}. Ask again with an HGNC id."
        )
    if lookup.gene is None:
        raise ToolError(f"No gene {identifier!r}. resolve_genes shows what an identifier means.")
    return lookup.gene, lookup.matches[0].matched_by


def _matched_note(identifier: str, gene: Gene, matched_by: list[str]) -> str:
    indirect = [kind for kind in matched_by if kind in ("previous", "alias")]
    if not indirect:
        return ""
    return f"{identifier!r} is a {indirect[0]} symbol of {gene.symbol}. "


def _float(value: float | None) -> str | None:
    return None if value is None else repr(float(value))


def search_genes(
    search: Annotated[
        str | None,
        Field(
            max_length=100,
            description="Symbol prefix, previous/alias symbol, HGNC id or name words",
        ),
    ] = None,
    tiers: Annotated[
        list[TierName] | None, Field(max_length=6, description="Any of these tiers")
    ] = None,
    min_score: Annotated[
        Score | None, Field(description="Lowest evidence score, inclusive")
    ] = None,
    max_score: Annotated[
        Score | None, Field(description="Highest evidence score, inclusive")
    ] = None,
    min_evidence_count: Annotated[
        EvidenceCount | None, Field(description="Lowest classic evidence count (0-5)")
    ] = None,
    max_evidence_count: Annotated[
        EvidenceCount | None, Field(description="Highest classic evidence count (0-5)")
    ] = None,
    sources: Annotated[
        list[SourceName] | None,
        Field(max_length=7, description="Sources that must ALL have evidence for the gene"),
    ] = None,
    high_evidence: Annotated[
        bool | None, Field(description="true: classic count >= 2; false: below")
    ] = None,
    max_loeuf: Annotated[
        float | None, Field(ge=0, le=10, description="gnomAD LOEUF at most this (e.g. 0.35)")
    ] = None,
    min_pli: Annotated[
        float | None, Field(ge=0, le=1, description="gnomAD pLI at least this (e.g. 0.9)")
    ] = None,
    syndromic: Annotated[bool | None, Field(description="HPO syndromic flag")] = None,
    sort: Annotated[
        str,
        Field(
            max_length=100,
            description=(
                "Comma-separated keys, '-' for descending: score, evidence_count, "
                "approved_symbol, hgnc_id, tier, source_count"
            ),
        ),
    ] = "-score,approved_symbol",
    page: Annotated[int, Field(ge=1, le=10_000)] = 1,
    page_size: Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)] = 25,
) -> Answer:
    """Search the scored kidney genes with the gene list's filters (the same as the REST API's
    /api/genes/ and the gene browser): tier, score range, classic evidence count, sources that
    must all have evidence, high evidence, text search, and gnomAD/HPO annotations. Returns one
    page (at most 100 genes) with each gene's score, tier, classic count and per-source scores."""
    filters: dict[str, str | None] = {
        "search": search,
        "tier": ",".join(tiers) if tiers else None,
        "min_score": _float(min_score),
        "max_score": _float(max_score),
        "min_evidence_count": None if min_evidence_count is None else str(min_evidence_count),
        "max_evidence_count": None if max_evidence_count is None else str(max_evidence_count),
        "source": ",".join(sources) if sources else None,
        "high_evidence": None if high_evidence is None else str(high_evidence).lower(),
        "max_loeuf": _float(max_loeuf),
        "min_pli": _float(min_pli),
        "syndromic": None if syndromic is None else str(syndromic).lower(),
        "sort": sort,
    }
    given = {name: value for name, value in filters.items() if value is not None}
    try:
        queryset = selectors.gene_score_list_filtered(given)
    except selectors.GeneListFilterInvalid as error:
        raise ToolError(f"Invalid filter: {error}") from error
    total = queryset.count()
    page_count = max(1, math.ceil(total / page_size))
    if page > page_count:
        raise ToolError(f"page {page} is past the last page ({page_count}).")
    start = (page - 1) * page_size
    rows = GeneListAttributesSerializer(queryset[start : start + page_size], many=True).data
    shown = ", ".join(
        f"{row['approved_symbol']} ({row['score']:.1f}, {row['tier']})"
        for row in rows[:SUMMARY_GENES]
    )
    more = " …" if len(rows) > SUMMARY_GENES else ""
    summary = f"{total} genes match; page {page} of {page_count}: {shown}{more}."
    if not total:
        summary = "No scored gene matches these filters."
    meta = {
        "filters": {name: value for name, value in given.items() if name != "sort"},
        "sort": sort,
        "total": total,
        "page": page,
        "page_size": page_size,
        "page_count": page_count,
        "max_page_size": MAX_PAGE_SIZE,
    }
    return Answer(summary, list(rows), meta)


def get_gene(identifier: GeneIdentifier) -> Answer:
    """One gene: identity (symbols, HGNC/NCBI/Ensembl/OMIM ids), evidence score (0-100), tier,
    classic evidence count (0-5), each source's score, and the curator decision if any. A
    previous or alias symbol is followed to the current gene; an identifier naming several
    genes is an error listing them."""
    gene, matched_by = gene_lookup(identifier)
    sections = {}
    decision = decision_section_payloads([gene.hgnc_id]).get(gene.hgnc_id)
    if decision is not None:
        sections["curator_decision"] = decision
    resource = gene_detail_resource(gene, explanation=None, sections=sections)
    attributes = resource["attributes"]
    attributes.pop("explanation")
    score = attributes["score"]
    if score is None:
        facts = "has no evidence in any source (not scored)"
    else:
        high = ", high evidence" if score["high_evidence"] else ""
        facts = (
            f"evidence score {score['score']:.1f}/100, tier {score['tier']}, classic evidence "
            f"count {score['evidence_count']}/5{high}, sources: {', '.join(score['sources'])}"
        )
    verdict = f" Curator decision: {decision['verdict_label']}." if decision else ""
    summary = (
        f"{_matched_note(identifier, gene, matched_by)}{gene.symbol} ({gene.hgnc_curie}, "
        f"{gene.name}): {facts}.{verdict}"
    )
    data = {"id": resource["id"], **attributes, "links": resource["links"]}
    return Answer(summary, data, {"matched_by": matched_by})


def explain_score(identifier: GeneIdentifier) -> Answer:
    """How a gene's evidence score, tier and classic evidence count were reached, in plain
    language: each source's count or classification, its source score, the formula and the
    tier rule that matched (what the gene page shows)."""
    gene, matched_by = gene_lookup(identifier)
    explanation = score_explanations([gene.hgnc_id])[gene.hgnc_id]
    summary = " ".join(explanation["sentences"][:1] + explanation["sentences"][-2:])
    if not explanation["scored"]:
        summary = f"{gene.symbol} has no evidence in any source, so it has no score."
    summary = f"{_matched_note(identifier, gene, matched_by)}{gene.symbol}: {summary}"
    return Answer(summary, explanation, {"matched_by": matched_by})


def get_gene_evidence(identifier: GeneIdentifier) -> Answer:
    """Each source's evidence for a gene (counts, classifications, the source's details) with
    provenance: the run that wrote it, the source version, and links to the records behind it
    (PubMed articles, PanelApp panels, ClinGen and GenCC records, HPO terms)."""
    gene, matched_by = gene_lookup(identifier)
    rows = EvidenceSerializer(selectors.evidence_list(gene.hgnc_id), many=True).data
    data: list[dict[str, Any]] = []
    for row in rows:
        item = dict(row)
        item["provenance_links"] = evidence_links(item["source"], item["details"])
        data.append(item)
    labels = ", ".join(row["source_label"] for row in data) or "no source"
    summary = (
        f"{_matched_note(identifier, gene, matched_by)}{gene.symbol} has evidence from "
        f"{len(data)} of {len(source_keys())} sources: {labels}."
    )
    meta = {"gene": gene.symbol, "hgnc_id": gene.hgnc_curie, "count": len(data)}
    return Answer(summary, data, meta)


def get_gene_annotations(identifier: GeneIdentifier) -> Answer:
    """Annotations that help interpret a gene (they never change its score): gnomAD constraint
    (pLI, LOEUF), ClinVar variant counts, GTEx kidney expression, HPO phenotypes with the
    syndromic flag, and the strongest STRING interaction partners."""
    gene, matched_by = gene_lookup(identifier)
    data = gene_annotations_get(gene)
    facts = []
    if data["constraint"]:
        facts.append(f"LOEUF {data['constraint']['loeuf']}, pLI {data['constraint']['pli']}")
    if data["clinvar"]:
        facts.append(f"{data['clinvar']['pathogenic_or_likely']} ClinVar P/LP variants")
    summary_row = data["phenotypes"]["summary"]
    if summary_row:
        syndromic = "syndromic" if summary_row["syndromic"] else "not syndromic"
        facts.append(f"{summary_row['phenotype_count']} HPO phenotypes ({syndromic})")
    if data["neighbours"]:
        facts.append(f"{len(data['neighbours'])} STRING partners shown")
    found = "; ".join(facts) if facts else "no annotations loaded"
    summary = f"{_matched_note(identifier, gene, matched_by)}{gene.symbol}: {found}."
    return Answer(summary, data, {"matched_by": matched_by})
