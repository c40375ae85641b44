"""Rate limits: one counter per client per window, keyed the way DRF reads client addresses."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import override_settings
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from common import caching
from common.throttling import (
    ClientRateThrottle,
    client_ident,
    parse_rate,
    seconds_left,
    window_key,
)

# Every test here counts requests per time window: the clock is frozen, so none can straddle one.
pytestmark = pytest.mark.usefixtures("frozen_clock")


def test_the_api_uses_the_counter_throttle_only():
    assert APIView.throttle_classes == [ClientRateThrottle]


@pytest.mark.parametrize(
    ("rate", "parsed"),
    [
        ("600/minute", (600, 60)),
        ("5/s", (5, 1)),
        ("3000/hour", (3000, 3600)),
        ("1/day", (1, 86400)),
    ],
)
def test_rates_parse_like_drf(rate, parsed):
    assert parse_rate(rate) == parsed


def test_window_key_changes_at_the_window_boundary():
    assert window_key("anon", "1.2.3.4", 60, 119.9) == window_key("anon", "1.2.3.4", 60, 60.0)
    assert window_key("anon", "1.2.3.4", 60, 120.0) != window_key("anon", "1.2.3.4", 60, 119.9)
    assert seconds_left(60, 125.0) == 55.0


@pytest.mark.parametrize(
    ("num_proxies", "forwarded", "expected"),
    [
        (None, None, "10.0.0.9"),
        (None, "203.0.113.7, 10.0.0.1", "203.0.113.7,10.0.0.1"),
        (0, "203.0.113.7", "10.0.0.9"),
        (1, "203.0.113.7, 198.51.100.2", "198.51.100.2"),
        (2, "203.0.113.7, 198.51.100.2", "203.0.113.7"),
    ],
)
def test_client_ident_reads_forwarded_for_as_drf_does(
    monkeypatch, num_proxies, forwarded, expected
):
    monkeypatch.setattr(api_settings, "NUM_PROXIES", num_proxies)
    assert client_ident("10.0.0.9", forwarded) == expected


@pytest.mark.django_db
def test_the_counter_resets_with_the_window(api_client, genes, monkeypatch, frozen_clock):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/minute")
    statuses = [api_client.get("/api/genes/PKD1/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    frozen_clock.advance(60)
    assert api_client.get("/api/genes/PKD1/").status_code == 200


@pytest.mark.django_db
def test_anonymous_addresses_are_counted_apart(api_client, genes, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "1/minute")
    assert api_client.get("/api/genes/", REMOTE_ADDR="192.0.2.1").status_code == 200
    assert api_client.get("/api/genes/", REMOTE_ADDR="192.0.2.2").status_code == 200
    assert api_client.get("/api/genes/", REMOTE_ADDR="192.0.2.1").status_code == 429


@pytest.mark.django_db
def test_one_request_keeps_one_small_counter(api_client, genes):
    """The per-request state is an integer, not a growing list of request times."""
    for _ in range(5):
        api_client.get("/api/genes/", REMOTE_ADDR="192.0.2.5")
    _, period = parse_rate(SimpleRateThrottle.THROTTLE_RATES["anon"])
    assert cache.get(window_key("anon", "192.0.2.5", period, time.time())) == 5


@pytest.mark.django_db
def test_a_signed_in_user_is_counted_per_account_not_per_address(api_client, genes, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "1/minute")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "2/minute")
    user = get_user_model().objects.create_user("counted", password="pw-not-used-123")
    api_client.force_authenticate(user)
    first = api_client.get("/api/genes/", REMOTE_ADDR="192.0.2.1").status_code
    second = api_client.get("/api/genes/", REMOTE_ADDR="192.0.2.2").status_code
    third = api_client.get("/api/genes/", REMOTE_ADDR="192.0.2.3").status_code
    assert (first, second, third) == (200, 200, 429)


@pytest.mark.django_db
def test_an_unreachable_cache_lets_requests_through(api_client, genes, monkeypatch, caplog):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "1/minute")
    unreachable = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
        }
    }
    caching._state["paused_until"] = 0.0
    try:
        with override_settings(CACHES=unreachable):
            statuses = {api_client.get("/api/genes/").status_code for _ in range(3)}
    finally:
        caching._state["paused_until"] = 0.0
    assert statuses == {200}
    assert "unavailable" in caplog.text


@pytest.mark.django_db
def test_by_default_a_forged_forwarded_for_picks_no_new_bucket(api_client, genes, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "1/minute")
    assert api_settings.NUM_PROXIES == 0
    assert api_client.get("/api/genes/", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 200
    assert api_client.get("/api/genes/", HTTP_X_FORWARDED_FOR="198.51.100.2").status_code == 429
