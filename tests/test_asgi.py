"""The ASGI entry point serves HTTP through one sync middleware chain, entered once."""

from __future__ import annotations

import asyncio

from asgiref.sync import iscoroutinefunction
from channels.testing import HttpCommunicator

from common.asgi_handler import SyncChainASGIHandler
from kidney_genetics.asgi import django_asgi_app


def test_the_middleware_chain_is_loaded_in_sync_mode():
    assert isinstance(django_asgi_app, SyncChainASGIHandler)
    assert not iscoroutinefunction(django_asgi_app._middleware_chain)


def test_a_request_passes_every_middleware_and_the_view(monkeypatch):
    hops = []
    original = SyncChainASGIHandler.get_response

    def counted(self, request):
        hops.append(request.path)
        return original(self, request)

    monkeypatch.setattr(SyncChainASGIHandler, "get_response", counted)
    communicator = HttpCommunicator(
        django_asgi_app,
        "GET",
        "/api/ping/",
        headers=[(b"host", b"localhost"), (b"x-request-id", b"asgi-test-1")],
    )
    response = asyncio.run(communicator.get_response())
    headers = dict(response["headers"])
    assert response["status"] == 200
    assert response["body"] == b'{"ping": "pong"}'
    assert headers[b"X-Request-ID"] == b"asgi-test-1"
    assert b"Content-Security-Policy" in headers
    assert headers[b"X-Content-Type-Options"] == b"nosniff"
    assert hops == ["/api/ping/"]
