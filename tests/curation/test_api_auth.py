"""Token auth for scripts: tokens, rate-limited login, role-checked writes, no secrets in logs."""

from __future__ import annotations

import hashlib
import logging

import pytest
from knox.models import AuthToken

from curation.models import CuratorDecision
from genes.models import Evidence
from pipeline.models import RunStatus, SourceRun, SourceUpload
from tests.factories import PASSWORD

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


def test_api_losing_the_race_for_the_first_decision_is_a_conflict(
    api_client, curator, other_curator, genes, monkeypatch
):
    body = {"gene": "HGNC:9008", "verdict": "confirmed", "rationale": "First."}
    api_client.force_authenticate(curator)
    assert api_client.post("/api/decisions/", body, format="json").status_code == 201
    # The other curator's lookup ran before the first save committed (see test_decisions).
    monkeypatch.setattr(
        CuratorDecision.objects, "select_for_update", lambda: CuratorDecision.objects.none()
    )
    api_client.force_authenticate(other_curator)
    response = api_client.post("/api/decisions/", {**body, "verdict": "excluded"}, format="json")
    assert response.status_code == 409
    assert "a moment ago" in response.json()["errors"][0]["detail"]
    assert CuratorDecision.objects.get().verdict == "confirmed"


def test_api_unknown_gene_is_a_validation_error(api_client, curator, genes):
    api_client.force_authenticate(curator)
    body = {"gene": "HGNC:1", "verdict": "confirmed", "rationale": "R."}
    assert api_client.post("/api/decisions/", body, format="json").status_code == 400
    assert not CuratorDecision.objects.exists()


def test_wrong_password_gets_no_token(api_client, curator):
    response = api_client.post(TOKEN_URL, {"username": curator.username, "password": "nope"})
    assert response.status_code == 400
    assert not AuthToken.objects.exists()


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


def test_run_trigger_queues_a_pending_run_for_the_user(api_client, curator):
    api_client.force_authenticate(curator)
    response = api_client.post("/api/runs/", {"source": "gencc"}, format="json")
    assert response.status_code == 202
    run = SourceRun.objects.get(pk=response.json()["queued"][0]["run"])
    assert (run.source, run.status, run.triggered_by) == ("gencc", RunStatus.PENDING, curator)


def test_run_trigger_refuses_a_second_run_while_one_is_active(api_client, curator):
    api_client.force_authenticate(curator)
    api_client.post("/api/runs/", {"source": "gencc"}, format="json")
    response = api_client.post("/api/runs/", {"source": "gencc"}, format="json")
    assert response.status_code == 409
    assert response.json()["errors"][0]["code"] == "run_active"
    all_sources = api_client.post("/api/runs/", {"source": "all"}, format="json").json()
    assert [row["source"] for row in all_sources["refused"]] == ["gencc"]
    assert len(all_sources["queued"]) == 6


def test_run_trigger_rejects_unknown_source(api_client, curator):
    api_client.force_authenticate(curator)
    assert api_client.post("/api/runs/", {"source": "omim"}, format="json").status_code == 400
    assert not SourceRun.objects.exists()


LITERATURE_CSV = b"pmid,gene_symbol,hgnc_id,title\n90000001,PKD1,HGNC:9008,Study\n"


def _upload(api_client, content: bytes, name: str = "literature.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {"source": "literature", "mode": "merge", "file": SimpleUploadedFile(name, content)}
    return api_client.post("/api/uploads/", body, format="multipart")


def test_upload_commits_through_the_upload_service(api_client, curator, genes):
    api_client.force_authenticate(curator)
    response = _upload(api_client, LITERATURE_CSV)
    assert response.status_code == 201, response.json()
    assert response.json()["sha256"] == hashlib.sha256(LITERATURE_CSV).hexdigest()
    assert SourceUpload.objects.get().uploaded_by == curator
    assert Evidence.objects.filter(gene=genes[0], source="literature").exists()


def test_malformed_upload_commits_nothing(api_client, curator, genes):
    api_client.force_authenticate(curator)
    response = _upload(api_client, b"no,useful,columns\n1,2,3\n")
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"]["parameter"] == "file"
    assert not SourceUpload.objects.exists()


def test_upload_is_forbidden_to_viewers(api_client, viewer, genes):
    api_client.force_authenticate(viewer)
    assert _upload(api_client, LITERATURE_CSV).status_code == 403
    assert not SourceUpload.objects.exists()
