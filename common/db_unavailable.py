"""A lost database connection answers 503 (in the API's error shape), not a 500 with a trace.

The broken connection is closed so the next request opens a fresh one (with
CONN_HEALTH_CHECKS that happens anyway; SQLite and short-lived connections need it here).
Add `common.db_unavailable.DatabaseUnavailableMiddleware` to MIDDLEWARE, after the
request-id middleware so the log line carries the id.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse

from common.api_errors import API_PREFIX, error_object

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    """Turns OperationalError/InterfaceError raised by a view into a clean 503."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable during %s %s: %s", request.method, request.path,
                     exception)  # fmt: skip
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()
        detail = "The database is unavailable; try again in a few seconds."
        if request.path.startswith(API_PREFIX):
            body = {"errors": [error_object(503, "database_unavailable", detail)]}
            response: HttpResponse = JsonResponse(body, status=503)
        else:
            response = HttpResponse(detail, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
