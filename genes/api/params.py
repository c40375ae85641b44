"""The gene list's query parameters: its filters, sorts and export formats.

The grammar (`filter[name]`, `sort`, `page[...]`, `format`) is common/api/params.py; this module
applies it to the shared gene FilterSet and describes every parameter to drf-spectacular.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from common.api.params import FORMAT, SORT, filter_param, filterset_data
from common.api_errors import InvalidParameter
from genes import selectors
from genes.exports import EXPORT_FORMATS
from genes.extensions import gene_list_filters
from genes.filters import SORT_FIELDS, GeneScoreFilterSet
from genes.models import Tier
from genes.sources import source_keys

_FILTER_TYPES: dict[str, tuple[Any, list[str] | None]] = {
    "search": (OpenApiTypes.STR, None),
    "tier": (OpenApiTypes.STR, [tier.value for tier in Tier]),
    "min_score": (OpenApiTypes.NUMBER, None),
    "max_score": (OpenApiTypes.NUMBER, None),
    "min_evidence_count": (OpenApiTypes.INT, None),
    "max_evidence_count": (OpenApiTypes.INT, None),
    "source": (OpenApiTypes.STR, source_keys),
    "high_evidence": (OpenApiTypes.BOOL, None),
    "hgnc_ids": (OpenApiTypes.STR, None),
}
_EXTENSION_TYPES = {
    "number": OpenApiTypes.NUMBER,
    "integer": OpenApiTypes.INT,
    "boolean": OpenApiTypes.BOOL,
}


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
        if callable(enum):
            enum = enum()
        if enum:
            description += f" Values: {', '.join(enum)}."
        parameters.append(OpenApiParameter(filter_param(name), kind, description=description))
    return parameters
