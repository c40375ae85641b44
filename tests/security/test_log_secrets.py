"""No password, token or cookie reaches a log line, even with every logger at DEBUG.

The lines are captured from the project's own console handler (with its filters and
formatter), after an admin login, a failed login, a token request and a token-authenticated
write, with SQL logging forced on.
"""

from __future__ import annotations

import io
import logging

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from knox.settings import CONSTANTS

from common.logging import JsonFormatter, SecretScrubFilter, logging_config
from tests.factories import PASSWORD


@pytest.fixture(params=["text", "json"])
def project_log(request):
    """The root logger's configured handler, writing into a buffer, everything at DEBUG."""
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(item, SecretScrubFilter) for item in handler.filters)
    )
    formatter = handler.formatter
    if request.param == "json":
        handler.setFormatter(JsonFormatter())
    buffer = io.StringIO()
    previous_stream = handler.setStream(buffer)
    levels = {name: logging.getLogger(name).level for name in ("", "django.db.backends")}
    for name in levels:
        logging.getLogger(name).setLevel(logging.DEBUG)
    yield buffer
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    handler.setStream(previous_stream)
    handler.setFormatter(formatter)


@pytest.mark.django_db
def test_logins_and_token_use_leave_no_secret_in_the_logs(
    project_log, client, api_client, curator, scored_gene
):
    with CaptureQueriesContext(connection):
        client.post("/admin/login/", {"username": "cora_curator", "password": "Wrong-" + PASSWORD})
        client.post("/admin/login/", {"username": "cora_curator", "password": PASSWORD})
        session_cookie = client.cookies["sessionid"].value
        response = api_client.post(
            "/api/auth/token/", {"username": "cora_curator", "password": PASSWORD}, format="json"
        )
        token = response.json()["token"]
        api_client.post(
            "/api/decisions/",
            {"gene": "HGNC:9008", "verdict": "confirmed", "rationale": "Segregates."},
            format="json",
            HTTP_AUTHORIZATION=f"Token {token}",
        )
        logging.getLogger("tests").info("Authorization: Token %s password=%s", token, PASSWORD)
    text = project_log.getvalue()
    assert AuthToken.objects.filter(token_key=token[:CONSTANTS.TOKEN_KEY_LENGTH]).exists()
    assert "POST /api/auth/token/ 200" in text  # access lines were captured
    assert "django.db.backends" in text or "(sql on a credential table" in text
    for secret in (PASSWORD, token, session_cookie):
        assert secret not in text


def _filtered(message: str, *args, **extra) -> logging.LogRecord:
    record = logging.LogRecord("test", logging.INFO, __file__, 1, message, args, None)
    for key, value in extra.items():
        setattr(record, key, value)
    SecretScrubFilter().filter(record)
    return record


@pytest.mark.parametrize(
    "message",
    [
        "password=hunter22secret",
        '{"username": "a", "password": "hunter22secret"}',
        "Authorization: Bearer hunter22secret",
        "Cookie: sessionid=hunter22secret; csrftoken=hunter22secret",
        "GET /x?api_key=hunter22secret&page=2",
        "{'secret_key': 'hunter22secret'}",
    ],
)
def test_scrub_filter_removes_secret_values(message):
    record = _filtered(message)
    assert "hunter22secret" not in record.getMessage()
    assert "[redacted]" in record.getMessage()


def test_scrub_filter_redacts_secret_extras_and_arguments():
    record = _filtered("login by %s with %s", "ann", "password=hunter22secret", token="abc")
    assert record.getMessage() == "login by ann with password=[redacted]"
    assert record.token == "[redacted]"


def test_credential_sql_is_logged_without_its_parameters():
    record = logging.LogRecord(
        "django.db.backends", logging.DEBUG, __file__, 1, "(%.3f) %s; args=%s", None, None
    )
    record.args = (0.001, 'SELECT * FROM "authtoken_token" WHERE key = %s', ("hunter22secret",))
    record.sql = "SELECT * FROM \"authtoken_token\" WHERE key = 'hunter22secret'"
    record.params = ("hunter22secret",)
    SecretScrubFilter().filter(record)
    assert "hunter22secret" not in record.getMessage() + str(record.sql) + str(record.params)


def test_unknown_log_format_is_refused():
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        logging_config(log_format="xml", level="INFO")
