"""GET /api/sources/ and /api/sources/{key}/: what each source contributes and its runs."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from common.api_schema import data_envelope, error_response
from common.caching import cached_api
from pipeline import selectors

from .serializers import SourceDetailSerializer, SourceSerializer


class SourceListView(APIView):
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="sources_list",
        responses={200: data_envelope("SourceListDocument", SourceSerializer)},
    )
    @cached_api
    def get(self, request: Request) -> Response:
        summaries = selectors.source_summary_list()
        data = SourceSerializer(summaries, many=True).data
        return Response({"data": data, "meta": {"total": len(data)}})


class SourceDetailView(APIView):
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="sources_retrieve",
        responses={200: SourceDetailSerializer, 404: error_response("No source with that key")},
    )
    @cached_api
    def get(self, request: Request, key: str) -> Response:
        summary = selectors.source_summary_get(key)
        if summary is None:
            raise exceptions.NotFound(f"No source {key!r}.")
        return Response({"data": SourceDetailSerializer(summary).data})
