"""Schemathesis against /api/schema/, in-process (WSGI) on the demo snapshot.

Every operation the schema documents is called with generated parameters and bodies (bounded
examples): no response may be a 500, and every response must match the schema (status code
documented, body and content type as declared). Anonymous clients: writes must refuse cleanly.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks
from schemathesis.checks import Failure, FailureGroup
from schemathesis.core.transport import Response

from genes.exports import EXPORT_CONTENT_TYPES, EXPORT_FORMATS

pytestmark = pytest.mark.django_db

TEXT_EXPORT_MEDIA_TYPES = [
    EXPORT_CONTENT_TYPES[fmt].split(";")[0] for fmt in EXPORT_FORMATS if fmt != "json"
]


MAX_EXAMPLES = 25
# What the issue asks: no server errors, and responses as the schema documents them.
# (positive_data_acceptance is left out: a schema-valid login with wrong credentials may be
# refused; that is business validation, not a schema mismatch.)
CONFORMANCE = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
]


def _operations():
    schema = schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler())
    return [result.ok() for result in schema.get_all_operations()]


def _problem(case, response) -> str | None:
    """What is wrong with one response, or None."""
    where = f"{case.method} {case.formatted_path} query={case.query} body={case.body!r:.200}"
    if response.status_code >= 500:
        return f"{where} → {response.status_code}: {response.text[:300]}"
    try:
        case.validate_response(response, checks=CONFORMANCE)
    except (AssertionError, FailureGroup, Failure) as error:
        return f"{where} → {response.status_code}: {str(error)[:600]}"
    return None


# Schema mismatches found by this test and reported to the API owners (genes/api, curation/api,
# pipeline/api, annotations/api are theirs). Listed, not hidden: the test fails when one of them
# is fixed (so the entry is removed) and when any other operation breaks.
KNOWN_SCHEMA_MISMATCHES: dict[str, str] = {}


@schemathesis.deserializer(*TEXT_EXPORT_MEDIA_TYPES)
def _export_text(context, response):
    """CSV and TSV bodies are the strings the schema describes (header-row pattern included);
    without a deserializer Schemathesis would skip validating them."""
    return response.text


@pytest.fixture
def keep_test_connection():
    """Behave like Django's test Client: requests must not close the test's connection.

    A bare WSGIHandler closes old connections at the end of each request, which inside the
    test transaction (PostgreSQL, pooled) breaks the next request.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_api_never_fails_and_conforms_to_its_schema(demo_loaded, keep_test_connection):
    """Every documented operation, fuzzed; problems are collected and reported together."""
    problems: dict[str, str] = {}
    operations = _operations()
    assert len(operations) >= 10, "the schema documents suspiciously few operations"
    for operation in operations:
        problem = _fuzz(operation)
        if problem:
            problems[operation.label] = problem
    server_errors = {label: text for label, text in problems.items() if "→ 5" in text}
    assert not server_errors, _report(server_errors)
    unknown = {
        label: text for label, text in problems.items() if label not in KNOWN_SCHEMA_MISMATCHES
    }
    assert not unknown, _report(unknown)
    fixed = sorted(set(KNOWN_SCHEMA_MISMATCHES) - set(problems))
    assert not fixed, f"fixed, remove from KNOWN_SCHEMA_MISMATCHES: {fixed}"


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_gene_list_exports_conform_to_the_schema(demo_loaded, keep_test_connection, fmt):
    """Each export checked explicitly, whatever formats the fuzzer happens to draw."""
    case = _gene_list_operation().Case(query={"format": fmt})
    response = case.call()
    assert response.status_code == 200
    assert response.headers["content-type"][0].startswith(EXPORT_CONTENT_TYPES[fmt])
    assert _problem(case, response) is None


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_text_export_bodies_are_validated_not_skipped(demo_loaded, keep_test_connection, fmt):
    """A CSV or TSV body without the export's header row fails schema conformance."""
    case = _gene_list_operation().Case(query={"format": fmt})
    response = case.call()
    headerless = _with_content(response, response.content.split(b"\n", 1)[1])
    assert _problem(case, headerless) is not None


@pytest.mark.parametrize(
    ("label", "case_arguments"),
    [
        ("GET /api/sources/{key}/", {"path_parameters": {"key": "no-such-source"}}),
        ("GET /api/genes/", {"query": {"filter[tier]": "no-such-tier"}}),
        ("POST /api/runs/", {"body": {"source": "all"}, "media_type": "application/json"}),
    ],
)
def test_error_bodies_are_validated_against_the_error_document(
    demo_loaded, keep_test_connection, label, case_arguments
):
    """A real error passes; DRF's default error body in its place fails schema conformance."""
    operation = next(operation for operation in _operations() if operation.label == label)
    case = operation.Case(**case_arguments)
    response = case.call()
    assert response.status_code in (400, 401, 403, 404)
    assert _problem(case, response) is None
    drf_default = _with_content(response, b'{"detail": "Not found."}')
    assert "ErrorDocument" in str(_problem(case, drf_default))


def _with_content(response: Response, content: bytes) -> Response:
    return Response(
        status_code=response.status_code,
        headers=response.headers,
        content=content,
        request=response.request,
        elapsed=response.elapsed,
        verify=response.verify,
        encoding=response.encoding,
    )


def _gene_list_operation():
    return next(operation for operation in _operations() if operation.label == "GET /api/genes/")


def _fuzz(operation) -> str | None:
    """The first problem Hypothesis finds for one operation (deterministic examples)."""
    found: list[str] = []

    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case):
        cache.clear()  # throttle counters live in the cache; this is not a rate-limit test
        problem = _problem(case, case.call())
        if problem and not found:
            found.append(problem)

    check()
    return found[0] if found else None


def _report(problems: dict[str, str]) -> str:
    return "\n\n".join(f"{label}:\n  {text}" for label, text in problems.items())
