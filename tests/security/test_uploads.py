"""Uploads are size-limited and type-checked where the bytes enter, for any upload endpoint."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from pipeline.models import SourceUpload

LITERATURE_CSV = b"pmid,gene_symbol,hgnc_id,title\n90000001,PKD1,HGNC:9008,Study\n"

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator_api(api_client, curator, token_of, scored_gene):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_of(curator)}")
    return api_client


def _upload(api_client, content: bytes, name: str = "literature.csv", **extra):
    body = {"source": "literature", "mode": "merge", "file": SimpleUploadedFile(name, content)}
    return api_client.post("/api/uploads/", body, format="multipart", **extra)


def _file_error(response) -> str:
    assert response.status_code == 400, response.content
    assert not SourceUpload.objects.exists()
    return response.json()["errors"][0]["detail"]


def test_a_plain_csv_upload_is_accepted(curator_api):
    assert _upload(curator_api, LITERATURE_CSV).status_code == 201


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_a_file_over_the_limit_is_refused_while_it_streams(curator_api):
    big = LITERATURE_CSV + b"90000002,PKD2,HGNC:9009,Another study\n" * 100
    assert "limit" in _file_error(_upload(curator_api, big))


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_a_declared_body_over_the_limit_is_refused_before_it_is_read(curator_api):
    response = _upload(curator_api, LITERATURE_CSV, CONTENT_LENGTH=str(10 * 1024 * 1024))
    assert response.status_code == 413
    assert response.json()["errors"][0]["code"] == "upload_too_large"
    assert not SourceUpload.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("literature.exe", b"MZ\x90\x00", "only"),
        ("literature.pdf", b"%PDF-1.7", "only"),
        ("literature.xlsx", LITERATURE_CSV, "not an Excel workbook"),
        ("literature.csv", b"PK\x03\x04\x14\x00\x00\x00binary", "binary"),
        ("literature.csv", b"<!DOCTYPE html><html><body>Error</body></html>", "HTML"),
        ("literature", LITERATURE_CSV, "only"),
    ],
)
def test_files_of_the_wrong_type_are_refused(curator_api, name, content, expected):
    assert expected in _file_error(_upload(curator_api, content, name=name))


def test_an_anonymous_oversized_body_is_refused_without_parsing(api_client):
    response = _upload(api_client, LITERATURE_CSV, CONTENT_LENGTH=str(1024**3))
    assert response.status_code == 413


@override_settings(UPLOAD_MAX_BYTES=1000)
def test_plain_django_views_answer_400_not_500_for_a_refused_file(client, superuser):
    client.force_login(superuser)
    body = {"file": SimpleUploadedFile("evil.exe", b"MZ" * 10)}
    response = client.post("/admin/curation/release/add/", body)
    assert response.status_code == 400
