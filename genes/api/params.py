"""The API's query-string grammar for the gene list: `filter[name]`, `sort`, `page[...]`, `format`.

The shared FilterSet speaks plain names; this module maps `filter[name]` onto them, refuses
anything it does not know (a typo must not silently return everything), and describes every
parameter to drf-spectacular.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from genes import selectors
from genes.exports import EXPORT_FORMATS
from genes.extensions import gene_list_filters
from genes.filters import SORT_FIELDS, GeneScoreFilterSet
from genes.models import SourceKey, Tier
from kidney_genetics.api_errors import InvalidParameter

from .pagination import PAGE_NUMBER, PAGE_SIZE

FILTER_PATTERN = re.compile(r"^filter\[([a-z0-9_]+)\]$")
SORT = "sort"
FORMAT = "format"
TOP_LEVEL = {SORT, FORMAT, PAGE_NUMBER, PAGE_SIZE}

_FILTER_TYPES: dict[str, tuple[Any, list[str] | None]] = {
    "search": (OpenApiTypes.STR, None),
    "tier": (OpenApiTypes.STR, [tier.value for tier in Tier]),
    "min_score": (OpenApiTypes.NUMBER, None),
    "max_score": (OpenApiTypes.NUMBER, None),
    "min_evidence_count": (OpenApiTypes.INT, None),
    "max_evidence_count": (OpenApiTypes.INT, None),
    "source": (OpenApiTypes.STR, [source.value for source in SourceKey]),
    "high_evidence": (OpenApiTypes.BOOL, None),
    "hgnc_ids": (OpenApiTypes.STR, None),
}
_EXTENSION_TYPES = {
    "number": OpenApiTypes.NUMBER,
    "integer": OpenApiTypes.INT,
    "boolean": OpenApiTypes.BOOL,
}


def filter_param(name: str) -> str:
    """The API spelling of a FilterSet parameter."""
    return SORT if name == SORT else f"filter[{name}]"


def filterset_data(request: Request, allowed: set[str]) -> QueryDict:
    """`filter[x]=v` → `x=v` for the FilterSet; 400 for any parameter the endpoint lacks."""
    data = QueryDict(mutable=True)
    for key, values in request.query_params.lists():
        match = FILTER_PATTERN.match(key)
        name = match.group(1) if match else None
        if key in TOP_LEVEL:
            if key == SORT:
                data.setlist(SORT, values)
            continue
        if name is None or name == SORT or name not in allowed:
            known = ", ".join(sorted(filter_param(n) for n in allowed if n != SORT))
            raise InvalidParameter(key, f"Unknown parameter {key!r}. Filters: {known}.")
        if len(values) > 1:
            raise InvalidParameter(key, f"{key} is given {len(values)} times; give it once.")
        data[name] = values[0]
    return data


def export_format(request: Request) -> str | None:
    value = request.query_params.get(FORMAT)
    if value is None:
        return None
    if value not in EXPORT_FORMATS:
        raise InvalidParameter(FORMAT, f"format must be one of {', '.join(EXPORT_FORMATS)}.")
    return value


def gene_score_filter(request: Request, queryset: QuerySet) -> QuerySet:
    """Validate the request against the shared FilterSet and return the narrowed queryset."""
    allowed = set(GeneScoreFilterSet.base_filters) | set(gene_list_filters())
    data = filterset_data(request, allowed)
    try:
        return selectors.gene_score_list_filtered(data, queryset=queryset)
    except selectors.GeneListFilterInvalid as error:
        raise ValidationError(
            {filter_param(name): messages for name, messages in error.errors.items()}
        ) from error


def gene_list_parameters() -> list[OpenApiParameter]:
    """Every query parameter of the gene list, including filters registered by other apps."""
    filterset = GeneScoreFilterSet()
    parameters = [
        OpenApiParameter(
            SORT,
            OpenApiTypes.STR,
            description=(
                f"Comma-separated keys, `-` for descending; keys: {', '.join(SORT_FIELDS)}. "
                "Default `-score,approved_symbol`. `tier` ascends from no_evidence."
            ),
        ),
        OpenApiParameter(
            FORMAT,
            OpenApiTypes.STR,
            enum=list(EXPORT_FORMATS),
            description=(
                "Stream the whole filtered result as a file instead of a JSON page: `csv` "
                "(text/csv), `tsv` (text/tab-separated-values) or `json` (application/json, an "
                "array of flat rows); `page[...]` is ignored."
            ),
        ),
    ]
    extensions = gene_list_filters()
    for name, filter_ in filterset.filters.items():
        if name == SORT:
            continue
        if name in extensions:
            kind = _EXTENSION_TYPES.get(extensions[name].value_type, OpenApiTypes.STR)
            enum = None
        else:
            kind, enum = _FILTER_TYPES.get(name, (OpenApiTypes.STR, None))
        description = str(filter_.extra.get("help_text", ""))
        if enum:
            description += f" Values: {', '.join(enum)}."
        parameters.append(OpenApiParameter(filter_param(name), kind, description=description))
    return parameters
