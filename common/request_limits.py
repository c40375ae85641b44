"""Limits that hold before any work is done on a request: URL length, body size, control bytes.

`RequestLimits` is the outermost ASGI layer (kidney_genetics/asgi.py). Django's ASGI handler
reads the whole body into a spooled temporary file before the first middleware runs, so a size
check inside Django comes after the bytes are on disk; here:
- a URL (path + query string) longer than `REQUEST_MAX_URL_BYTES` is answered 414;
- a declared `Content-Length` above the body limit is answered 413 before a byte is read;
- a body without a length (chunked) or with a false one is counted as it arrives, and the
  request is answered 413 as soon as the count passes the limit — nothing beyond is read.
The body limit is `UPLOAD_MAX_BYTES` plus room for multipart framing: the largest body any
endpoint accepts. The web server in front has the same limits (`client_max_body_size` and
`large_client_header_buffers` in nginx, see README; `common.serve` for daphne itself).

`ControlCharacterMiddleware` (Django) refuses a path or query string that carries control
characters such as NUL once percent-decoded: no parameter needs them, and PostgreSQL refuses
text containing NUL, which would surface as a 500 deep inside a query.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote_plus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from common.api_errors import API_PREFIX, error_object

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Room for multipart boundaries and the other form fields beside an uploaded file.
MULTIPART_OVERHEAD = 64 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def upload_max_bytes() -> int:
    """The largest file an upload may carry (`UPLOAD_MAX_BYTES`)."""
    return int(settings.UPLOAD_MAX_BYTES)


def max_body_bytes() -> int:
    """The largest request body any endpoint accepts (an upload at its limit, with framing)."""
    return upload_max_bytes() + MULTIPART_OVERHEAD


def max_url_bytes() -> int:
    return int(settings.REQUEST_MAX_URL_BYTES)


def refusal_body(path: str, status: int, code: str, detail: str) -> tuple[bytes, bytes]:
    """(content type, body): the API's error shape under /api/, plain text elsewhere."""
    if path.startswith(API_PREFIX):
        body = {"errors": [error_object(status, code, detail)]}
        return b"application/json", json.dumps(body).encode()
    return b"text/plain; charset=utf-8", detail.encode()


def too_large_detail(size: int | None) -> str:
    shown = f" ({size:,} bytes)" if size is not None else ""
    return f"The request body{shown} exceeds the {max_body_bytes():,}-byte limit."


def too_large_response(request: HttpRequest, declared: int) -> HttpResponse:
    """413 for Django's own check (the test client and any server without `RequestLimits`)."""
    detail = too_large_detail(declared)
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"errors": [error_object(413, "upload_too_large", detail)]}, status=413)
    return HttpResponse(detail, status=413, content_type="text/plain; charset=utf-8")


class RequestLimits:
    """ASGI middleware: 414 for long URLs, 413 for large bodies, before the app reads them."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        url_bytes = len(scope.get("raw_path") or path.encode()) + len(
            scope.get("query_string", b"")
        )
        if url_bytes > max_url_bytes():
            detail = f"The URL is {url_bytes:,} bytes; at most {max_url_bytes():,} are accepted."
            await _refuse(send, path, 414, "uri_too_long", detail)
            return
        limit = max_body_bytes()
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(send, path, 413, "upload_too_large", too_large_detail(declared))
            return
        guard = _BodyGuard(receive, send, limit)
        await self.app(scope, guard.receive, guard.send)
        if guard.over_limit and not guard.response_started:
            await _refuse(send, path, 413, "upload_too_large", too_large_detail(None))


class _BodyGuard:
    """Counts body bytes as the app reads them; past the limit the app sees a disconnect."""

    def __init__(self, receive: Receive, send: Send, limit: int) -> None:
        self._receive = receive
        self._send = send
        self._limit = limit
        self.received = 0
        self.over_limit = False
        self.response_started = False

    async def receive(self) -> Message:
        if self.over_limit:
            return {"type": "http.disconnect"}
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self._limit:
                # Django's handler stops reading and answers nothing; RequestLimits answers.
                self.over_limit = True
                return {"type": "http.disconnect"}
        return message

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.response_started = True
        await self._send(message)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isascii() and text.isdigit() else None
    return None


async def _refuse(send: Send, path: str, status: int, code: str, detail: str) -> None:
    content_type, body = refusal_body(path, status, code, detail)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def has_control_characters(path: str, query_string: str) -> bool:
    """True when the (already decoded) path or the percent-decoded query string contains a C0
    control character or DEL."""
    return bool(_CONTROL.search(path) or _CONTROL.search(unquote_plus(query_string)))


class ControlCharacterMiddleware:
    """400 for a request whose path or query string carries control characters (NUL...)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request.path, request.META.get("QUERY_STRING", "")):
            detail = "The URL contains control characters (such as NUL); remove them."
            content_type, body = refusal_body(request.path, 400, "invalid_characters", detail)
            return HttpResponse(body, status=400, content_type=content_type.decode())
        return self.get_response(request)
