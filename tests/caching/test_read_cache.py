"""The public reads are cached per request and data version, and never when they must not be."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from common.caching import data_version_bump
from curation.services import decision_record
from genes.models import Evidence
from genes.scoring import scores_recompute
from tests.factories import GeneFactory
from tests.genes.api.conftest import make_scored_gene

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_READS = [
    "/api/genes/",
    "/api/genes/?filter[tier]=comprehensive_support&sort=-score",
    "/api/genes/PKD1/",
    "/api/genes/PKD1/evidence/",
    "/api/genes/resolve/?q=PKD1",
    "/api/sources/",
    "/api/sources/panelapp/",
    "/api/statistics/overlaps/",
    "/api/statistics/distributions/",
    "/api/statistics/summary/",
    "/",
    "/genes/",
    "/genes/PKD1/",
    "/search/suggest/?q=PK",
    "/statistics/",
    "/about/",
]


@pytest.fixture
def scored(db):
    make_scored_gene("PKD1", hgnc_id=9008, score=92.5, tier="comprehensive_support")
    make_scored_gene("PKD2", hgnc_id=9009, score=80.0, tier="multi_source_support")


def evidence_scored_gene() -> None:
    """A gene whose score comes from a real recompute over its evidence rows."""
    gene = GeneFactory(symbol="NPHS1", hgnc_id=7908)
    Evidence.objects.create(gene=gene, source="panelapp", panel_count=3, details={})
    scores_recompute()


@pytest.mark.parametrize("url", PUBLIC_READS)
def test_second_identical_read_is_served_from_cache(scored, url):
    client = Client()
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_hit_costs_only_the_data_version_query(scored, django_assert_num_queries):
    client = Client()
    client.get("/api/genes/")
    with django_assert_num_queries(1):
        assert client.get("/api/genes/")["X-Cache"] == "hit"


def test_parameter_order_shares_an_entry_but_values_do_not(scored):
    client = Client()
    assert client.get("/api/genes/?sort=score&page[size]=1")["X-Cache"] == "miss"
    assert client.get("/api/genes/?page[size]=1&sort=score")["X-Cache"] == "hit"
    other = client.get("/api/genes/?page[size]=1&sort=-score")
    assert other["X-Cache"] == "miss"
    assert other.json()["data"][0]["attributes"]["approved_symbol"] == "PKD1"


def test_htmx_fragment_and_full_page_are_cached_apart(scored):
    client = Client()
    page = client.get("/genes/")
    fragment = client.get("/genes/", HTTP_HX_REQUEST="true")
    assert (page["X-Cache"], fragment["X-Cache"]) == ("miss", "miss")
    assert b"<html" in page.content and b"<html" not in fragment.content
    assert client.get("/genes/", HTTP_HX_REQUEST="true").content == fragment.content


def test_recompute_changes_what_the_next_read_sees(db):
    evidence_scored_gene()
    client = Client()
    before = client.get("/api/genes/NPHS1/").json()["data"]["attributes"]
    assert client.get("/api/genes/NPHS1/")["X-Cache"] == "hit"
    Evidence.objects.create(gene_id=7908, source="clingen", classification="Definitive", details={})
    scores_recompute()
    response = client.get("/api/genes/NPHS1/")
    assert response["X-Cache"] == "miss"
    after = response.json()["data"]["attributes"]
    assert after["score"]["source_count"] == before["score"]["source_count"] + 1


def test_curator_decision_changes_the_next_read(scored):
    client = Client()
    assert b"confirmed" not in client.get("/api/genes/PKD1/").content
    curator = get_user_model().objects.create_user("curator", password="x")
    from genes.models import Gene

    decision_record(
        gene=Gene.objects.get(symbol="PKD1"), verdict="confirmed", rationale="seen", user=curator
    )
    response = Client().get("/api/genes/PKD1/")
    assert response["X-Cache"] == "miss"
    assert b"confirmed" in response.content


def test_data_version_bump_invalidates_every_entry(scored):
    client = Client()
    client.get("/api/statistics/summary/")
    data_version_bump()
    assert client.get("/api/statistics/summary/")["X-Cache"] == "miss"
    assert client.get("/api/statistics/summary/")["X-Cache"] == "hit"


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/genes/NOSUCHGENE/", 404),
        ("/api/genes/?sort=nonsense", 400),
        ("/api/genes/resolve/", 400),
        ("/genes/NOSUCHGENE/", 404),
        ("/api/genes/PC1/", 302),
    ],
)
def test_errors_and_redirects_are_never_cached(scored, url, status):
    GeneFactory(symbol="PKDX", hgnc_id=9010, aliases=["PC1"])
    client = Client()
    assert client.get(url).status_code == status
    second = client.get(url)
    assert second.status_code == status
    assert second.get("X-Cache") != "hit"


def test_streamed_exports_are_not_cached(scored):
    client = Client()
    for _ in range(2):
        response = client.get("/api/genes/?format=csv")
        assert response.streaming and response.get("X-Cache") != "hit"
        assert b"PKD1" in b"".join(response.streaming_content)


def test_requests_with_credentials_bypass_the_cache(scored):
    client = Client()
    client.get("/api/genes/")
    assert "X-Cache" not in client.get("/api/genes/", HTTP_AUTHORIZATION="Token abc")
    client.cookies["sessionid"] = "anything"
    assert "X-Cache" not in client.get("/genes/")
    assert "X-Cache" not in client.get("/api/genes/")


def test_reads_inside_an_open_transaction_are_not_cached(scored):
    from django.db import transaction

    client = Client()
    with transaction.atomic():
        assert "X-Cache" not in client.get("/api/genes/")


@override_settings(READ_CACHE_SECONDS=0)
def test_zero_seconds_turns_caching_off(scored):
    client = Client()
    client.get("/api/genes/")
    assert "X-Cache" not in client.get("/api/genes/")


UNREACHABLE_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/5",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }
}


def test_cache_down_serves_every_read_uncached(scored, caplog):
    with override_settings(CACHES=UNREACHABLE_REDIS):
        client = Client()
        for url in PUBLIC_READS:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "X-Cache" not in response
        data_version_bump()
    assert "read cache unavailable" in caplog.text


def test_throttles_still_throttle_while_the_cache_is_up(scored, monkeypatch, frozen_clock):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    client = Client()
    statuses = [client.get("/api/genes/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_cache_failure_pauses_caching_then_recovers(scored):
    from common import caching

    with override_settings(CACHES=UNREACHABLE_REDIS):
        Client().get("/api/genes/")
    assert caching._state["paused_until"] > 0
    caching._state["paused_until"] = 0.0
    client = Client()
    assert client.get("/api/genes/")["X-Cache"] == "miss"
    assert client.get("/api/genes/")["X-Cache"] == "hit"


def test_lost_bump_counter_never_revives_older_entries(scored):
    from django.core.cache import cache

    from common.caching import COUNTER_KEY

    client = Client()
    client.get("/api/genes/")
    data_version_bump()
    cache.delete(COUNTER_KEY)
    assert client.get("/api/genes/")["X-Cache"] == "miss"
    assert client.get("/api/genes/")["X-Cache"] == "hit"
