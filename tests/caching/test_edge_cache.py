"""The edge read cache in front of Django: same rules as the view cache, without entering Django.

Runs against the production topology only (PostgreSQL and Redis): with SQLite or a local-memory
cache the edge is off and the view-level cache serves hits (tests/caching/test_read_cache.py).
"""

from __future__ import annotations

import asyncio
import logging

import pytest
from asgiref.testing import ApplicationCommunicator
from django.contrib.auth import get_user_model
from django.test import override_settings
from rest_framework.throttling import SimpleRateThrottle

from common.asgi_handler import SyncChainASGIHandler
from common.caching import data_version_bump
from common.edge_cache import EdgeReadCache, _Capture, edge_enabled
from curation.services import api_token_issue
from genes.models import Evidence
from genes.scoring import scores_recompute
from tests.factories import GeneFactory
from tests.genes.api.conftest import make_scored_gene

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not edge_enabled(), reason="the edge cache needs PostgreSQL and Redis"),
]

EDGE_READS = [
    "/api/genes/",
    "/api/genes/?filter[tier]=comprehensive_support&sort=-score",
    "/api/genes/PKD1/",
    "/api/genes/PKD1/evidence/",
    "/api/genes/resolve/?q=PKD1",
    "/api/statistics/summary/",
    "/",
    "/genes/",
    "/genes/PKD1/",
    "/statistics/",
]


class EdgeClient:
    """Requests through `EdgeReadCache(Django)` on one event loop, counting Django's entries."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.django_calls: list[str] = []
        handler = SyncChainASGIHandler()
        original = handler.get_response

        def counted(request):
            self.django_calls.append(request.get_full_path())
            return original(request)

        monkeypatch.setattr(handler, "get_response", counted)
        self.edge = EdgeReadCache(handler)
        self.loop = asyncio.new_event_loop()

    def get(self, path: str, headers: dict[str, str] | None = None, client: str = "127.0.0.1"):
        all_headers = {"host": "testserver", **(headers or {})}

        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path.split("?")[0],
            "raw_path": path.split("?")[0].encode(),
            "query_string": path.partition("?")[2].encode(),
            "headers": [(name.encode(), value.encode()) for name, value in all_headers.items()],
            "client": (client, 50000),
            "server": ("testserver", 80),
        }

        async def request() -> dict:
            # Built inside the loop: the communicator starts the application as a task.
            communicator = ApplicationCommunicator(self.edge, scope)
            await communicator.send_input({"type": "http.request", "body": b""})
            response = await communicator.receive_output(timeout=30)
            response["body"] = b""
            while True:
                chunk = await communicator.receive_output(timeout=30)
                response["body"] += chunk.get("body", b"")
                if not chunk.get("more_body", False):
                    break
            await communicator.wait(timeout=30)
            return response

        response = self.loop.run_until_complete(request())
        response["headers"] = {
            name.decode().lower(): value.decode() for name, value in response["headers"]
        }
        return response

    def close(self) -> None:
        self.loop.run_until_complete(self.edge._reset_connections())
        self.loop.close()


@pytest.fixture
def edge(monkeypatch):
    client = EdgeClient(monkeypatch)
    yield client
    client.close()


@pytest.fixture
def scored(db):
    make_scored_gene("PKD1", hgnc_id=9008, score=92.5, tier="comprehensive_support")
    make_scored_gene("PKD2", hgnc_id=9009, score=80.0, tier="multi_source_support")


@pytest.mark.parametrize("path", EDGE_READS)
def test_a_repeated_public_read_is_answered_without_entering_django(edge, scored, path):
    first = edge.get(path)
    second = edge.get(path, headers={"x-request-id": "edge-test-2"})
    assert first["status"] == second["status"] == 200
    assert (first["headers"]["x-cache"], second["headers"]["x-cache"]) == ("miss", "hit")
    assert second["body"] == first["body"]
    assert edge.django_calls == [path]
    assert second["headers"]["x-request-id"] == "edge-test-2"
    for header in ("content-type", "content-security-policy", "x-content-type-options"):
        assert second["headers"][header] == first["headers"][header]
    assert int(second["headers"]["content-length"]) == len(second["body"])


def test_each_hit_gets_its_own_request_id(edge, scored):
    edge.get("/api/genes/")
    ids = {edge.get("/api/genes/")["headers"]["x-request-id"] for _ in range(3)}
    assert len(ids) == 3


def test_a_hit_writes_one_access_log_line(edge, scored, caplog):
    edge.get("/api/genes/?sort=-score")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="kidney_genetics.access"):
        edge.get("/api/genes/?sort=-score", headers={"x-request-id": "edge-log-1"})
    lines = [record for record in caplog.records if record.name == "kidney_genetics.access"]
    assert len(lines) == 1
    assert lines[0].getMessage().startswith("GET /api/genes/?sort=-score 200 ")
    assert (lines[0].view, lines[0].status, lines[0].path) == ("edge-cache", 200, "/api/genes/")


def test_a_score_recompute_is_visible_on_the_next_request(edge, scored):
    gene = GeneFactory(symbol="NPHS1", hgnc_id=7908)
    Evidence.objects.create(gene=gene, source="panelapp", panel_count=3, details={})
    before = edge.get("/api/genes/NPHS1/")
    assert edge.get("/api/genes/NPHS1/")["headers"]["x-cache"] == "hit"
    scores_recompute()
    after = edge.get("/api/genes/NPHS1/")
    assert after["headers"]["x-cache"] == "miss"
    assert after["body"] != before["body"]


def test_a_version_bump_invalidates_every_edge_entry(edge, scored):
    for path in EDGE_READS[:3]:
        edge.get(path)
    data_version_bump()
    assert {edge.get(path)["headers"]["x-cache"] for path in EDGE_READS[:3]} == {"miss"}


def test_credentials_go_to_django_every_time(edge, scored):
    user = get_user_model().objects.create_user("edge-reader", password="pw-not-used-123")
    token = api_token_issue(user=user)[0]
    for headers in (
        {"authorization": f"Token {token}"},
        {"cookie": "sessionid=abc123"},
        {"cookie": "messages=xyz; theme=dark"},
    ):
        edge.django_calls.clear()
        edge.get("/api/genes/", headers=headers)
        edge.get("/api/genes/", headers=headers)
        assert len(edge.django_calls) == 2, headers


@pytest.mark.parametrize("path", ["/api/ping/", "/api/genes/?format=csv", "/api/genes/NOPE/"])
def test_uncacheable_responses_are_never_stored(edge, scored, path):
    edge.get(path)
    second = edge.get(path)
    assert second["headers"].get("x-cache") != "hit"
    assert edge.django_calls == [path, path]


def test_responses_that_set_cookies_or_are_private_are_not_stored():
    def captured(headers):
        capture = _Capture(send=None)
        capture.status, capture.headers, capture.complete = 200, headers, True
        return capture.storable()

    assert captured([(b"x-cache", b"miss")])
    assert not captured([(b"x-cache", b"miss"), (b"set-cookie", b"csrftoken=abc")])
    assert not captured([(b"x-cache", b"miss"), (b"cache-control", b"private")])
    assert not captured([(b"x-cache", b"miss"), (b"cache-control", b"no-store")])
    assert not captured([])


def test_api_hits_still_count_against_the_rate_limit(edge, scored, monkeypatch, frozen_clock):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    statuses = [edge.get("/api/genes/PKD1/")["status"] for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert edge.get("/api/genes/PKD1/", client="192.0.2.77")["status"] == 200


def test_pages_are_not_rate_limited(edge, scored, monkeypatch, frozen_clock):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "1/minute")
    assert {edge.get("/genes/PKD1/")["status"] for _ in range(3)} == {200}


def test_an_unreachable_redis_passes_reads_to_django(edge, scored, caplog):
    unreachable = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/5",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    with override_settings(CACHES=unreachable):
        responses = [edge.get("/api/genes/PKD1/") for _ in range(3)]
    assert [response["status"] for response in responses] == [200, 200, 200]
    assert len(edge.django_calls) == 3
    assert "edge cache unavailable" in caplog.text
    edge.edge._paused_until = 0.0
    edge.get("/api/genes/PKD1/")
    assert edge.get("/api/genes/PKD1/")["headers"]["x-cache"] == "hit"
