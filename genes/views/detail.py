"""The gene page: identity, score with its per-source breakdown, classic count, evidence cards.

Loaded in a fixed number of queries whatever the gene: the lookup (with score and symbols),
its evidence rows, and one batch per registered extension section.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from genes.config import COUNT_SOURCES, SCORE_COLUMNS, classic_threshold, scoring_config
from genes.extensions import gene_section_payloads, gene_sections
from genes.models import Evidence, Gene, GeneScore, SourceKey, SymbolKind
from genes.selectors import evidence_list, gene_get
from genes.views.charts import Bar, horizontal_bars
from genes.views.evidence import detail_blocks

COUNT_SOURCE_BY_KEY = {str(source.key): source for source in COUNT_SOURCES}


@dataclass
class SourceLine:
    """One row of the score breakdown: what the source says and what it adds to the score."""

    key: str
    label: str
    evidence: Evidence | None
    source_score: float | None
    measure: str
    contribution: float | None


def external_links(gene: Gene) -> list[tuple[str, str]]:
    links = [
        ("HGNC", f"https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/{gene.hgnc_curie}")
    ]
    if gene.entrez_id:
        links.append(("NCBI Gene", f"https://www.ncbi.nlm.nih.gov/gene/{gene.entrez_id}"))
    if gene.ensembl_gene_id:
        links.append(
            (
                "Ensembl",
                f"https://www.ensembl.org/Homo_sapiens/Gene/Summary?g={gene.ensembl_gene_id}",
            )
        )
    links.extend((f"OMIM {omim}", f"https://omim.org/entry/{omim}") for omim in gene.omim_ids or [])
    return links


def _measure(key: str, evidence: Evidence | None) -> str:
    """The count or classification that the source's score ranks, in words."""
    if evidence is None:
        return "not listed"
    if evidence.classification:
        return evidence.classification
    count_source = COUNT_SOURCE_BY_KEY.get(key)
    if count_source is None:
        return "listed"
    count = getattr(evidence, count_source.score_field)
    return f"{count} {count_source.score_count_label}" if count is not None else "listed"


def score_breakdown(
    gene_score: GeneScore | None, evidence: dict[str, Evidence]
) -> list[SourceLine]:
    lines = []
    sources_with_data = gene_score.sources_with_data if gene_score else 0
    for key, column in SCORE_COLUMNS:
        source_score = getattr(gene_score, f"{column}_score", None) if gene_score else None
        contribution = (
            100 * source_score / sources_with_data
            if source_score is not None and sources_with_data
            else None
        )
        lines.append(
            SourceLine(
                key=str(key),
                label=SourceKey(key).label,
                evidence=evidence.get(str(key)),
                source_score=source_score,
                measure=_measure(str(key), evidence.get(str(key))),
                contribution=contribution,
            )
        )
    return lines


def classic_flags(
    gene_score: GeneScore | None, evidence: dict[str, Evidence]
) -> list[dict[str, Any]]:
    """The five classic sources: supported, listed below threshold, or not listed."""
    flags = []
    for source in COUNT_SOURCES:
        if not source.classic:
            continue
        flag = getattr(gene_score, f"{source.column}_flag", None) if gene_score else None
        row = evidence.get(str(source.key))
        count = getattr(row, source.flag_field) if row is not None and source.flag_field else None
        threshold = classic_threshold(source.key)
        rule = (
            f"at least {threshold} {source.classic_count_label}" if threshold else "listed at all"
        )
        flags.append(
            {"label": SourceKey(source.key).label, "flag": flag, "count": count, "rule": rule}
        )
    return flags


def _sections(gene: Gene) -> list[dict[str, Any]]:
    payloads = gene_section_payloads([gene.hgnc_id])
    return [
        {"section": section, "payload": payloads.get(section.name, {}).get(gene.hgnc_id)}
        for section in gene_sections()
        if payloads.get(section.name, {}).get(gene.hgnc_id) is not None
    ]


def gene_detail(request: HttpRequest, symbol: str) -> HttpResponse:
    lookup = gene_get(symbol)
    if lookup.ambiguous:
        return render(request, "genes/gene_ambiguous.html", {"lookup": lookup})
    gene = lookup.gene
    if gene is None:
        raise Http404(f"No gene matches {symbol!r}.")
    if gene.symbol != symbol:
        return redirect(reverse("genes:gene_detail", args=[gene.symbol]))
    gene_score = getattr(gene, "score", None)
    evidence = {row.source: row for row in evidence_list(gene.hgnc_id)}
    breakdown = score_breakdown(gene_score, evidence)
    chart = horizontal_bars(
        [
            Bar(line.label, line.contribution or 0, f"{line.contribution or 0:.1f}")
            for line in breakdown
        ],
        title=f"Points each source adds to the score of {gene.symbol}",
        maximum=100 / max(gene_score.sources_with_data, 1) if gene_score else 1,
    )
    cards = [
        {"line": line, "blocks": detail_blocks(line.evidence.details)}
        for line in breakdown
        if line.evidence is not None
    ]
    context = {
        "gene": gene,
        "gene_score": gene_score,
        "previous_symbols": [s.symbol for s in gene.symbols.all() if s.kind == SymbolKind.PREVIOUS],
        "alias_symbols": [s.symbol for s in gene.symbols.all() if s.kind == SymbolKind.ALIAS],
        "links": external_links(gene),
        "breakdown": breakdown,
        "breakdown_chart": chart,
        "contribution_sum": sum(line.contribution or 0 for line in breakdown),
        "classic": classic_flags(gene_score, evidence),
        "high_evidence_min": scoring_config().high_evidence_min_count,
        "cards": cards,
        "sections": _sections(gene),
    }
    return render(request, "genes/gene_detail.html", context)
