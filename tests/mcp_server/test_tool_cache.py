"""Tool answers come from the read cache until the data version changes, in whichever process
the change was committed (committed rows, so the cache is active: no open transaction)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from django.core.cache import cache

from mcp_server import output
from tests.factories import GeneFactory, GeneScoreFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _get_gene(symbol: str) -> dict:
    from mcp import Client

    from mcp_server.server import mcp_server_build

    async def run() -> dict:
        async with Client(mcp_server_build()) as client:
            result = await client.call_tool("get_gene", {"identifier": symbol})
            return result.structured_content

    return async_to_sync(run)()


def test_answers_are_cached_until_the_data_version_changes(monkeypatch):
    score = GeneScoreFactory(gene=GeneFactory(symbol="CACHED1"), score=42.0)
    computed = []
    original = output.answer_payload

    def counting(name, body, arguments):
        computed.append(name)
        return original(name, body, arguments)

    monkeypatch.setattr(output, "answer_payload", counting)

    first = _get_gene("CACHED1")
    second = _get_gene("CACHED1")
    assert computed == ["get_gene"]
    assert second == first
    assert first["data"]["score"]["score"] == 42.0

    score.score = 55.0
    score.computed_at = score.computed_at + timedelta(seconds=1)
    score.save()
    third = _get_gene("CACHED1")
    assert computed == ["get_gene", "get_gene"]
    assert third["data"]["score"]["score"] == 55.0


def test_other_arguments_are_other_entries(monkeypatch):
    GeneFactory(symbol="CACHED2")
    GeneFactory(symbol="CACHED3")
    assert _get_gene("CACHED2")["data"]["approved_symbol"] == "CACHED2"
    assert _get_gene("CACHED3")["data"]["approved_symbol"] == "CACHED3"
