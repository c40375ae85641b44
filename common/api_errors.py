"""One error shape for every API response: `{"errors": [{status, code, title, detail, source}]}`.

Scripts against the API branch on `status` and `code` and show `detail`; `source.parameter`
names the query parameter that was wrong. DRF's exception handler, and Django's 400/403/404/500
handlers for paths under /api/, all produce this shape (documented as `ErrorDocument` in the
OpenAPI schema, common/api_schema.py).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from common.params import ParameterError

API_PREFIX = "/api/"


class InvalidParameter(exceptions.APIException):
    """A query parameter the API cannot honour; the error names the parameter."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_parameter"

    def __init__(self, parameter: str, detail: str, code: str | None = None) -> None:
        super().__init__(detail=detail, code=code or self.default_code)
        self.parameter = parameter


def error_object(
    status_code: int,
    code: str,
    detail: str,
    parameter: str | None = None,
    title: str | None = None,
) -> dict[str, Any]:
    """One entry of the `errors` list."""
    entry: dict[str, Any] = {
        "status": str(status_code),
        "code": code,
        "title": title or HTTPStatus(status_code).phrase,
        "detail": detail,
    }
    if parameter:
        entry["source"] = {"parameter": parameter}
    return entry


def _flatten(detail: Any, parameter: str | None = None) -> list[tuple[str | None, Any]]:
    """DRF details nest lists and dicts; pair each leaf message with its parameter."""
    if isinstance(detail, dict):
        pairs: list[tuple[str | None, Any]] = []
        for key, value in detail.items():
            name = None if key in ("non_field_errors", "__all__") else str(key)
            pairs.extend(_flatten(value, name or parameter))
        return pairs
    if isinstance(detail, list):
        return [pair for item in detail for pair in _flatten(item, parameter)]
    return [(parameter, detail)]


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler, reshaped; anything DRF does not handle stays a 500 (handled below)."""
    # A value refused by `common.params` anywhere in a view is the client's error, not a 500.
    # DRF maps Django's Http404 and PermissionDenied itself, but only inside its handler; mapped
    # here too, they get the stable codes (`not_found`, `permission_denied`) instead of "error".
    if isinstance(exc, ParameterError):
        exc = InvalidParameter(exc.parameter, exc.message, code=exc.code)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    parameter = getattr(exc, "parameter", None)
    detail = getattr(exc, "detail", str(exc))
    errors = []
    for name, message in _flatten(detail, parameter):
        code = getattr(message, "code", None) or getattr(exc, "default_code", "error")
        errors.append(error_object(response.status_code, str(code), str(message), name))
    response.data = {"errors": errors}
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _error_response(status_code: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"errors": [error_object(status_code, code, detail)]}, status=status_code)


def handler400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """JSON 400 under /api/ for what Django refuses before or outside DRF (SuspiciousOperation:
    too many query parameters, a body over DATA_UPLOAD_MAX_MEMORY_SIZE), its page elsewhere."""
    if not _is_api(request):
        return defaults.bad_request(request, exception)
    detail = "The request cannot be processed: it is malformed or over a size limit."
    return _error_response(400, "bad_request", detail)


def handler403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """JSON 403 under /api/ for a PermissionDenied outside DRF, Django's page elsewhere."""
    if not _is_api(request):
        return defaults.permission_denied(request, exception or PermissionDenied())
    return _error_response(403, "permission_denied", "You may not do this.")


def handler404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """JSON 404 under /api/, Django's page elsewhere."""
    if not _is_api(request):
        return defaults.page_not_found(request, exception or Http404())
    return _error_response(404, "not_found", f"No API endpoint at {request.path}.")


def handler500(request: HttpRequest) -> HttpResponse:
    """JSON 500 under /api/ (no traceback leaks), Django's page elsewhere."""
    if not _is_api(request):
        return defaults.server_error(request)
    return _error_response(500, "server_error", "The server failed; it is logged.")
