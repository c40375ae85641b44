"""Request ids with an access log line, and the security headers Django does not set itself.

Both middlewares run natively in sync and async stacks (no thread hop per request under
daphne). Django's SecurityMiddleware already sends HSTS (when secure), nosniff,
Referrer-Policy and Cross-Origin-Opener-Policy; XFrameOptionsMiddleware denies framing.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from common.logging import request_id_var

REQUEST_ID_HEADER = "X-Request-ID"
# A caller's id is kept only when it is short and plain, so it cannot forge log lines.
_ACCEPTED_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")

access_logger = logging.getLogger("kidney_genetics.access")


def style_hash(text: str) -> str:
    """CSP source expression allowing one exact inline <style> text."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()}'"


# The policy of every page and API response. Scripts and style sheets come from this site
# only. Inline <script>, style="..." attributes and <style> elements are refused (no
# 'unsafe-inline' anywhere; style-src-attr falls back to style-src), except two fixed style
# texts that vendored libraries insert: htmx 2's request indicator and Cytoscape's container
# rule (network page). Scripts may still set element.style (CSSOM), which CSP does not govern.
HTMX_INDICATOR_STYLE = (
    ".htmx-indicator{opacity:0;visibility: hidden} .htmx-request .htmx-indicator, "
    ".htmx-request.htmx-indicator{opacity:1;visibility: visible;transition: opacity 200ms ease-in}"
)
CYTOSCAPE_CONTAINER_STYLE = ".__________cytoscape_container { position: relative; }"
BASE_POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": (
        "'self'",
        style_hash(HTMX_INDICATOR_STYLE),
        style_hash(CYTOSCAPE_CONTAINER_STYLE),
    ),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
# Relaxed policies, by path prefix (longest first). The Django admin (and the live pipeline
# page inside it) writes inline <style> blocks and style="..." attributes; drf-spectacular's
# Swagger page starts Swagger UI from an inline <script> (SpectacularSwaggerSplitView would
# avoid that) and Swagger UI inserts <style> elements. With no style-src-attr in the policy,
# their style-src 'unsafe-inline' covers style attributes too.
PATH_POLICY_CHANGES: tuple[tuple[str, dict[str, tuple[str, ...]]], ...] = (
    (
        "/api/docs/",
        {
            "script-src": ("'self'", "'unsafe-inline'"),
            "style-src": ("'self'", "'unsafe-inline'"),
        },
    ),
    ("/admin/", {"style-src": ("'self'", "'unsafe-inline'")}),
)


def policy_for_path(path: str) -> str:
    """The Content-Security-Policy header value for a request path."""
    policy = dict(BASE_POLICY)
    for prefix, changes in PATH_POLICY_CHANGES:
        if path.startswith(prefix):
            policy.update(changes)
            break
    return "; ".join(f"{name} {' '.join(values)}" for name, values in policy.items())


class _DualMiddleware:
    """A middleware that runs `before` and `after` directly in a sync or an async chain."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> HttpResponse | Awaitable[HttpResponse]:
        if self.is_async:
            return self._acall(request)
        state = self.before(request)
        try:
            response = self.get_response(request)
        finally:
            self.cleanup(state)
        return self.after(request, response, state)

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        state = self.before(request)
        try:
            response = await self.get_response(request)
        finally:
            self.cleanup(state)
        return self.after(request, response, state)

    def before(self, request: HttpRequest) -> Any:
        return None

    def after(self, request: HttpRequest, response: HttpResponse, state: Any) -> HttpResponse:
        return response

    def cleanup(self, state: Any) -> None:
        """Runs even when the view raised."""


def incoming_request_id(request: HttpRequest) -> str:
    """The caller's X-Request-ID when it is plain enough to log, else a new one."""
    return accepted_request_id(request.headers.get(REQUEST_ID_HEADER, ""))


def accepted_request_id(given: str) -> str:
    """`given` when it is plain enough to log, else a new id."""
    return given if _ACCEPTED_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


class RequestIdMiddleware(_DualMiddleware):
    """Gives each request an id for every log line it causes, echoes it, logs one access line."""

    def before(self, request: HttpRequest) -> tuple[str, Any, float]:
        request_id = incoming_request_id(request)
        request.request_id = request_id
        return request_id, request_id_var.set(request_id), time.perf_counter()

    def cleanup(self, state: tuple[str, Any, float]) -> None:
        request_id_var.reset(state[1])

    def after(
        self, request: HttpRequest, response: HttpResponse, state: tuple[str, Any, float]
    ) -> HttpResponse:
        request_id, _, started = state
        response[REQUEST_ID_HEADER] = request_id
        self._log_access(request, response, request_id, started)
        return response

    @staticmethod
    def _log_access(
        request: HttpRequest, response: HttpResponse, request_id: str, started: float
    ) -> None:
        match = getattr(request, "resolver_match", None)
        log_access(
            request_id,
            request.method or "",
            request.path,
            request.get_full_path(),
            response.status_code,
            started,
            view=match.view_name if match else "",
        )


def log_access(
    request_id: str,
    method: str,
    path: str,
    full_path: str,
    status: int,
    started: float,
    view: str,
) -> None:
    """One access-log line for a finished request (also written by the edge cache for hits).

    Runs after the request's id variable is reset, so the id is set again explicitly."""
    if not settings.ACCESS_LOG or not access_logger.isEnabledFor(logging.INFO):
        return
    duration_ms = round((time.perf_counter() - started) * 1000, 2)
    token = request_id_var.set(request_id)
    try:
        access_logger.info(
            "%s %s %s %.1fms",
            method,
            full_path,
            status,
            duration_ms,
            extra={
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
                "view": view,
            },
        )
    finally:
        request_id_var.reset(token)


class SecurityHeadersMiddleware(_DualMiddleware):
    """Content-Security-Policy (per path) on every response (Permissions-Policy comes from
    django-permissions-policy's middleware, configured by settings.PERMISSIONS_POLICY)."""

    def after(self, request: HttpRequest, response: HttpResponse, state: Any) -> HttpResponse:
        header = (
            "Content-Security-Policy-Report-Only"
            if settings.CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )
        if header not in response:
            response[header] = policy_for_path(request.path)
        return response
