"""The OpenAPI schema documents the error responses every endpoint can give, in one place.

Every error body has the project's one shape (common/api_errors.py), documented once as
the `ErrorDocument` component. Rather than repeating error responses on each view, the schema
class adds them where they can occur: 400 for bad parameters or bodies, 401 and 403 for writes
(authentication, then role), 404 for paths that name a resource, 413 for request bodies over the
upload limit, 414 for over-long URLs, 429 everywhere (throttling), 503 everywhere (database
unavailable). An error
response a view declares itself (with a more precise description) gets the same body.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR_MEDIA_TYPES = ("application/json",)
ERROR_DESCRIPTIONS = {
    "400": "Bad request: a parameter or the body is invalid (the parameter is named)",
    "401": "No valid credentials: send `Authorization: Token <token>` (WWW-Authenticate says so)",
    "403": "Not allowed: the right role is needed (or a signed-in browser's CSRF token)",
    "404": "Not found",
    "413": "The request body exceeds the upload limit",
    "414": "The URL (path and query string) is longer than the server accepts",
    "429": "Too many requests (see the Retry-After header)",
    "503": "The database is unavailable; try again in a few seconds (see the Retry-After header)",
}
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class ErrorSourceSerializer(serializers.Serializer):
    parameter = serializers.CharField(help_text="The query parameter or body field that was wrong.")


class ErrorObjectSerializer(serializers.Serializer):
    """One entry of `errors`, as `api_errors.error_object` builds it."""

    status = serializers.RegexField(
        r"^[45][0-9]{2}$", help_text="The HTTP status code, as a string."
    )
    code = serializers.CharField(help_text="A stable, machine-readable code to branch on.")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    detail = serializers.CharField(help_text="What went wrong, for people.")
    source = ErrorSourceSerializer(
        required=False, help_text="Present when one parameter or field caused the error."
    )


class ErrorDocumentSerializer(serializers.Serializer):
    """The body of every API error response."""

    errors = serializers.ListField(child=ErrorObjectSerializer(), min_length=1)


def error_response(description: str) -> OpenApiResponse:
    """An error response with the shared body, for a view to declare with its own wording."""
    return OpenApiResponse(response=ErrorDocumentSerializer, description=description)


class ProjectAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            responses.setdefault(code, {"description": ERROR_DESCRIPTIONS[code]})
        for code, response in responses.items():
            if code.startswith(("4", "5")) and "content" not in response:
                described = error_response(self._error_description(code, response))
                responses[code] = self._get_response_for_code(
                    described, code, ERROR_MEDIA_TYPES, direction
                )
        return responses

    def _error_codes(self) -> list[str]:
        codes = ["400", "414", "429", "503"]
        if self.method.upper() in WRITE_METHODS:
            codes.extend(["401", "403", "413"])
        if "{" in self.path:
            codes.append("404")
        return codes

    @staticmethod
    def _error_description(code: str, response: dict[str, Any]) -> str:
        """A view's own wording, unless it is drf-spectacular's placeholder for no body."""
        description = response.get("description")
        if not description or description == gettext("No response body"):
            return ERROR_DESCRIPTIONS.get(code, "Error")
        return description


def data_envelope(name: str, item_serializer: type) -> Any:
    """The `{data: [...], meta: {...}}` document the non-paginated lists return."""
    return inline_serializer(
        name=name,
        fields={"data": item_serializer(many=True), "meta": serializers.DictField()},
    )
