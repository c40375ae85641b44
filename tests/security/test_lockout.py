"""Login lockout (django-axes): repeated failures lock a username from one address out.

The limit is set to 3 here so the API token endpoint's own rate limit (5/minute) does not
answer first; the lock holds even for the right password until the cool-off ends.
"""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.test import override_settings

from tests.factories import PASSWORD

LIMIT = 3

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("curator")]


def _admin_login(client, password: str, address: str = "10.0.0.1"):
    body = {"username": "cora_curator", "password": password, "next": "/admin/"}
    return client.post("/admin/login/", body, REMOTE_ADDR=address)


def _token_login(api_client, password: str, address: str = "10.0.0.1"):
    body = {"username": "cora_curator", "password": password}
    return api_client.post("/api/auth/token/", body, format="json", REMOTE_ADDR=address)


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_admin_login_locks_out_after_repeated_failures(client):
    for _ in range(LIMIT - 1):
        assert _admin_login(client, "wrong").status_code == 200  # the form again, with an error
    assert _admin_login(client, "wrong").status_code == 429
    locked = _admin_login(client, PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="cora_curator").failures_since_start >= LIMIT


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_api_token_endpoint_locks_out_after_repeated_failures(api_client):
    for _ in range(LIMIT):
        assert _token_login(api_client, "wrong").status_code == 400
    locked = _token_login(api_client, PASSWORD)
    assert locked.status_code == 429
    error = locked.json()["errors"][0]
    assert error["code"] == "locked_out"
    assert "token" not in locked.json()


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_the_lock_is_per_username_and_address(client):
    for _ in range(LIMIT):
        _admin_login(client, "wrong")
    response = _admin_login(client, PASSWORD, address="10.0.0.2")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_a_successful_login_resets_the_count(client):
    """Admin login here: the token endpoint's rate limit would answer the sixth request."""
    for _ in range(2):
        for _ in range(LIMIT - 1):
            _admin_login(client, "wrong")
        assert _admin_login(client, PASSWORD).status_code == 302
        client.logout()


@override_settings(AXES_FAILURE_LIMIT=LIMIT)
def test_a_forged_forwarded_for_does_not_escape_the_lock(client):
    """With no trusted proxy configured, X-Forwarded-For is the client's own claim."""
    for number in range(LIMIT):
        client.post(
            "/admin/login/",
            {"username": "cora_curator", "password": "wrong", "next": "/admin/"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    response = client.post(
        "/admin/login/",
        {"username": "cora_curator", "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    assert response.status_code == 429
