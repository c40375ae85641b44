"""The gene page: identity, score with its per-source breakdown, classic count, evidence cards.

Loaded in a fixed number of queries whatever the gene: the lookup (with score and symbols),
its evidence rows, and one batch per registered extension section.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from common.caching import cached_page
from genes.extensions import gene_section_payloads, gene_sections
from genes.models import Evidence, Gene, SymbolKind
from genes.scoring import score_explain
from genes.selectors import evidence_list, gene_get
from genes.views.charts import Bar, horizontal_bars
from genes.views.errors import not_found_page
from genes.views.evidence import detail_blocks


def external_links(gene: Gene) -> list[tuple[str, str]]:
    hgnc = f"https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/{gene.hgnc_curie}"
    links = [("HGNC", hgnc)]
    if gene.entrez_id:
        links.append(("NCBI Gene", f"https://www.ncbi.nlm.nih.gov/gene/{gene.entrez_id}"))
    if gene.ensembl_gene_id:
        ensembl = f"https://www.ensembl.org/Homo_sapiens/Gene/Summary?g={gene.ensembl_gene_id}"
        links.append(("Ensembl", ensembl))
    links.extend((f"OMIM {omim}", f"https://omim.org/entry/{omim}") for omim in gene.omim_ids or [])
    return links


def score_breakdown(explanation: dict[str, Any], evidence: dict[str, Evidence]) -> list[dict]:
    """The explanation's per-source lines plus the points each adds and its evidence row."""
    section = explanation["evidence_score"]
    sources_with_data = section["sources_with_data"]
    lines = []
    for entry in section["sources"]:
        source_score = entry["source_score"]
        points = None
        if source_score is not None and sources_with_data:
            points = 100 * source_score / sources_with_data
        lines.append({**entry, "points": points, "evidence": evidence.get(entry["source"])})
    return lines


def breakdown_chart(gene: Gene, lines: list[dict], sources_with_data: int) -> Any:
    bars = [Bar(line["label"], line["points"] or 0, f"{line['points'] or 0:.1f}") for line in lines]
    return horizontal_bars(
        bars,
        title=f"Points each source adds to the evidence score of {gene.symbol}",
        maximum=100 / max(sources_with_data, 1),
    )


def _sections(gene: Gene) -> list[dict[str, Any]]:
    payloads = gene_section_payloads([gene.hgnc_id])
    return [
        {"section": section, "payload": payloads.get(section.name, {}).get(gene.hgnc_id)}
        for section in gene_sections()
        if payloads.get(section.name, {}).get(gene.hgnc_id) is not None
    ]


@cached_page
def gene_detail(request: HttpRequest, symbol: str) -> HttpResponse:
    lookup = gene_get(symbol)
    if lookup.ambiguous:
        return render(request, "genes/gene_ambiguous.html", {"lookup": lookup})
    gene = lookup.gene
    if gene is None:
        return not_found_page(request, symbol)
    if gene.symbol != symbol:
        return redirect(reverse("genes:gene_detail", args=[gene.symbol]))
    gene_score = getattr(gene, "score", None)
    evidence = {row.source: row for row in evidence_list(gene.hgnc_id)}
    explanation = score_explain(gene.hgnc_id)
    lines = score_breakdown(explanation, evidence)
    sources_with_data = explanation["evidence_score"]["sources_with_data"]
    cards = [
        {"line": line, "blocks": detail_blocks(line["evidence"].details)}
        for line in lines
        if line["evidence"] is not None
    ]
    context = {
        "gene": gene,
        "gene_score": gene_score,
        "previous_symbols": [s.symbol for s in gene.symbols.all() if s.kind == SymbolKind.PREVIOUS],
        "alias_symbols": [s.symbol for s in gene.symbols.all() if s.kind == SymbolKind.ALIAS],
        "links": external_links(gene),
        "explanation": explanation,
        "breakdown": lines,
        "breakdown_chart": breakdown_chart(gene, lines, sources_with_data),
        "points_per_source": 100 / sources_with_data if sources_with_data else 0,
        "cards": cards,
        "sections": _sections(gene),
    }
    return render(request, "genes/gene_detail.html", context)
