"""Gene list filters contributed to `genes.extensions`: max_loeuf, min_pli, syndromic.

Each narrows a `GeneScore` queryset from one raw query-string value and raises `ValueError`
with a readable message on bad input. Genes without the annotation never pass a filter.
"""

from __future__ import annotations

from django.db.models import QuerySet

TRUE_VALUES = {"true", "1", "yes"}
FALSE_VALUES = {"false", "0", "no"}


def _number(raw: str, name: str, *, low: float | None = None, high: float | None = None) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {raw!r}") from None
    if value != value or (low is not None and value < low) or (high is not None and value > high):
        bounds = f" between {low} and {high}" if high is not None else f" ≥ {low}"
        raise ValueError(f"{name} must be a number{bounds}, got {raw!r}")
    return value


def filter_max_loeuf(queryset: QuerySet, raw: str) -> QuerySet:
    """Genes whose gnomAD LOEUF is at most the value (lower is more constrained)."""
    return queryset.filter(gene__constraint__loeuf__lte=_number(raw, "max_loeuf", low=0))


def filter_min_pli(queryset: QuerySet, raw: str) -> QuerySet:
    """Genes whose gnomAD pLI is at least the value (0–1)."""
    return queryset.filter(gene__constraint__pli__gte=_number(raw, "min_pli", low=0, high=1))


def filter_syndromic(queryset: QuerySet, raw: str) -> QuerySet:
    """Genes flagged syndromic (true) or with HPO data and not syndromic (false)."""
    value = str(raw).strip().lower()
    if value not in TRUE_VALUES | FALSE_VALUES:
        raise ValueError(f"syndromic must be true or false, got {raw!r}")
    return queryset.filter(gene__phenotype_summary__syndromic=value in TRUE_VALUES)
