"""Annotations API: one gene's annotations and the STRING network. Thin over selectors."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from annotations import selectors
from annotations.api.serializers import (
    GeneAnnotationsSerializer,
    NetworkQuerySerializer,
    NetworkSerializer,
)
from annotations.config import DEFAULTS
from common.api_errors import InvalidParameter


def network_params(query) -> dict:
    """Validated network parameters; raises InvalidParameter naming the bad one."""
    serializer = NetworkQuerySerializer(data=query)
    if not serializer.is_valid():
        parameter, messages = next(iter(serializer.errors.items()))
        raise InvalidParameter(parameter, f"{parameter}: {' '.join(map(str, messages))}")
    data = serializer.validated_data
    return {
        "symbols": data.get("genes") or None,
        "top": data.get("top"),
        "min_score": data["min_score"],
    }


class GeneAnnotationsView(APIView):
    @extend_schema(
        summary="Annotations of one gene",
        description="gnomAD constraint, ClinVar counts, GTEx expression, HPO phenotypes and "
        "STRING neighbours. `identifier` is a symbol (case-insensitive) or HGNC:n.",
        responses=GeneAnnotationsSerializer,
    )
    def get(self, request: Request, identifier: str) -> Response:
        gene = selectors.gene_resolve(identifier)
        if gene is None:
            raise NotFound(f"no gene {identifier!r}")
        return Response(selectors.gene_annotations_get(gene))


class NetworkView(APIView):
    @extend_schema(
        summary="STRING network of genes",
        description="The STRING subgraph of the given genes (or the top-N scored genes), with "
        "Louvain communities (fixed seed, so the same data gives the same communities).",
        parameters=[
            OpenApiParameter("genes", str, description="comma-separated symbols"),
            OpenApiParameter("top", int, description="top-N scored genes when genes is empty"),
            OpenApiParameter(
                "min_score",
                int,
                description="minimum combined score, default "
                f"{DEFAULTS['string_min_score']} (the lowest score loaded)",
            ),
        ],
        responses=NetworkSerializer,
    )
    def get(self, request: Request) -> Response:
        return Response(selectors.network_get(**network_params(request.query_params)))
