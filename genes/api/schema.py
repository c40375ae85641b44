"""What `GET /api/genes/` answers, as the OpenAPI schema describes it.

Without `format` the answer is a JSON:API page of gene resources in the paginator's envelope.
With `format=json|csv|tsv` it is every filtered gene as flat export rows (genes/exports.py): a JSON
array of objects, or CSV / TSV text with a header row. The page and the JSON export share the
media type application/json, so that content is `oneOf` the two shapes; the export columns and
content types come from genes/exports.py, the page envelope from the paginator.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import build_array_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    inline_serializer,
)
from rest_framework import serializers

from common.api.pagination import JsonApiPagination
from genes.exports import EXPORT_COLUMNS, EXPORT_CONTENT_TYPES, FLAG_COLUMNS, SOURCE_SCORE_COLUMNS
from genes.models import Tier

from .serializers import GeneListItemSerializer

# Regular-expression spelling of each text export's delimiter, for the header-row pattern.
_HEADER_DELIMITERS = {"csv": ",", "tsv": r"\t"}


class GeneListPageSerializer(serializers.Serializer):
    """Schema only: one page of the gene list; GeneListPageExtension gives its schema."""


class GeneListPageExtension(OpenApiSerializerExtension):
    """The page is the paginator's envelope around gene resources, defined there once."""

    target_class = GeneListPageSerializer

    def get_name(self, auto_schema: Any, direction: str) -> str:
        # The component's name from when the page was the view's implicit response.
        return "PaginatedGeneListItemList"

    def map_serializer(self, auto_schema: Any, direction: str) -> dict[str, Any]:
        item = auto_schema.resolve_serializer(GeneListItemSerializer, direction)
        return JsonApiPagination().get_paginated_response_schema(build_array_type(item.ref))


def export_row_fields() -> dict[str, serializers.Field]:
    """One field per export column, in EXPORT_COLUMNS order, typed as the JSON export writes it."""
    return {
        "hgnc_id": serializers.CharField(help_text="`HGNC:n`"),
        "approved_symbol": serializers.CharField(),
        "evidence_count": serializers.IntegerField(),
        "list_count": serializers.IntegerField(),
        "source_count_percentile": serializers.FloatField(),
        **{
            column: serializers.BooleanField(
                allow_null=True, help_text="null: no evidence from the source"
            )
            for column in FLAG_COLUMNS
        },
        "score": serializers.FloatField(),
        "tier": serializers.ChoiceField(choices=Tier.choices),
        "source_count": serializers.IntegerField(),
        **{
            column: serializers.FloatField(
                allow_null=True, help_text="null: no evidence from the source"
            )
            for column in SOURCE_SCORE_COLUMNS
        },
    }


def _media_type(fmt: str) -> str:
    return EXPORT_CONTENT_TYPES[fmt].split(";")[0]


def _text_export_response(fmt: str) -> OpenApiResponse:
    header = _HEADER_DELIMITERS[fmt].join(EXPORT_COLUMNS)
    return OpenApiResponse(
        {
            "type": "string",
            "pattern": f"^{header}\\n",
            "description": (
                f"`format={fmt}`: a header row ({', '.join(EXPORT_COLUMNS)}), then one row per "
                "gene; flags read TRUE, FALSE or empty (no evidence from the source)."
            ),
        }
    )


GENE_LIST_JSON = PolymorphicProxySerializer(
    component_name="GeneListJson",
    serializers=[
        GeneListPageSerializer,
        inline_serializer(name="GeneExportRow", fields=export_row_fields(), many=True),
    ],
    resource_type_field_name=None,
    many=False,
)

GENE_LIST_RESPONSES: dict[Any, OpenApiResponse] = {
    (200, _media_type("json")): OpenApiResponse(
        GENE_LIST_JSON,
        description=(
            "Without `format`: a page of gene resources (`data`, `meta`, `links`). With "
            "`format=json`: every filtered gene as an array of flat export rows. With "
            "`format=csv` or `format=tsv`: the same rows as CSV or TSV text. Exports are "
            "attachments (Content-Disposition) and ignore `page[...]`."
        ),
    ),
    (200, _media_type("csv")): _text_export_response("csv"),
    (200, _media_type("tsv")): _text_export_response("tsv"),
}

EXPORT_DISPOSITION_HEADER = OpenApiParameter(
    "Content-Disposition",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    response=[200],
    description='Exports only: `attachment; filename="kidney-genes.<format>"`.',
)
