"""The one FilterSet over scored genes, shared by the REST API and the public gene browser.

Parameter names are plain (`search`, `tier`, `min_score`, `sort`, ...): the page uses them as
they are, the API maps `filter[name]` onto them. Filters that other apps register through
`genes.extensions.register_gene_list_filter` join the set at construction time, so annotation
filters appear in both places without `genes` importing their apps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from common.params import ParameterError, clean_text, sort_keys
from genes.extensions import GeneListFilter, gene_list_filters
from genes.models import Evidence, GeneScore, GeneSymbol, Tier
from genes.normalise import parse_hgnc_id
from genes.sources import source_keys

# Weakest first, so `sort=tier` ascends like `sort=score` and `-tier` puts the strongest first.
TIER_RANK = {
    tier: rank for rank, tier in enumerate(reversed([choice.value for choice in Tier]), start=1)
}
SORT_FIELDS = {
    "score": "score",
    "evidence_count": "evidence_count",
    "approved_symbol": "gene__symbol",
    "hgnc_id": "gene_id",
    "tier": "tier_rank",
    "source_count": "source_count",
}
DEFAULT_SORT = ("-score", "approved_symbol")
MAX_LIST_ITEMS = 1000


def tier_rank_expression() -> Case:
    whens = [When(tier=tier, then=Value(rank)) for tier, rank in TIER_RANK.items()]
    return Case(*whens, default=Value(0), output_field=IntegerField())


class CommaListField(forms.CharField):
    """A comma-separated list; each item cleaned by `item_clean` (raises ValidationError)."""

    def __init__(self, *, item_clean: Callable[[str], Any], **kwargs: Any) -> None:
        self.item_clean = item_clean
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[Any] | None:
        text = super().clean(value)
        if not text:
            return None
        items = [item.strip() for item in text.split(",") if item.strip()]
        if len(items) > MAX_LIST_ITEMS:
            raise forms.ValidationError(f"At most {MAX_LIST_ITEMS} values.", code="too_many")
        return list(dict.fromkeys(self.item_clean(item) for item in items))


def _choice_cleaner(
    choices: list[str] | Callable[[], list[str]], what: str
) -> Callable[[str], str]:
    """A cleaner accepting only `choices` (a callable is asked at validation time)."""

    def clean(item: str) -> str:
        allowed_items = choices() if callable(choices) else choices
        if item not in allowed_items:
            allowed = ", ".join(allowed_items)
            raise forms.ValidationError(
                f"Unknown {what} {item!r}; expected one of {allowed}.", code="invalid_choice"
            )
        return item

    return clean


def _hgnc_id_cleaner(item: str) -> int:
    hgnc_id = parse_hgnc_id(item)
    if hgnc_id is None:
        raise forms.ValidationError(f"{item!r} is not an HGNC id.", code="invalid")
    return hgnc_id


class CommaListFilter(django_filters.Filter):
    field_class = CommaListField


class StrictBooleanField(forms.CharField):
    """`true`/`false`/`1`/`0`; anything else is an error rather than silently ignored."""

    values = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}

    def clean(self, value: Any) -> bool | None:
        text = (super().clean(value) or "").strip().lower()
        if not text:
            return None
        if text not in self.values:
            raise forms.ValidationError("Expected true or false.", code="invalid")
        return self.values[text]


class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class ExtensionField(forms.CharField):
    """Validates by asking the registered filter; its ValueError becomes a form error."""

    def __init__(self, *, extension: GeneListFilter, **kwargs: Any) -> None:
        self.extension = extension
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            self.extension.apply(GeneScore.objects.none(), text)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from error
        return text


class ExtensionFilter(django_filters.Filter):
    field_class = ExtensionField

    def __init__(self, extension: GeneListFilter, **kwargs: Any) -> None:
        self.extension = extension
        super().__init__(extension=extension, help_text=extension.description, **kwargs)

    def filter(self, qs: QuerySet, value: str | None) -> QuerySet:
        return qs if value is None else self.extension.apply(qs, value)


class SortField(forms.CharField):
    """`sort=-score,approved_symbol`: every key known, none empty (see `common.params`)."""

    def clean(self, value: Any) -> list[str] | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return sort_keys(text, parameter="sort", allowed=SORT_FIELDS)
        except ParameterError as error:
            raise forms.ValidationError(error.message, code=error.code) from None


class GeneScoreOrderingFilter(django_filters.Filter):
    """`sort=-score,approved_symbol`; HGNC id breaks ties so pages never overlap."""

    field_class = SortField

    def filter(self, qs: QuerySet, value: list[str] | None) -> QuerySet:
        requested = list(value) if value else list(DEFAULT_SORT)
        ordering = [
            f"-{SORT_FIELDS[key[1:]]}" if key.startswith("-") else SORT_FIELDS[key]
            for key in requested
        ]
        if any(field.lstrip("-") == "tier_rank" for field in ordering):
            qs = qs.alias(tier_rank=tier_rank_expression())
        if not any(field.lstrip("-") == "gene_id" for field in ordering):
            ordering.append("gene_id")
        return qs.order_by(*ordering)


class SearchField(forms.CharField):
    """Free text for the search filter: bounded, no control characters."""

    def clean(self, value: Any) -> str:
        text = super().clean(value) or ""
        try:
            return clean_text(text, parameter="search")
        except ParameterError as error:
            raise forms.ValidationError(error.message, code=error.code) from None


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField


class GeneScoreFilterSet(django_filters.FilterSet):
    search = SearchFilter(
        method="filter_search",
        help_text="Symbol prefix, exact previous or alias symbol, HGNC id, or words of the name.",
    )
    tier = CommaListFilter(
        method="filter_tier",
        item_clean=_choice_cleaner([t.value for t in Tier], "tier"),
        help_text="Comma-separated tiers; a gene matches any of them.",
    )
    min_score = django_filters.NumberFilter(
        field_name="score", lookup_expr="gte", help_text="Lowest score (0–100), inclusive."
    )
    max_score = django_filters.NumberFilter(
        field_name="score", lookup_expr="lte", help_text="Highest score (0–100), inclusive."
    )
    min_evidence_count = IntegerFilter(
        field_name="evidence_count", lookup_expr="gte", help_text="Lowest classic count (0–5)."
    )
    max_evidence_count = IntegerFilter(
        field_name="evidence_count", lookup_expr="lte", help_text="Highest classic count (0–5)."
    )
    source = CommaListFilter(
        method="filter_source",
        item_clean=_choice_cleaner(source_keys, "source"),
        help_text="Comma-separated source keys; a gene must have evidence from all of them.",
    )
    only_sources = StrictBooleanFilter(
        method="filter_only_sources",
        help_text="true: no evidence from any source outside `source` — exactly that combination "
        "of sources, as one column of the UpSet plot.",
    )
    high_evidence = StrictBooleanFilter(
        field_name="high_evidence", help_text="true: classic evidence count ≥ 2; false: below."
    )
    hgnc_ids = CommaListFilter(
        field_name="gene_id",
        lookup_expr="in",
        item_clean=_hgnc_id_cleaner,
        help_text="Comma-separated HGNC ids (`HGNC:9008` or `9008`).",
    )
    sort = GeneScoreOrderingFilter(
        help_text="Comma-separated sort keys, `-` for descending. Default: -score,approved_symbol.",
    )

    class Meta:
        model = GeneScore
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, extension in gene_list_filters().items():
            if name not in self.filters:
                self.filters[name] = ExtensionFilter(extension, field_name=name)
                self.filters[name].parent = self
                self.filters[name].model = GeneScore

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        term = value.strip()
        if not term:
            return queryset
        aliases = GeneSymbol.objects.filter(gene_id=OuterRef("gene_id"), symbol_upper=term.upper())
        condition = (
            Q(gene__symbol__istartswith=term) | Q(gene__name__icontains=term) | Q(Exists(aliases))
        )
        hgnc_id = parse_hgnc_id(term)
        if hgnc_id is not None:
            condition |= Q(gene_id=hgnc_id)
        return queryset.filter(condition)

    def filter_tier(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        return queryset.filter(tier__in=value)

    def filter_source(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        for source in value:
            rows = Evidence.objects.filter(gene_id=OuterRef("gene_id"), source=source)
            queryset = queryset.filter(Exists(rows))
        return queryset

    def filter_only_sources(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if not value:
            return queryset
        chosen = self.form.cleaned_data.get("source") or []
        others = Evidence.objects.filter(gene_id=OuterRef("gene_id")).exclude(source__in=chosen)
        return queryset.filter(~Exists(others))
