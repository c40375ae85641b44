"""The MCP streamable HTTP endpoint at /mcp/, mounted in the ASGI application beside Django.

Stateless JSON mode: every POST carries one JSON-RPC message and gets one JSON answer, with no
session kept in the process, so any daphne process behind the proxy can answer any request.
Other methods get 405 (there is no stream for a GET to open and no session to DELETE).
Around the SDK's transport this mount keeps the site's rules:
- Hosts: the Host header (and an Origin header, when sent) must be one Django's
  `ALLOWED_HOSTS` accepts; the SDK's own DNS-rebinding check is replaced by that one.
- Rate limits: each request counts against the anonymous API rate of the client's address
  (`throttling.client_request_count`, the counter the REST API and the edge cache use); past it
  the answer is 429 with `Retry-After`.
- Read cache: tool answers are cached under the data version (`mcp_server.tool_cache`).
- Access log: one line per request with its request id, like every Django request.
The SDK is imported on the first request, so loading the ASGI application does not need it.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http.request import split_domain_port, validate_host

from common import throttling
from common.middleware import REQUEST_ID_HEADER, accepted_request_id, log_access

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

MOUNT_PATH = "/mcp"
DEBUG_HOSTS = [".localhost", "127.0.0.1", "[::1]"]


def _allowed_hosts() -> list[str]:
    """Django's rule: with DEBUG and no ALLOWED_HOSTS, local names are allowed."""
    hosts = list(settings.ALLOWED_HOSTS)
    return DEBUG_HOSTS if settings.DEBUG and not hosts else hosts


def _host_allowed(host: str) -> bool:
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, _allowed_hosts())


async def _send_json(
    send: Send, status: int, body: dict[str, Any], headers: list[tuple[bytes, bytes]]
) -> None:
    content = json.dumps(body).encode()
    start_headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(content)).encode()),
        *headers,
    ]
    await send({"type": "http.response.start", "status": status, "headers": start_headers})
    await send({"type": "http.response.body", "body": content})


def _jsonrpc_error(message: str, code: int = -32600) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}}


class _Running:
    """One session manager running on one event loop (the SDK's manager runs only once)."""

    def __init__(self) -> None:
        self.ready = asyncio.Event()
        self.stop = asyncio.Event()
        self.manager: Any = None
        self.task: asyncio.Task | None = None

    async def start(self) -> None:
        from mcp.server.transport_security import TransportSecuritySettings

        from mcp_server.server import mcp_server_build

        server = mcp_server_build()
        server.streamable_http_app(
            streamable_http_path=f"{MOUNT_PATH}/",
            stateless_http=True,
            json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        self.manager = server.session_manager
        self.task = asyncio.get_running_loop().create_task(self._run())
        await self.ready.wait()

    async def _run(self) -> None:
        async with self.manager.run():
            self.ready.set()
            await self.stop.wait()


class McpMount:
    """ASGI: `/mcp` and `/mcp/` go to the MCP transport, everything else to `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._running: dict[asyncio.AbstractEventLoop, _Running] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != MOUNT_PATH:
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope["headers"]
        }
        request_id = accepted_request_id(headers.get("x-request-id", ""))
        status_seen: list[int] = []

        async def logged_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_seen.append(message["status"])
                message = {
                    **message,
                    "headers": [
                        *message.get("headers", []),
                        (REQUEST_ID_HEADER.encode(), request_id.encode()),
                    ],
                }
            await send(message)

        try:
            await self._handle(scope, receive, logged_send, headers)
        finally:
            path = scope["path"]
            status = status_seen[0] if status_seen else 500
            log_access(request_id, scope["method"], path, path, status, started, view="mcp")

    async def _handle(
        self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]
    ) -> None:
        if scope["method"] != "POST":
            # Stateless: no server-to-client stream to open (a GET would be held open forever)
            # and no session to delete.
            message = _jsonrpc_error("Send JSON-RPC messages with POST.")
            await _send_json(send, 405, message, [(b"allow", b"POST")])
            return
        if not _host_allowed(headers.get("host", "")):
            await _send_json(send, 400, _jsonrpc_error("Host not allowed."), [])
            return
        origin = headers.get("origin")
        if origin and not _host_allowed(urlsplit(origin).netloc):
            await _send_json(send, 403, _jsonrpc_error("Origin not allowed."), [])
            return
        client = scope.get("client") or ("", 0)
        ident = throttling.client_ident(client[0], headers.get("x-forwarded-for"))
        wait = await sync_to_async(throttling.client_request_count, thread_sensitive=False)(
            "anon", ident
        )
        if wait is not None:
            retry = str(max(1, math.ceil(wait))).encode()
            message = _jsonrpc_error("Request was throttled; retry later.", code=-32000)
            await _send_json(send, 429, message, [(b"retry-after", retry)])
            return
        running = await self._manager()
        inner = {**scope, "path": f"{MOUNT_PATH}/", "raw_path": f"{MOUNT_PATH}/".encode()}
        await running.manager.handle_request(inner, receive, send)

    async def _manager(self) -> _Running:
        loop = asyncio.get_running_loop()
        running = self._running.get(loop)
        if running is None:
            # Drop managers of loops that have closed (tests run one loop per test).
            self._running = {
                key: value for key, value in self._running.items() if not key.is_closed()
            }
            running = self._running[loop] = _Running()
            await running.start()
        else:
            await running.ready.wait()
        return running


def mcp_mounted(app: ASGIApp) -> ASGIApp:
    """`app` with the MCP endpoint mounted at /mcp/."""
    return McpMount(app)
