"""JSON:API-style pages: `page[number]`, `page[size]`, and `meta` + `links` around `data`."""

from __future__ import annotations

import math
from typing import Any

from django.db.models import QuerySet
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response

from common.api_errors import InvalidParameter
from common.params import ParameterError, positive_int

PAGE_NUMBER = "page[number]"
PAGE_SIZE = "page[size]"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def _positive_int(request: Request, name: str, default: int, maximum: int | None) -> int:
    try:
        return positive_int(
            request.query_params.get(name), parameter=name, default=default, maximum=maximum
        )
    except ParameterError as error:
        raise InvalidParameter(name, error.message, code=error.code) from None


def _page_link(request: Request, number: int) -> str:
    query = request.query_params.copy()
    query[PAGE_NUMBER] = str(number)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode(safe='[],')}")


class JsonApiPagination(BasePagination):
    """Counts once and slices once: two queries per page whatever the filters."""

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list[Any]:
        self.request = request
        self.size = _positive_int(request, PAGE_SIZE, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        self.number = _positive_int(request, PAGE_NUMBER, 1, None)
        self.total = queryset.count()
        self.page_count = max(1, math.ceil(self.total / self.size))
        if self.number > self.page_count:
            raise InvalidParameter(
                PAGE_NUMBER,
                f"page[number] {self.number} is past the last page ({self.page_count}).",
                code="out_of_range",
            )
        start = (self.number - 1) * self.size
        return list(queryset[start : start + self.size])

    def get_paginated_response(self, data: list[Any]) -> Response:
        return Response(
            {
                "data": data,
                "meta": {
                    "total": self.total,
                    "page": self.number,
                    "page_size": self.size,
                    "page_count": self.page_count,
                },
                "links": self._links(),
            }
        )

    def _links(self) -> dict[str, str | None]:
        request, number, last = self.request, self.number, self.page_count
        return {
            "self": _page_link(request, number),
            "first": _page_link(request, 1),
            "last": _page_link(request, last),
            "prev": _page_link(request, number - 1) if number > 1 else None,
            "next": _page_link(request, number + 1) if number < last else None,
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {
                "name": PAGE_NUMBER,
                "in": "query",
                "required": False,
                "description": "Page to return, from 1; past the last page is a 400.",
                "schema": {"type": "integer", "minimum": 1, "default": 1},
            },
            {
                "name": PAGE_SIZE,
                "in": "query",
                "required": False,
                "description": f"Rows per page, 1–{MAX_PAGE_SIZE}.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                },
            },
        ]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        link = {"type": "string", "nullable": True}
        return {
            "type": "object",
            "required": ["data", "meta", "links"],
            "properties": {
                "data": schema,
                "meta": {
                    "type": "object",
                    "properties": {
                        name: {"type": "integer"}
                        for name in ("total", "page", "page_size", "page_count")
                    },
                },
                "links": {
                    "type": "object",
                    "properties": {
                        name: link for name in ("self", "first", "last", "prev", "next")
                    },
                },
            },
        }
