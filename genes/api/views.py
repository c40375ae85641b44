"""Read-only gene endpoints: list (+ exports), detail, evidence, identity resolution, statistics.

Views validate parameters and call one selector; the query count of each request is fixed.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api.pagination import JsonApiPagination
from common.api_errors import InvalidParameter
from common.api_schema import ProjectAutoSchema, data_envelope, error_response
from common.caching import cached_api
from genes import selectors, statistics
from genes.exports import EXPORT_CONTENT_TYPES, export_stream
from genes.extensions import gene_section_payloads
from genes.models import Gene
from genes.scoring import score_explanations

from .params import export_format, gene_list_parameters, gene_score_filter
from .schema import EXPORT_DISPOSITION_HEADER, GENE_LIST_RESPONSES
from .serializers import (
    EvidenceSerializer,
    GeneListItemSerializer,
    gene_detail_resource,
    gene_match_resource,
)

NO_GENE = error_response(
    "No gene with that identifier, or it names several genes (the detail links to resolve)"
)
INVALID_PARAMETER = error_response("A parameter is invalid (`source.parameter` names it)")
REDIRECT_KINDS = {"previous", "alias"}


class GeneListSchema(ProjectAutoSchema):
    """Documents the bracketed parameters, including filters other apps register at start-up."""

    def get_override_parameters(self) -> list[Any]:
        return [*super().get_override_parameters(), *gene_list_parameters()]

    def _get_pagination_parameters(self) -> list[dict[str, Any]]:
        # drf-spectacular only adds page parameters when it guesses a list view, and it cannot
        # guess one from responses given per media type (page, export rows, CSV, TSV).
        return self._get_paginator().get_schema_operation_parameters(self.view)


class ReadOnlyApiView(APIView):
    renderer_classes = [JSONRenderer]


class GeneListView(GenericAPIView):
    """Scored genes, filtered, sorted and paged; `format=csv|tsv|json` streams them all."""

    renderer_classes = [JSONRenderer]
    pagination_class = JsonApiPagination
    serializer_class = GeneListItemSerializer
    schema = GeneListSchema()

    def get_queryset(self) -> Any:
        return selectors.gene_score_list()

    @extend_schema(
        operation_id="genes_list",
        parameters=[EXPORT_DISPOSITION_HEADER],
        responses={**GENE_LIST_RESPONSES, 400: INVALID_PARAMETER},
    )
    @cached_api
    def get(self, request: Request) -> Response | StreamingHttpResponse:
        fmt = export_format(request)
        queryset = gene_score_filter(request, self.get_queryset())
        if fmt is not None:
            return _export_response(queryset, fmt)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _export_response(queryset: Any, fmt: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(export_stream(queryset, fmt), EXPORT_CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="kidney-genes.{fmt}"'
    return response


def _explanation(gene_id: int) -> dict[str, Any] | None:
    """Each source's count or classification, its source score, the sum and the tier."""
    return score_explanations([gene_id]).get(gene_id)


def _gene_or_redirect(request: Request, identifier: str, route: str) -> Gene | Response:
    """The gene an identifier names; previous/alias symbols redirect to the current symbol."""
    lookup = selectors.gene_get(identifier)
    if lookup.ambiguous:
        symbols = ", ".join(match.gene.symbol for match in lookup.matches)
        raise exceptions.NotFound(
            f"{identifier!r} names several genes ({symbols}); "
            f"see {reverse('api-gene-resolve')}?q={identifier}."
        )
    gene = lookup.gene
    if gene is None:
        raise exceptions.NotFound(f"No gene {identifier!r}.")
    if REDIRECT_KINDS.intersection(lookup.matches[0].matched_by):
        target = reverse(route, kwargs={"identifier": gene.symbol})
        query = request.META.get("QUERY_STRING")
        return HttpResponseRedirect(f"{target}?{query}" if query else target)
    return gene


class GeneDetailView(ReadOnlyApiView):
    @extend_schema(
        operation_id="genes_retrieve",
        description=(
            "A gene by approved symbol (any case), `HGNC:n` or `n`; a previous or alias symbol "
            "redirects (302) to the current symbol. Includes score, explanation, registered "
            "sections (curator decision, annotations) and links."
        ),
        responses={200: OpenApiTypes.OBJECT, 302: None, 404: NO_GENE},
    )
    @cached_api
    def get(self, request: Request, identifier: str) -> Response:
        found = _gene_or_redirect(request, identifier, "api-gene-detail")
        if not isinstance(found, Gene):
            return found
        sections = {
            name: payloads[found.hgnc_id]
            for name, payloads in gene_section_payloads([found.hgnc_id]).items()
            if found.hgnc_id in payloads
        }
        resource = gene_detail_resource(
            found, explanation=_explanation(found.hgnc_id), sections=sections
        )
        return Response({"data": resource})


class GeneEvidenceView(ReadOnlyApiView):
    @extend_schema(
        operation_id="genes_evidence_list",
        description="Every source's evidence row for the gene, with details and provenance.",
        responses={
            200: data_envelope("GeneEvidenceDocument", EvidenceSerializer),
            302: None,
            404: NO_GENE,
        },
    )
    @cached_api
    def get(self, request: Request, identifier: str) -> Response:
        found = _gene_or_redirect(request, identifier, "api-gene-evidence")
        if not isinstance(found, Gene):
            return found
        rows = EvidenceSerializer(selectors.evidence_list(found.hgnc_id), many=True).data
        meta = {"gene": found.symbol, "hgnc_id": found.hgnc_curie, "count": len(rows)}
        return Response({"data": rows, "meta": meta})


class GeneResolveView(ReadOnlyApiView):
    @extend_schema(
        operation_id="genes_resolve",
        description=(
            "Resolve a symbol, previous or alias symbol, HGNC id, NCBI Gene id or Ensembl gene "
            "id. `data` lists the candidates; `meta.resolved` is true when exactly one gene "
            "matched. Ambiguous identifiers return every candidate, never a silent pick."
        ),
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True)],
        responses={
            200: OpenApiTypes.OBJECT,
            400: error_response("`q` is missing or empty"),
            404: error_response("No gene matches the identifier"),
        },
    )
    @cached_api
    def get(self, request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        if not query:
            raise InvalidParameter("q", "Give an identifier to resolve in q.", code="required")
        lookup = selectors.gene_resolve(query)
        if not lookup.matches:
            raise exceptions.NotFound(f"No gene matches {query!r}.")
        data = [gene_match_resource(match.gene, match.matched_by) for match in lookup.matches]
        meta = {"query": query, "resolved": not lookup.ambiguous, "candidates": len(data)}
        return Response({"data": data, "meta": meta})


def _strict_bool(request: Request, name: str) -> bool:
    raw = request.query_params.get(name, "false").strip().lower()
    if raw not in {"true", "false", "1", "0"}:
        raise InvalidParameter(name, f"{name} must be true or false.")
    return raw in {"true", "1"}


class OverlapsView(ReadOnlyApiView):
    @extend_schema(
        operation_id="statistics_overlaps",
        description="Genes per exact combination of sources (UpSet intersections).",
        parameters=[
            OpenApiParameter(
                "detail", OpenApiTypes.BOOL, description="List each intersection's gene symbols."
            )
        ],
        responses={200: OpenApiTypes.OBJECT, 400: INVALID_PARAMETER},
    )
    @cached_api
    def get(self, request: Request) -> Response:
        with_genes = _strict_bool(request, "detail")
        return Response({"data": statistics.source_overlaps(with_genes=with_genes)})


class DistributionsView(ReadOnlyApiView):
    @extend_schema(
        operation_id="statistics_distributions",
        description="Per-source count histograms, classification counts, score histogram.",
        responses={200: OpenApiTypes.OBJECT},
    )
    @cached_api
    def get(self, request: Request) -> Response:
        return Response({"data": statistics.distributions()})


class SummaryView(ReadOnlyApiView):
    @extend_schema(
        operation_id="statistics_summary",
        description="Genes scored, per tier, per classic evidence count, high-evidence count.",
        responses={200: OpenApiTypes.OBJECT},
    )
    @cached_api
    def get(self, request: Request) -> Response:
        return Response({"data": statistics.summary()})
