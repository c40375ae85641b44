"""OpenAPI schema at /api/schema/ and Swagger UI at /api/docs/, served without other hosts."""

from __future__ import annotations

import jsonschema
import pytest
import yaml
from django.contrib.staticfiles import finders
from drf_spectacular.validation import validate_schema

from common.api_errors import error_object
from genes import extensions
from genes.exports import EXPORT_COLUMNS, EXPORT_FORMATS

ERROR_DOCUMENT_REF = "#/components/schemas/ErrorDocument"

GENE_LIST_PARAMETERS = {
    "filter[search]",
    "filter[tier]",
    "filter[min_score]",
    "filter[max_score]",
    "filter[min_evidence_count]",
    "filter[max_evidence_count]",
    "filter[source]",
    "filter[only_sources]",
    "filter[high_evidence]",
    "filter[hgnc_ids]",
    "sort",
    "format",
    "page[number]",
    "page[size]",
}


def fetch_schema(api_client) -> dict:
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return (
        response.json() if "json" in response["Content-Type"] else yaml.safe_load(response.content)
    )


@pytest.mark.django_db
def test_schema_is_valid_openapi_with_every_endpoint(api_client):
    schema = fetch_schema(api_client)
    validate_schema(schema)
    for path in (
        "/api/genes/",
        "/api/genes/{identifier}/",
        "/api/genes/{identifier}/evidence/",
        "/api/genes/resolve/",
        "/api/sources/",
        "/api/sources/{key}/",
        "/api/statistics/overlaps/",
        "/api/statistics/distributions/",
        "/api/statistics/summary/",
    ):
        assert path in schema["paths"], path


@pytest.mark.django_db
def test_gene_list_documents_every_parameter(api_client):
    operation = fetch_schema(api_client)["paths"]["/api/genes/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    registered = {f"filter[{name}]" for name in extensions.gene_list_filters()}
    assert set(parameters) == GENE_LIST_PARAMETERS | registered
    assert all(parameter.get("description") for parameter in parameters.values())


@pytest.mark.django_db
def test_gene_list_documents_the_page_and_every_export(api_client):
    schema = fetch_schema(api_client)
    operation = schema["paths"]["/api/genes/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert set(parameters["format"]["schema"]["enum"]) == set(EXPORT_FORMATS)
    content = operation["responses"]["200"]["content"]
    assert set(content) == {"application/json", "text/csv", "text/tab-separated-values"}
    assert content["text/csv"]["schema"]["type"] == "string"
    assert content["text/tab-separated-values"]["schema"]["type"] == "string"
    components = schema["components"]["schemas"]
    json_shapes = components["GeneListJson"]["oneOf"]
    assert json_shapes == [
        {"$ref": "#/components/schemas/PaginatedGeneListItemList"},
        {"type": "array", "items": {"$ref": "#/components/schemas/GeneExportRow"}},
    ]
    assert components["PaginatedGeneListItemList"]["required"] == ["data", "meta", "links"]
    assert list(components["GeneExportRow"]["properties"]) == list(EXPORT_COLUMNS)


@pytest.mark.django_db
def test_registered_filters_appear_in_the_schema(api_client, monkeypatch):
    monkeypatch.setattr(extensions, "_filters", {})
    extensions.register_gene_list_filter(
        "max_loeuf", lambda qs, value: qs, description="Highest LOEUF", value_type="number"
    )
    operation = fetch_schema(api_client)["paths"]["/api/genes/"]["get"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert parameters["filter[max_loeuf]"]["schema"]["type"] == "number"
    assert parameters["filter[max_loeuf]"]["description"] == "Highest LOEUF"


@pytest.mark.django_db
def test_swagger_ui_loads_only_local_assets(api_client):
    page = api_client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    bundle = "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert f"/static/{bundle}" in html
    assert "cdn.jsdelivr.net" not in html
    assert finders.find(bundle), "the sidecar app must ship Swagger UI as a static file"


def _operations(schema: dict):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", path, method, operation


@pytest.mark.django_db
def test_every_error_response_references_the_error_document(api_client):
    schema = fetch_schema(api_client)
    undocumented = {}
    for label, _path, _method, operation in _operations(schema):
        for code, response in operation["responses"].items():
            if code[0] not in "45":
                continue
            bodies = {
                media_type: content.get("schema")
                for media_type, content in response.get("content", {}).items()
            }
            if bodies != {"application/json": {"$ref": ERROR_DOCUMENT_REF}}:
                undocumented[f"{label} {code}"] = bodies
    assert not undocumented


@pytest.mark.django_db
def test_error_responses_are_listed_where_they_can_occur(api_client):
    schema = fetch_schema(api_client)
    for label, path, method, operation in _operations(schema):
        expected = {"400", "429", "503"}
        if method != "get":
            expected |= {"403", "413"}
        if "{" in path:
            expected.add("404")
        assert expected <= set(operation["responses"]), label
    runs = schema["paths"]["/api/runs/"]["post"]["responses"]
    decisions = schema["paths"]["/api/decisions/"]["post"]["responses"]
    assert "409" in runs and "409" in decisions


@pytest.mark.django_db
@pytest.mark.parametrize(
    "entry",
    [
        error_object(404, "not_found", "No gene 'X'."),
        error_object(400, "invalid", "Not an HGNC id.", parameter="filter[hgnc_ids]"),
        error_object(429, "throttled", "Slow down.", title="Too Many Requests"),
    ],
)
def test_error_document_describes_what_error_object_builds(api_client, entry):
    schema = fetch_schema(api_client)
    error_document = {"$ref": ERROR_DOCUMENT_REF, "components": schema["components"]}
    jsonschema.validate({"errors": [entry]}, error_document)


@pytest.mark.django_db
def test_error_document_requires_exactly_what_error_object_always_builds(api_client):
    schema = fetch_schema(api_client)
    components = schema["components"]["schemas"]
    always_present = {"status", "code", "title", "detail"}
    assert set(components["ErrorObject"]["required"]) == always_present
    assert set(components["ErrorObject"]["properties"]) == always_present | {"source"}
    assert components["ErrorSource"]["required"] == ["parameter"]
    assert set(error_object(404, "not_found", "x")) == always_present
    assert set(error_object(400, "invalid", "x", parameter="sort")) == always_present | {"source"}
    error_document = {"$ref": ERROR_DOCUMENT_REF, "components": schema["components"]}
    for body in ({"detail": "Not found."}, {"errors": []}, {"errors": [{"detail": "x"}]}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(body, error_document)


@pytest.mark.django_db
def test_recording_a_decision_documents_first_and_new_version_answers(api_client):
    responses = fetch_schema(api_client)["paths"]["/api/decisions/"]["post"]["responses"]
    assert {"200", "201"} <= set(responses)
