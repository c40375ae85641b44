"""Django's ASGI handler, running the whole middleware chain and view in one worker thread.

Every HTTP view here is synchronous (DRF and the server-rendered pages). Django's async chain
then pays for it many times over: each sync-only middleware, and every `MiddlewareMixin` hook
(`process_request`, `process_view`, `process_response`) in async mode, goes through its own
`sync_to_async` call, so one request hops between the event loop and a thread a dozen times.
Loading the middleware in sync mode, as under WSGI, and running the chain in one
`sync_to_async` call makes it a single hop; the event loop stays free while the thread works.
WebSockets are not affected: Channels routes them before this handler.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase


class SyncChainASGIHandler(ASGIHandler):
    """`ASGIHandler` with a sync middleware chain, entered once per request."""

    def load_middleware(self, is_async: bool = False) -> None:
        super().load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)
