"""The streamable HTTP transport at /mcp/, through the project's ASGI application: the SDK's own
client over HTTP, the host checks, and the API's rate limit shared with the REST endpoints."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.throttling import SimpleRateThrottle

JSON_RPC_HEADERS = {"accept": "application/json, text/event-stream"}
TOOLS_LIST = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}


@pytest.fixture(autouse=True)
def _keep_test_connection():
    """Django's ASGI handler closes the database connection around each request; the test's
    transaction lives on it (Django's own test client disconnects these handlers too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Rate-limit counters live in the cache; every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


def _over_http(body: Callable[[Any], Awaitable[Any]]) -> Any:
    """Run `body(http_client)` against the ASGI application, in the test's thread and data."""
    import httpx2

    from kidney_genetics.asgi import application

    async def run() -> Any:
        transport = httpx2.ASGITransport(app=application, client=("198.51.100.7", 4000))
        async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as http:
            return await body(http)

    return async_to_sync(run)()


def _mcp_over_http(body: Callable[[Any], Awaitable[Any]]) -> Any:
    """Run `body(mcp_client)` in an SDK client session over streamable HTTP."""
    from mcp import Client
    from mcp.client.streamable_http import streamable_http_client

    async def run(http: Any) -> Any:
        transport = streamable_http_client("http://testserver/mcp/", http_client=http)
        async with Client(transport) as client:
            return await body(client)

    return _over_http(run)


def test_sdk_client_over_http_lists_tools_and_answers_like_in_process(demo_release, db, call_tool):
    async def session(client):
        tools = await client.list_tools()
        gene = await client.call_tool("get_gene", {"identifier": "PKD1"})
        page = await client.call_tool("search_genes", {"high_evidence": True, "page_size": 5})
        missing = await client.call_tool("get_gene", {"identifier": "NO-SUCH-GENE"})
        return tools, gene, page, missing

    tools, gene, page, missing = _mcp_over_http(session)
    assert len(tools.tools) == 12
    assert gene.structured_content == call_tool("get_gene", identifier="PKD1").structured_content
    assert gene.structured_content["provenance"]["latest_release"] == demo_release
    assert page.structured_content["meta"]["page_size"] == 5
    assert len(page.structured_content["data"]) == 5
    assert missing.is_error
    assert "No gene 'NO-SUCH-GENE'" in missing.content[0].text


def test_other_paths_still_reach_django(demo_release, db):
    response = _over_http(lambda http: http.get("/api/genes/PKD1/"))
    assert response.status_code == 200
    assert response.json()["data"]["id"] == "HGNC:9008"


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"host": "attacker.example"}, 400),
        ({"origin": "http://attacker.example"}, 403),
        ({"origin": "http://localhost:8000"}, 200),
    ],
)
def test_hosts_and_origins_follow_allowed_hosts(demo_release, db, headers, status):
    response = _over_http(
        lambda http: http.post("/mcp/", json=TOOLS_LIST, headers={**JSON_RPC_HEADERS, **headers})
    )
    assert response.status_code == status
    assert response.headers["x-request-id"]


@pytest.mark.parametrize("method", ["GET", "DELETE", "PUT"])
def test_only_post_is_served_so_no_stream_is_held_open(demo_release, db, method):
    response = _over_http(lambda http: http.request(method, "/mcp/", headers=JSON_RPC_HEADERS))
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


def test_mcp_requests_count_against_the_api_rate_limit_of_the_address(
    demo_release, db, monkeypatch
):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/day")

    async def four_then_rest(http):
        answers = [
            await http.post("/mcp/", json=TOOLS_LIST, headers=JSON_RPC_HEADERS) for _ in range(4)
        ]
        rest = await http.get("/api/sources/")
        return answers, rest

    answers, rest = _over_http(four_then_rest)
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert int(answers[3].headers["retry-after"]) >= 1
    assert answers[3].json()["error"]["message"] == "Request was throttled; retry later."
    assert "tools" in answers[0].json()["result"]
    # One counter per address for the REST API and the MCP endpoint.
    assert rest.status_code == 429
