"""URL and body limits hold at the ASGI layer, before Django reads or spools a byte too many."""

from __future__ import annotations

import asyncio
import json

import pytest
from asgiref.testing import ApplicationCommunicator
from django.test import override_settings

from common.request_limits import MULTIPART_OVERHEAD, RequestLimits

LIMIT = 1000  # UPLOAD_MAX_BYTES in these tests; the body limit adds MULTIPART_OVERHEAD
BODY_LIMIT = LIMIT + MULTIPART_OVERHEAD


class RecordingApp:
    """Reads the whole body like Django's handler does, then answers 200."""

    def __init__(self) -> None:
        self.called = False
        self.read = 0

    async def __call__(self, scope, receive, send) -> None:
        self.called = True
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            self.read += len(message.get("body", b""))
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def _scope(path="/api/ping/", query=b"", headers=()):
    return {
        "type": "http",
        "method": "POST",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "headers": list(headers),
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 5000),
    }


async def _run(app, scope, chunks):
    communicator = ApplicationCommunicator(app, scope)
    for index, chunk in enumerate(chunks):
        await communicator.send_input(
            {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        )
    start = await communicator.receive_output(timeout=5)
    body = await communicator.receive_output(timeout=5)
    await communicator.wait(timeout=5)
    return start, body


@override_settings(UPLOAD_MAX_BYTES=LIMIT)
def test_declared_content_length_over_the_limit_is_413_before_the_app_runs():
    inner = RecordingApp()
    headers = [(b"content-length", str(BODY_LIMIT + 1).encode())]
    start, body = asyncio.run(_run(RequestLimits(inner), _scope(headers=headers), [b""]))
    assert start["status"] == 413
    assert json.loads(body["body"])["errors"][0]["code"] == "upload_too_large"
    assert not inner.called


@override_settings(UPLOAD_MAX_BYTES=LIMIT)
def test_chunked_body_is_counted_and_refused_past_the_limit():
    inner = RecordingApp()
    chunks = [b"x" * 8192] * 20  # 160 kB, no Content-Length
    start, body = asyncio.run(_run(RequestLimits(inner), _scope(), chunks))
    assert start["status"] == 413
    assert inner.read <= BODY_LIMIT


@override_settings(UPLOAD_MAX_BYTES=LIMIT)
def test_a_false_small_content_length_does_not_lift_the_limit():
    inner = RecordingApp()
    chunks = [b"x" * 8192] * 20
    headers = [(b"content-length", b"10")]
    start, _ = asyncio.run(_run(RequestLimits(inner), _scope(headers=headers), chunks))
    assert start["status"] == 413


@override_settings(UPLOAD_MAX_BYTES=LIMIT)
def test_body_within_the_limit_passes():
    inner = RecordingApp()
    start, body = asyncio.run(_run(RequestLimits(inner), _scope(), [b"x" * 500, b"y" * 500]))
    assert start["status"] == 200
    assert inner.read == 1000


@override_settings(REQUEST_MAX_URL_BYTES=100)
def test_long_url_is_414():
    inner = RecordingApp()
    scope = _scope(path="/genes/", query=b"search=" + b"a" * 200)
    start, body = asyncio.run(_run(RequestLimits(inner), scope, [b""]))
    assert start["status"] == 414
    assert not inner.called
    assert b"URL" in body["body"]


@pytest.mark.django_db(transaction=True)
@override_settings(UPLOAD_MAX_BYTES=LIMIT)
def test_project_asgi_application_refuses_a_chunked_anonymous_post():
    from kidney_genetics.asgi import application

    scope = {**_scope(), "asgi": {"version": "3.0"}}
    start, body = asyncio.run(_run(application, scope, [b"x" * 8192] * 20))
    assert start["status"] == 413


@override_settings(UPLOAD_MAX_BYTES=LIMIT)
def test_django_test_client_path_refuses_by_content_length(client):
    response = client.post(
        "/api/ping/", data=b"x" * (BODY_LIMIT + 1), content_type="application/octet-stream"
    )
    assert response.status_code == 413
