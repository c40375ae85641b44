"""The OpenAPI schema documents the error responses every endpoint can give, in one place.

Every error body has the project's one shape (kidney_genetics/api_errors.py). Rather than
repeating 400/403/404/429 on each view, the schema class adds them where they can occur:
429 everywhere (throttling), 400 for bad parameters or bodies, 403 for writes (authentication
and role), 404 for paths that name a resource.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema

ERROR_BODY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "status": {"type": "string"},
                    "code": {"type": "string"},
                    "title": {"type": "string"},
                    "detail": {"type": "string"},
                    "source": {"type": "object"},
                },
            },
        }
    },
}
ERROR_DESCRIPTIONS = {
    "400": "Bad request: a parameter or the body is invalid (the parameter is named)",
    "403": "Not allowed: authentication or the right role is needed",
    "404": "Not found",
    "429": "Too many requests (see the Retry-After header)",
}


class ProjectAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        codes = ["400", "429"]
        if self.method.upper() not in ("GET", "HEAD", "OPTIONS"):
            codes.append("403")
        if "{" in self.path:
            codes.append("404")
        for code in codes:
            responses.setdefault(
                code,
                {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {"schema": ERROR_BODY_SCHEMA}},
                },
            )
        return responses


def data_envelope(name: str, item_serializer: type) -> Any:
    """The `{data: [...], meta: {...}}` document the non-paginated lists return."""
    from drf_spectacular.utils import inline_serializer
    from rest_framework import serializers

    return inline_serializer(
        name=name,
        fields={"data": item_serializer(many=True), "meta": serializers.DictField()},
    )
