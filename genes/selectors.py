"""Reads of genes, scores and evidence: one place decides how a gene list or gene page loads.

Identity lookups are case-insensitive and never pick silently: an identifier that names more
than one gene comes back as candidates.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Length, Upper

from common.params import INT32_MAX, ascii_int
from genes.filters import GeneScoreFilterSet
from genes.models import Evidence, Gene, GeneScore, GeneStatus, GeneSymbol, SymbolKind
from genes.normalise import Outcome, normalise_symbol, parse_hgnc_id

ENSEMBL_PREFIX = "ENSG"


def gene_score_list() -> QuerySet[GeneScore]:
    """Scored genes with their gene row joined; the FilterSet narrows and orders it."""
    return GeneScore.objects.select_related("gene")


class GeneListFilterInvalid(ValueError):
    """Filter values the shared FilterSet refused, by filter name (its messages, unchanged)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(
            "; ".join(f"{name}: {' '.join(messages)}" for name, messages in errors.items())
        )


def gene_score_list_filtered(
    filters: Mapping[str, str], *, queryset: QuerySet[GeneScore] | None = None
) -> QuerySet[GeneScore]:
    """Scored genes narrowed and ordered by the shared FilterSet (plain parameter names, string
    values), as the API and the MCP tools filter them; raises `GeneListFilterInvalid` rather
    than ignoring a bad value."""
    base = gene_score_list() if queryset is None else queryset
    filterset = GeneScoreFilterSet(filters, queryset=base)
    if not filterset.is_valid():
        errors = {
            name: [str(message) for message in messages]
            for name, messages in filterset.errors.items()
        }
        raise GeneListFilterInvalid(errors)
    return filterset.qs


def gene_detail_queryset() -> QuerySet[Gene]:
    """Genes as a gene page needs them: score joined, previous and alias symbols prefetched."""
    return Gene.objects.select_related("score").prefetch_related(
        Prefetch("symbols", queryset=GeneSymbol.objects.order_by("kind", "symbol"))
    )


@dataclass
class GeneMatch:
    """How an identifier led to a gene (`symbol`, `previous`, `alias`, `hgnc_id`, ...)."""

    gene: Gene
    matched_by: list[str] = field(default_factory=list)


@dataclass
class GeneLookup:
    """The result of resolving an identifier: zero, one or several candidate genes."""

    query: str
    matches: list[GeneMatch]

    @property
    def gene(self) -> Gene | None:
        return self.matches[0].gene if len(self.matches) == 1 else None

    @property
    def ambiguous(self) -> bool:
        return len(self.matches) > 1


def _direct_condition(query: str, *, external_ids: bool) -> Q | None:
    """Identifiers that name a gene row itself: approved symbol, HGNC/NCBI/Ensembl id."""
    text = query.strip()
    condition = Q(symbol_upper=text.upper())
    hgnc_id = parse_hgnc_id(text)
    if hgnc_id is not None:
        condition |= Q(hgnc_id=hgnc_id)
    if external_ids:
        entrez_id = ascii_int(text, maximum=INT32_MAX)
        if entrez_id is not None:
            condition |= Q(entrez_id=entrez_id)
        if text.upper().startswith(ENSEMBL_PREFIX):
            condition |= Q(ensembl_gene_id=text.upper().split(".")[0])
    return condition


def _direct_kinds(gene: Gene, query: str) -> list[str]:
    text = query.strip()
    kinds = []
    if gene.symbol.upper() == text.upper():
        kinds.append("symbol")
    if parse_hgnc_id(text) == gene.hgnc_id:
        kinds.append("hgnc_id")
    if gene.entrez_id is not None and gene.entrez_id == ascii_int(text, maximum=INT32_MAX):
        kinds.append("ncbi_id")
    if gene.ensembl_gene_id and gene.ensembl_gene_id == text.upper().split(".")[0]:
        kinds.append("ensembl_id")
    return kinds


def _direct_decides(query: str, direct: list[GeneMatch]) -> GeneLookup | None:
    """Direct identifiers win when they matched an approved gene (or an HGNC id matched any)."""
    approved = [match for match in direct if match.gene.status == GeneStatus.APPROVED]
    if approved or (direct and parse_hgnc_id(query) is not None):
        return GeneLookup(query, approved or direct)
    return None


def _symbol_rows(uppers: list[str]) -> QuerySet[GeneSymbol]:
    """Previous/alias symbol rows of approved genes, with each gene as a gene page loads it."""
    return (
        GeneSymbol.objects.filter(symbol_upper__in=uppers, gene__status=GeneStatus.APPROVED)
        .select_related("gene__score")
        .prefetch_related(
            Prefetch("gene__symbols", queryset=GeneSymbol.objects.order_by("kind", "symbol"))
        )
        .order_by("gene__symbol", "kind")
    )


def _symbol_matches(rows: list[GeneSymbol]) -> list[GeneMatch]:
    by_gene: dict[int, GeneMatch] = {}
    for row in rows:
        match = by_gene.setdefault(row.gene_id, GeneMatch(row.gene))
        match.matched_by.append(SymbolKind(row.kind).value)
    return list(by_gene.values())


def _lookup(query: str, *, external_ids: bool) -> GeneLookup:
    """Direct identifiers win; previous/alias symbols are consulted only when nothing direct
    matched an approved gene. Two queries at most, plus the symbols prefetch per step."""
    text = query.strip()
    if not text:
        return GeneLookup(query, [])
    genes = (
        gene_detail_queryset()
        .alias(symbol_upper=Upper("symbol"))
        .filter(_direct_condition(text, external_ids=external_ids))
    )
    direct = [GeneMatch(gene, _direct_kinds(gene, text)) for gene in genes]
    decided = _direct_decides(query, direct)
    if decided is not None:
        return decided
    return GeneLookup(query, _symbol_matches(list(_symbol_rows([text.upper()]))) or direct)


def gene_resolve_many(queries: list[str]) -> dict[str, GeneLookup]:
    """`gene_resolve` for many identifiers with the same rules, in four queries whatever their
    number: every direct identifier at once, then the previous/alias symbols still open."""
    texts = list(dict.fromkeys(query.strip() for query in queries if query.strip()))
    hgnc_ids = {number for text in texts if (number := parse_hgnc_id(text)) is not None}
    ncbi_ids = {number for text in texts if (number := ascii_int(text, maximum=INT32_MAX))}
    ensembl_ids = {
        text.upper().split(".")[0] for text in texts if text.upper().startswith(ENSEMBL_PREFIX)
    }
    genes = list(
        gene_detail_queryset()
        .alias(symbol_upper=Upper("symbol"))
        .filter(
            Q(symbol_upper__in=[text.upper() for text in texts])
            | Q(hgnc_id__in=hgnc_ids)
            | Q(entrez_id__in=ncbi_ids)
            | Q(ensembl_gene_id__in=ensembl_ids)
        )
    )
    found: dict[str, GeneLookup] = {}
    open_texts: list[str] = []
    directs: dict[str, list[GeneMatch]] = {}
    for text in texts:
        direct = [GeneMatch(gene, kinds) for gene in genes if (kinds := _direct_kinds(gene, text))]
        decided = _direct_decides(text, direct)
        if decided is not None:
            found[text] = decided
        else:
            directs[text] = direct
            open_texts.append(text)
    rows_by_symbol: dict[str, list[GeneSymbol]] = {}
    if open_texts:
        for row in _symbol_rows([text.upper() for text in open_texts]):
            rows_by_symbol.setdefault(row.symbol_upper, []).append(row)
    for text in open_texts:
        matches = _symbol_matches(rows_by_symbol.get(text.upper(), []))
        found[text] = GeneLookup(text, matches or directs[text])
    return found


def gene_get(identifier: str) -> GeneLookup:
    """A gene by approved symbol, `HGNC:n`, bare HGNC number, previous or alias symbol."""
    return _lookup(identifier, external_ids=False)


def gene_resolve(query: str) -> GeneLookup:
    """Like `gene_get`, and also NCBI Gene ids and Ensembl gene ids (a bare number may be
    an HGNC id or an NCBI id: both are returned when they are different genes)."""
    return _lookup(query, external_ids=True)


def evidence_list(gene_id: int) -> QuerySet[Evidence]:
    """A gene's evidence rows, one per source, in source order."""
    return Evidence.objects.filter(gene_id=gene_id).order_by("source")


@dataclass(frozen=True)
class GeneSuggestion:
    """A gene someone may have meant, and why it is offered."""

    symbol: str
    name: str
    reason: str
    tier: str = ""
    tier_label: str = ""


SUGGESTION_LIMIT = 6
# difflib's similarity ratio (0–1) a symbol needs to be offered as "close": PKD1 for PDK1 or PKD
# (0.75), not PAX2 for PKD1 (0.5).
CLOSE_SYMBOL_RATIO = 0.7


def _close_symbols(text: str) -> list[str]:
    """Approved symbols spelled like `text`: same first letter and length within two, or the
    same first two letters, ranked by similarity. One indexed query over a few thousand rows at
    most in the full HGNC set."""
    upper = text.upper()
    near = (
        Gene.objects.filter(status=GeneStatus.APPROVED)
        .annotate(symbol_upper=Upper("symbol"), symbol_length=Length("symbol"))
        .filter(
            Q(symbol_upper__startswith=upper[:2])
            | Q(
                symbol_upper__startswith=upper[:1],
                symbol_length__gte=len(upper) - 2,
                symbol_length__lte=len(upper) + 2,
            )
        )
        .exclude(symbol_upper=upper)
        .values_list("symbol", flat=True)
    )
    by_upper = {symbol.upper(): symbol for symbol in near}
    close = difflib.get_close_matches(
        upper, list(by_upper), n=SUGGESTION_LIMIT, cutoff=CLOSE_SYMBOL_RATIO
    )
    return [by_upper[symbol] for symbol in close]


def _normaliser_suggestions(text: str) -> list[tuple[int, str]]:
    """(HGNC id, reason) the normaliser offers: a curator's mapping, a previous or alias symbol
    (one gene or several), the genes a withdrawn symbol was merged into."""
    result = normalise_symbol(text)
    name = result.cleaned
    if result.outcome == Outcome.RESOLVED and result.gene_id is not None:
        reasons = {
            "curated": f"{name} is mapped to it by a curator",
            "previous": f"{name} is its previous symbol",
            "alias": f"{name} is its alias symbol",
        }
        return [(result.gene_id, reasons.get(result.matched_by, "the same gene"))]
    if result.outcome == Outcome.AMBIGUOUS:
        return [(gene_id, f"{name} is one of its symbols") for gene_id in result.candidates]
    if result.outcome == Outcome.WITHDRAWN:
        withdrawn = Gene.objects.filter(hgnc_id__in=result.candidates)
        merged = {target for gene in withdrawn for target in gene.merged_into or []}
        return [(gene_id, f"{name} was withdrawn and merged into it") for gene_id in merged]
    return []


def gene_suggestions(text: str, *, limit: int = SUGGESTION_LIMIT) -> list[GeneSuggestion]:
    """Genes someone typing `text` may have meant, for "did you mean" on the not-found page and
    in an empty search: first what the normaliser knows (previous, alias, curated, merged
    symbols), then approved symbols spelled alike."""
    text = text.strip()[:64]
    if not text:
        return []
    offered = _normaliser_suggestions(text)
    close = _close_symbols(text) if len(text) >= 2 else []
    genes = {
        gene.symbol.upper(): gene
        for gene in Gene.objects.select_related("score").filter(
            Q(hgnc_id__in=[gene_id for gene_id, _ in offered]) | Q(symbol__in=close),
            status=GeneStatus.APPROVED,
        )
    }
    by_id = {gene.hgnc_id: gene for gene in genes.values()}
    ordered = [(by_id[gene_id], reason) for gene_id, reason in offered if gene_id in by_id]
    ordered += [
        (genes[symbol.upper()], "a similar symbol") for symbol in close if symbol.upper() in genes
    ]
    suggestions: list[GeneSuggestion] = []
    seen: set[int] = set()
    for gene, reason in ordered:
        if gene.hgnc_id in seen:
            continue
        seen.add(gene.hgnc_id)
        score = getattr(gene, "score", None)
        suggestions.append(
            GeneSuggestion(
                symbol=gene.symbol,
                name=gene.name,
                reason=reason,
                tier=score.tier if score else "",
                tier_label=score.get_tier_display() if score else "",
            )
        )
    return suggestions[:limit]


@dataclass(frozen=True)
class SearchExplanation:
    """Why a gene search found no scored gene: the gene it names (scored or not), the several
    genes it may name, or genes spelled alike."""

    query: str
    gene: Gene | None = None
    candidates: tuple[Gene, ...] = ()
    suggestions: tuple[GeneSuggestion, ...] = ()

    @property
    def has_evidence(self) -> bool:
        return self.gene is not None and getattr(self.gene, "score", None) is not None


def gene_search_explain(query: str) -> SearchExplanation:
    """For an empty gene search: BRCA1 is in HGNC and has a gene page, but no kidney evidence;
    PKD1 has evidence but the other filters exclude it; NPHSS1 is close to NPHS1."""
    query = query.strip()[:64]
    lookup = gene_resolve(query)
    if lookup.gene is not None:
        return SearchExplanation(query, gene=lookup.gene)
    if lookup.ambiguous:
        return SearchExplanation(query, candidates=tuple(match.gene for match in lookup.matches))
    return SearchExplanation(query, suggestions=tuple(gene_suggestions(query)))
