"""One error shape everywhere (Django-level errors under /api/ too), auth on writes, throttling."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

ERROR_KEYS = {"status", "code", "title", "detail"}


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    errors = response.json()["errors"]
    assert errors and all(set(error) >= ERROR_KEYS for error in errors)
    assert all(error["status"] == str(status) for error in errors)
    return errors[0]


@pytest.mark.django_db
@pytest.mark.urls("tests.genes.api.urls_with_handlers")
def test_unknown_api_path_is_json_404():
    error = assert_error_shape(Client().get("/api/no-such-endpoint/"), 404)
    assert error["code"] == "not_found"


@pytest.mark.django_db
@pytest.mark.urls("tests.genes.api.urls_with_handlers")
def test_unknown_page_path_keeps_html_404():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
@pytest.mark.urls("tests.genes.api.urls_with_handlers")
def test_server_error_under_api_is_json_500_without_traceback():
    response = Client(raise_request_exception=False).get("/api/broken/")
    error = assert_error_shape(response, 500)
    assert "boom" not in error["detail"] and "Traceback" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.urls("tests.genes.api.urls_with_handlers")
def test_too_many_query_parameters_under_api_is_json_400(genes):
    query = "&".join(f"p{number}=1" for number in range(1100))
    error = assert_error_shape(Client().get(f"/api/genes/?{query}"), 400)
    assert error["code"] == "bad_request"


@pytest.mark.django_db
@pytest.mark.urls("tests.genes.api.urls_with_handlers")
def test_permission_denied_outside_drf_under_api_is_json_403():
    error = assert_error_shape(Client().get("/api/forbidden/"), 403)
    assert error["code"] == "permission_denied"


@pytest.mark.django_db
def test_django_404_raised_in_an_api_view_has_the_not_found_code(api_client):
    error = assert_error_shape(api_client.get("/api/releases/no-such-release/"), 404)
    assert error["code"] == "not_found"
    error = assert_error_shape(api_client.get("/api/releases/none/download/genes.csv"), 404)
    assert (error["code"], error["detail"]) == ("not_found", "No file genes.csv in release none.")


@pytest.mark.django_db
def test_anonymous_write_is_refused_in_error_shape(api_client, genes):
    response = api_client.post("/api/genes/", {"symbol": "X"})
    error = assert_error_shape(response, 401)
    assert error["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Token")


@pytest.mark.django_db
def test_authenticated_write_to_read_only_endpoint_is_405(api_client, genes):
    user = get_user_model().objects.create_user("reader", password="pw-not-used-123")
    api_client.force_authenticate(user)
    assert_error_shape(api_client.delete("/api/genes/PKD1/"), 405)


@pytest.mark.django_db
def test_anonymous_clients_are_throttled_with_retry_after(
    api_client, genes, monkeypatch, frozen_clock
):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "3/minute")
    for _ in range(3):
        assert api_client.get("/api/genes/").status_code == 200
    response = api_client.get("/api/statistics/summary/")
    error = assert_error_shape(response, 429)
    assert error["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 60


@pytest.mark.django_db
def test_public_gets_need_no_login(genes):
    client = Client()
    for url in (
        "/api/genes/",
        "/api/genes/PKD1/",
        "/api/genes/PKD1/evidence/",
        "/api/genes/resolve/?q=PKD1",
        "/api/sources/",
        "/api/sources/panelapp/",
        "/api/statistics/overlaps/",
        "/api/statistics/distributions/",
        "/api/statistics/summary/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/api/releases/", "/api/releases/9.9.9/", "/api/decisions/"])
def test_browsers_get_json_not_the_browsable_api(url):
    response = Client().get(url, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response["Content-Type"].startswith("application/json")
