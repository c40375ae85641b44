"""Token auth for scripts: tokens, rate-limited login, role-checked writes, no secrets in logs."""

from __future__ import annotations

import logging
import sys
import types

import pytest
from rest_framework.authtoken.models import Token

from curation.models import CuratorDecision
from tests.curation.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/auth/token/"


def _token_for(api_client, username: str) -> str:
    response = api_client.post(TOKEN_URL, {"username": username, "password": PASSWORD})
    assert response.status_code == 200
    return response.json()["token"]


def test_token_authenticates_a_script_that_records_a_decision(api_client, curator, genes):
    token = _token_for(api_client, curator.username)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    body = {"gene": "9008", "verdict": "disputed", "rationale": "One family only.", "pmids": [1]}
    response = api_client.post("/api/decisions/", body, format="json")
    assert response.status_code == 201
    assert response.json()["author"] == "cora_curator"
    assert response.json()["version"] == 1


def test_api_refuses_decision_without_rationale(api_client, curator, genes):
    api_client.force_authenticate(curator)
    body = {"gene": "HGNC:9008", "verdict": "confirmed", "rationale": "  "}
    response = api_client.post("/api/decisions/", body, format="json")
    assert response.status_code == 400
    assert [error["source"]["parameter"] for error in response.json()["errors"]] == ["rationale"]
    assert not CuratorDecision.objects.exists()


def test_api_stale_decision_is_a_conflict(api_client, curator, other_curator, genes):
    api_client.force_authenticate(curator)
    body = {"gene": "HGNC:9008", "verdict": "confirmed", "rationale": "First."}
    api_client.post("/api/decisions/", body, format="json")
    api_client.post("/api/decisions/", {**body, "base_version": 1, "verdict": "disputed"})
    api_client.force_authenticate(other_curator)
    response = api_client.post(
        "/api/decisions/", {**body, "base_version": 1, "verdict": "excluded"}, format="json"
    )
    assert response.status_code == 409
    assert "changed by cora_curator" in response.json()["errors"][0]["detail"]
    assert CuratorDecision.objects.get().verdict == "disputed"


def test_api_unknown_gene_is_a_validation_error(api_client, curator, genes):
    api_client.force_authenticate(curator)
    body = {"gene": "HGNC:1", "verdict": "confirmed", "rationale": "R."}
    assert api_client.post("/api/decisions/", body, format="json").status_code == 400


def test_wrong_password_gets_no_token(api_client, curator):
    response = api_client.post(TOKEN_URL, {"username": curator.username, "password": "nope"})
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_login_is_rate_limited(api_client, curator):
    codes = [
        api_client.post(TOKEN_URL, {"username": curator.username, "password": "x"}).status_code
        for _ in range(6)
    ]
    assert codes[:5] == [400] * 5
    assert codes[5] == 429


def test_passwords_and_tokens_never_reach_the_logs(api_client, curator, genes, caplog):
    caplog.set_level(logging.DEBUG)
    api_client.post(TOKEN_URL, {"username": curator.username, "password": "wrong-Secret-99"})
    token = _token_for(api_client, curator.username)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    api_client.post("/api/decisions/", {"gene": "HGNC:9008", "verdict": "bad"}, format="json")
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token-secret")
    api_client.post("/api/decisions/", {}, format="json")
    logged = caplog.text
    for secret in (PASSWORD, "wrong-Secret-99", token, "not-a-real-token-secret"):
        assert secret not in logged


def test_run_trigger_without_job_queue_answers_503(api_client, curator, monkeypatch):
    from curation.api import views

    monkeypatch.setattr(views, "optional_service", lambda module, name: None)
    api_client.force_authenticate(curator)
    response = api_client.post("/api/runs/", {"source": "gencc"}, format="json")
    assert response.status_code == 503
    assert response.json()["errors"][0]["detail"] == "job queue not available"


def test_run_trigger_queues_through_the_task_service(api_client, curator, monkeypatch):
    calls = []
    fake_tasks = types.ModuleType("pipeline.tasks")
    fake_tasks.source_run_enqueue = lambda *, source, triggered_by: (
        calls.append((source, triggered_by.username)) or len(calls)
    )
    monkeypatch.setitem(sys.modules, "pipeline.tasks", fake_tasks)
    api_client.force_authenticate(curator)
    response = api_client.post("/api/runs/", {"source": "all"}, format="json")
    assert response.status_code == 202
    assert [source for source, _ in calls] == [
        "panelapp", "clingen", "gencc", "hpo", "pubtator", "literature", "diagnostic-panels"
    ]  # fmt: skip
    assert {user for _, user in calls} == {"cora_curator"}


def test_run_trigger_rejects_unknown_source(api_client, curator):
    api_client.force_authenticate(curator)
    assert api_client.post("/api/runs/", {"source": "omim"}, format="json").status_code == 400


def test_upload_is_role_checked_and_delegates(api_client, curator, viewer, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from curation.api import views

    received = {}

    def fake_commit(*, source, file, mode, user):
        received.update(source=source, name=file.name, mode=mode, user=user.username)
        return 7

    monkeypatch.setattr(views, "optional_service", lambda module, name: fake_commit)
    upload = {"source": "literature", "mode": "replace"}

    api_client.force_authenticate(viewer)
    upload["file"] = SimpleUploadedFile("list.tsv", b"pmid\tsymbol\n1\tPKD1\n")
    assert api_client.post("/api/uploads/", upload, format="multipart").status_code == 403

    api_client.force_authenticate(curator)
    upload["file"] = SimpleUploadedFile("list.tsv", b"pmid\tsymbol\n1\tPKD1\n")
    response = api_client.post("/api/uploads/", upload, format="multipart")
    assert response.status_code == 201
    assert received == {
        "source": "literature", "name": "list.tsv", "mode": "replace", "user": "cora_curator"
    }  # fmt: skip
