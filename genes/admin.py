"""Admin for genes, symbols, evidence and curated symbol mappings.

Genes, evidence and scores are written by the HGNC loader, the pipeline and scoring, so they
are read-only here; the admin is for looking things up (and for gene autocomplete elsewhere).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Case, QuerySet, Value, When
from django.http import HttpRequest

from genes.models import CuratedSymbolMapping, Evidence, Gene, GeneSymbol, HgncLoad


def _hgnc_search_term(search_term: str) -> str:
    """Accept `HGNC:1234` as well as `1234` and symbols."""
    term = search_term.strip()
    return term[5:] if term.upper().startswith("HGNC:") else term


class ReadOnlyAdminMixin:
    """Rows owned by loaders and the pipeline: visible, never edited by hand."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class GeneSymbolInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = GeneSymbol
    fields = ["symbol", "kind"]
    extra = 0


@admin.register(Gene)
class GeneAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["symbol", "hgnc_curie", "name", "status", "locus_group", "tier", "score_value"]
    list_filter = ["status", "score__tier", "locus_group"]
    list_select_related = ["score"]
    search_fields = ["symbol", "=hgnc_id", "name", "=symbols__symbol_upper"]
    inlines = [GeneSymbolInline]
    list_per_page = 100
    show_full_result_count = False

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        """Matches as before, ranked: the exact symbol first, then symbols that start with the
        term, then the rest (names, aliases), so typing "REN" offers REN before COQ2 (whose name
        contains "prenyl"). The changelist applies its own ordering afterwards; the gene
        autocomplete keeps this one."""
        term = _hgnc_search_term(search_term)
        queryset, may_have_duplicates = super().get_search_results(request, queryset, term)
        if term:
            rank = Case(
                When(symbol__iexact=term, then=Value(0)),
                When(symbol__istartswith=term, then=Value(1)),
                default=Value(2),
            )
            queryset = queryset.annotate(search_rank=rank).order_by("search_rank", "symbol")
        return queryset, may_have_duplicates

    @admin.display(description="Tier", ordering="score__tier")
    def tier(self, obj: Gene) -> str:
        score = getattr(obj, "score", None)
        return score.get_tier_display() if score else "—"

    @admin.display(description="Score", ordering="score__score")
    def score_value(self, obj: Gene) -> str:
        score = getattr(obj, "score", None)
        return f"{score.score:.1f}" if score else "—"


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["gene", "source", "classification", "panel_count", "publication_count"]
    list_display += ["source_version", "updated_at"]
    list_filter = ["source"]
    list_select_related = ["gene"]
    search_fields = ["gene__symbol", "=gene__hgnc_id"]
    list_per_page = 100
    show_full_result_count = False

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        return super().get_search_results(request, queryset, _hgnc_search_term(search_term))

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        """The details JSON can be large; lists never show it (the change page loads it)."""
        return super().get_queryset(request).defer("details")


@admin.register(CuratedSymbolMapping)
class CuratedSymbolMappingAdmin(admin.ModelAdmin):
    """Curator-maintained map of raw source symbols to genes (normally filled by staging)."""

    list_display = ["raw_symbol", "source", "gene", "created_by", "created_at"]
    list_filter = ["source"]
    list_select_related = ["gene", "created_by"]
    search_fields = ["raw_symbol", "gene__symbol"]
    autocomplete_fields = ["gene"]
    readonly_fields = ["created_by", "created_at"]
    fields = ["source", "raw_symbol", "gene", "created_by", "created_at"]

    def save_model(self, request: HttpRequest, obj: CuratedSymbolMapping, form, change) -> None:
        obj.raw_symbol_upper = obj.raw_symbol.strip().upper()
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(HgncLoad)
class HgncLoadAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["loaded_at", "release_date", "file_name", "row_count", "added", "updated"]
    list_display += ["withdrawn"]
