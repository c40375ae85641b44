"""CSRF: a session-authenticated write without a token is refused on every URL.

Token-authenticated API writes are exempt by design: a browser never attaches an
`Authorization: Token` header by itself, so a forged cross-site form cannot carry one. The
token endpoint takes no session either; an anonymous POST to it needs no CSRF token (it only
answers the caller with a token it cannot read cross-site).
"""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.security.test_url_access import ROUTES


@pytest.fixture
def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_session_post_without_csrf_token_is_refused(csrf_client, superuser, route):
    csrf_client.force_login(superuser)
    response = csrf_client.post(route.path, {"source": "clingen"})
    assert response.status_code == 403, (route.path, response.status_code)


def _csrf_token(client: Client) -> str:
    client.get("/admin/")  # its logout form sets the CSRF cookie
    return client.cookies["csrftoken"].value


@pytest.mark.django_db
def test_session_post_with_csrf_token_reaches_the_view(csrf_client, curator, scored_gene):
    csrf_client.force_login(curator)
    token = _csrf_token(csrf_client)
    body = {"gene": "HGNC:9008", "verdict": "confirmed", "rationale": "Segregates."}
    response = csrf_client.post(
        "/api/decisions/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_token_authenticated_api_write_needs_no_csrf_token(curator, token_of, scored_gene):
    client = APIClient(enforce_csrf_checks=True)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_of(curator)}")
    body = {"gene": "HGNC:9008", "verdict": "confirmed", "rationale": "Segregates."}
    response = client.post("/api/decisions/", body, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_admin_login_post_without_csrf_token_is_refused(csrf_client, curator):
    response = csrf_client.post("/admin/login/", {"username": "cora_curator", "password": "x"})
    assert response.status_code == 403
