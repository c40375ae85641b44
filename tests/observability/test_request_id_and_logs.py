"""Request ids: generated or honoured, echoed, and on every log line a request causes."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from common.logging import JsonFormatter, RequestIdFilter, SecretScrubFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """Records of every logger, through the project's filters, as parsed JSON lines."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(RequestIdFilter())
    handler.addFilter(SecretScrubFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)

    def lines() -> list[dict]:
        return [json.loads(line) for line in buffer.getvalue().splitlines()]

    yield lines
    root.removeHandler(handler)
    root.setLevel(level)


def test_a_request_id_is_generated_and_returned(client):
    first = client.get("/api/ping/")["X-Request-ID"]
    second = client.get("/api/ping/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


def test_a_callers_request_id_is_honoured(client):
    response = client.get("/api/ping/", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert response["X-Request-ID"] == "lb-7f3a.42"


@pytest.mark.parametrize("given", ["a b", "x" * 200, "id\nforged log line", "<script>"])
def test_an_unsafe_request_id_is_replaced(client, given):
    response = client.get("/api/ping/", HTTP_X_REQUEST_ID=given)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


def test_every_line_of_a_request_carries_its_id(client, json_lines):
    client.get("/genes/NO-SUCH-GENE/", HTTP_X_REQUEST_ID="trace-404")
    client.get("/api/genes/", HTTP_X_REQUEST_ID="trace-api")
    lines = json_lines()
    by_id = {line["request_id"] for line in lines}
    assert {"trace-404", "trace-api"} <= by_id
    access = [line for line in lines if line["logger"] == "kidney_genetics.access"]
    assert {(line["request_id"], line["status"]) for line in access} >= {
        ("trace-404", 404),
        ("trace-api", 200),
    }
    api_line = next(line for line in access if line["request_id"] == "trace-api")
    assert api_line["view"] == "api-gene-list"
    assert api_line["method"] == "GET"
    assert api_line["duration_ms"] >= 0
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found
    assert all(line["request_id"] == "trace-404" for line in not_found)


def test_lines_outside_a_request_have_a_dash(json_lines):
    logging.getLogger("kidney_genetics.test").warning("outside")
    assert json_lines()[-1]["request_id"] == "-"


def test_exceptions_are_one_json_line(json_lines):
    try:
        raise RuntimeError("password=leaked-in-traceback")
    except RuntimeError:
        logging.getLogger("kidney_genetics.test").exception("failed")
    line = json_lines()[-1]
    assert "RuntimeError" in line["exception"]
    assert "leaked-in-traceback" not in line["exception"]
