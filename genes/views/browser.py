"""The public gene browser: the API's FilterSet behind an HTML form, all state in the URL.

The page speaks the FilterSet's plain parameter names (`search`, `tier`, `min_score`, ...). Only
multi-valued fields differ: a no-JS form sends `tier=a&tier=b`, which is joined into the
FilterSet's comma list, so `?tier=a,b` (as the API writes it) works too.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from common.caching import cached_page
from genes.config import SCORE_COLUMNS
from genes.exports import EXPORT_FORMATS
from genes.extensions import gene_list_filters
from genes.filters import DEFAULT_SORT, GeneScoreFilterSet
from genes.models import Tier
from genes.selectors import gene_score_list, gene_search_explain
from genes.sources import source_choices, source_label

PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50
MULTI_VALUED = ("tier", "source")
# Per-source score columns on GeneScore: a non-null score means the source lists the gene.
SOURCE_SCORE_FIELDS = {str(key): f"{column}_score" for key, column in SCORE_COLUMNS}
ASCENDING_FIRST = ("approved_symbol", "hgnc_id")
COLUMNS = (
    ("approved_symbol", "Symbol", ""),
    ("hgnc_id", "HGNC id", "hide-narrow"),
    ("tier", "Tier", ""),
    ("score", "Score", "num"),
    ("evidence_count", "Evidence count", "num"),
    ("source_count", "Sources", ""),
)


SORT_OPTIONS = (
    ("-score", "Score, highest first"),
    ("score", "Score, lowest first"),
    ("-tier", "Tier, strongest first"),
    ("tier", "Tier, weakest first"),
    ("-evidence_count", "Evidence count, highest first"),
    ("evidence_count", "Evidence count, lowest first"),
    ("-source_count", "Number of sources, most first"),
    ("source_count", "Number of sources, fewest first"),
    ("approved_symbol", "Symbol, A–Z"),
    ("-approved_symbol", "Symbol, Z–A"),
    ("hgnc_id", "HGNC id, ascending"),
    ("-hgnc_id", "HGNC id, descending"),
)


@dataclass(frozen=True)
class SortLink:
    key: str
    label: str
    css: str
    url: str
    direction: str  # "ascending", "descending" or "" when not sorted by this column


def filter_data(params: QueryDict) -> dict[str, str]:
    """The FilterSet's input from the page's query string (lists joined, blanks dropped)."""
    data: dict[str, str] = {}
    for name in params:
        if name in ("page", "page_size"):
            continue
        values = [value.strip() for value in params.getlist(name) if value.strip()]
        if values:
            data[name] = ",".join(values) if name in MULTI_VALUED else values[-1]
    return data


def _page_size(params: QueryDict) -> int:
    try:
        size = int(params.get("page_size", DEFAULT_PAGE_SIZE))
    except ValueError:
        return DEFAULT_PAGE_SIZE
    return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE


def _query(data: dict[str, str], **changes: str | int | None) -> str:
    """A query string for the current state with some parameters changed (None removes)."""
    merged: dict[str, str | int] = dict(data)
    for key, value in changes.items():
        if value is None or value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return "?" + urlencode(sorted(merged.items())) if merged else "?"


def sort_links(data: dict[str, str]) -> list[SortLink]:
    """Column headers: a click sorts by the column, a second click reverses it."""
    current = (data.get("sort") or ",".join(DEFAULT_SORT)).split(",")[0]
    links = []
    for key, label, css in COLUMNS:
        direction = ""
        if current.lstrip("-") == key:
            direction = "descending" if current.startswith("-") else "ascending"
        if direction:
            target = key if direction == "descending" else f"-{key}"
        else:
            target = key if key in ASCENDING_FIRST else f"-{key}"
        links.append(SortLink(key, label, css, _query(data, sort=target, page=None), direction))
    return links


def _rows(page_scores: list) -> list[dict]:
    """Plain values per row: the table renders 50–200 rows, so the template does no lookups."""
    tier_labels = dict(Tier.choices)
    rows = []
    for gene_score in page_scores:
        gene = gene_score.gene
        rows.append(
            {
                "symbol": gene.symbol,
                "name": gene.name if len(gene.name) <= 48 else gene.name[:47] + "…",
                "hgnc_curie": gene.hgnc_curie,
                "tier": gene_score.tier,
                "tier_label": tier_labels.get(gene_score.tier, gene_score.tier),
                "score": f"{gene_score.score:.1f}",
                "evidence_count": gene_score.evidence_count,
                "high_evidence": gene_score.high_evidence,
                "source_count": gene_score.source_count,
                "sources": [
                    source_label(key)
                    for key, field_name in SOURCE_SCORE_FIELDS.items()
                    if getattr(gene_score, field_name) is not None
                ],
            }
        )
    return rows


def export_links(data: dict[str, str]) -> list[tuple[str, str]]:
    """The API's streamed export with the same filters and order as the page."""
    params = [(f"filter[{name}]", value) for name, value in sorted(data.items()) if name != "sort"]
    if "sort" in data:
        params.append(("sort", data["sort"]))
    return [
        (fmt.upper(), reverse("api-gene-list") + "?" + urlencode([("format", fmt), *params]))
        for fmt in EXPORT_FORMATS
    ]


def page_links(page, state: dict[str, str]) -> list[tuple[int | None, str]]:
    """1 … 4 5 [6] 7 8 … 20 as (number, url); a None number marks a gap."""
    last = page.paginator.num_pages
    near = range(max(page.number - 2, 1), min(page.number + 2, last) + 1)
    wanted = sorted({1, last, *near})
    links: list[tuple[int | None, str]] = []
    for number in wanted:
        if links and number - (links[-1][0] or 0) > 1:
            links.append((None, ""))
        links.append((number, _query(state, page=number if number > 1 else None)))
    return links


def requested_page(paginator: Paginator, raw: str) -> tuple[Page, str]:
    """The page asked for, and a notice when it could not be shown as asked: a page that is not a
    number shows page 1 (not, as before, silently the last), one past the end the last page."""
    raw = raw.strip()
    if not raw:
        return paginator.page(1), ""
    try:
        number = int(raw)
    except ValueError:
        return paginator.page(1), f"“{raw[:20]}” is not a page number; showing page 1."
    if number < 1:
        return paginator.page(1), "Pages start at 1; showing page 1."
    if number > paginator.num_pages:
        pages = f"{paginator.num_pages} page{pluralize(paginator.num_pages)}"
        return paginator.page(paginator.num_pages), f"There are only {pages}; showing the last."
    return paginator.page(number), ""


def _sort_context(data: dict[str, str]) -> dict:
    current = data.get("sort") or DEFAULT_SORT[0]
    options = list(SORT_OPTIONS)
    if current not in dict(options):
        options.append((current, current))
    return {
        "sort_options": options,
        "current_sort": current,
        "current_sort_label": dict(options)[current],
    }


@cached_page
def gene_list(request: HttpRequest) -> HttpResponse:
    data = filter_data(request.GET)
    filterset = GeneScoreFilterSet(data, queryset=gene_score_list())
    valid = filterset.is_valid()
    queryset = filterset.qs if valid else gene_score_list().none()
    page_size = _page_size(request.GET)
    paginator = Paginator(queryset, page_size)
    page, page_notice = requested_page(paginator, request.GET.get("page", ""))
    state = {**data, **({"page_size": str(page_size)} if page_size != DEFAULT_PAGE_SIZE else {})}
    context = {
        "data": data,
        "errors": filterset.errors if not valid else {},
        "rows": _rows(list(page.object_list)),
        "page": page,
        "page_notice": page_notice,
        "page_links": page_links(page, state),
        "previous_url": _query(state, page=page.number - 1 if page.number > 2 else None),
        "next_url": _query(state, page=page.number + 1),
        "page_sizes": PAGE_SIZES,
        "page_size": page_size,
        "columns": sort_links(state),
        "tiers": [
            (tier.value, tier.label, tier.value in data.get("tier", "").split(",")) for tier in Tier
        ],
        "sources": [
            (key, label, key in data.get("source", "").split(","))
            for key, label in source_choices()
        ],
        "exports": export_links(data),
        "extra_filters": [
            {
                "name": name,
                "label": f.description,
                "type": f.value_type,
                "value": data.get(name, ""),
            }
            for name, f in sorted(gene_list_filters().items())
        ],
        "state": state,
        "search_explanation": (
            gene_search_explain(data["search"])
            if valid and data.get("search") and not paginator.count
            else None
        ),
        # Shown on the phone's "Filters" button, whose panel is folded away.
        "active_filter_count": sum(1 for name in data if name != "sort"),
        **_sort_context(data),
    }
    # htmx asks for the browser fragment only; caches must keep the two responses apart.
    partial = bool(request.headers.get("HX-Request"))
    response = render(
        request, "genes/_browser.html" if partial else "genes/gene_list.html", context
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


SUGGESTION_LIMIT = 8


@cached_page
def gene_suggest(request: HttpRequest) -> JsonResponse:
    """Search-box suggestions: the browser's own search filter, best-scored genes first."""
    term = request.GET.get("q", "").strip()[:64]
    if len(term) < 2:
        return JsonResponse({"genes": []})
    filterset = GeneScoreFilterSet({"search": term}, queryset=gene_score_list())
    rows = filterset.qs.values("gene__symbol", "gene__name")[:SUGGESTION_LIMIT]
    genes = [{"symbol": row["gene__symbol"], "name": row["gene__name"]} for row in rows]
    return JsonResponse({"genes": genes})
