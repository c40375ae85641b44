"""Gene detail, evidence and identity resolution."""

from __future__ import annotations

import pytest

from genes import extensions
from genes.api import views


@pytest.fixture
def no_explanation(monkeypatch):
    """Pin our own query count apart from the scoring module's explanation queries."""
    monkeypatch.setattr(views, "_explanation", lambda gene_id: None)


@pytest.fixture
def no_sections(monkeypatch):
    monkeypatch.setattr(extensions, "_sections", {})


@pytest.mark.django_db
@pytest.mark.parametrize("identifier", ["PKD1", "pkd1", "Pkd1", "HGNC:9008", "hgnc:9008", "9008"])
def test_detail_finds_gene_by_symbol_any_case_or_hgnc_id(api_client, genes, identifier):
    response = api_client.get(f"/api/genes/{identifier}/")
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["id"] == "HGNC:9008"
    attributes = data["attributes"]
    assert attributes["approved_symbol"] == "PKD1"
    assert attributes["previous_symbols"] == ["PBP"]
    assert attributes["alias_symbols"] == ["PC1"]
    assert attributes["score"]["score"] == 92.5
    assert attributes["score"]["tier"] == "comprehensive_support"
    assert "explanation" in attributes
    links = data["links"]
    assert links["evidence"] == "/api/genes/PKD1/evidence/"
    assert links["ncbi"].endswith("/gene/5310")
    assert links["ensembl"].endswith("ENSG00000008710")
    assert links["hgnc"].endswith("HGNC:9008")


@pytest.mark.django_db
@pytest.mark.parametrize("symbol", ["PBP", "pbp", "NPHN"])
def test_previous_and_alias_symbols_redirect_to_current_symbol(api_client, genes, symbol):
    response = api_client.get(f"/api/genes/{symbol}/")
    assert response.status_code == 302
    expected = "/api/genes/PKD1/" if symbol.upper() == "PBP" else "/api/genes/NPHS1/"
    assert response["Location"] == expected
    assert api_client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_ambiguous_alias_is_404_pointing_to_resolve(api_client, genes):
    response = api_client.get("/api/genes/PC1/")
    assert response.status_code == 404
    error = response.json()["errors"][0]
    assert error["code"] == "not_found"
    assert "/api/genes/resolve/?q=PC1" in error["detail"]
    assert "NPHS1" in error["detail"] and "PKD1" in error["detail"]


@pytest.mark.django_db
def test_unknown_gene_is_404_in_error_shape(api_client, genes):
    response = api_client.get("/api/genes/NOSUCHGENE/")
    assert response.status_code == 404
    assert response.json() == {
        "errors": [
            {
                "status": "404",
                "code": "not_found",
                "title": "Not Found",
                "detail": "No gene 'NOSUCHGENE'.",
            }
        ]
    }


@pytest.mark.django_db
def test_unscored_gene_has_null_score(api_client, genes):
    attributes = api_client.get("/api/genes/UNSCORED/").json()["data"]["attributes"]
    assert attributes["score"] is None


@pytest.mark.django_db
def test_withdrawn_gene_is_reachable_by_hgnc_id(api_client, genes):
    attributes = api_client.get("/api/genes/HGNC:31337/").json()["data"]["attributes"]
    assert attributes["status"] == "withdrawn"
    assert attributes["merged_into"] == [9008]


@pytest.mark.django_db
def test_detail_includes_every_registered_section(api_client, genes, monkeypatch):
    monkeypatch.setattr(extensions, "_sections", {})
    extensions.register_gene_section(
        "curation",
        lambda ids: {gene_id: {"decision": "confirmed"} for ids_ in [ids] for gene_id in ids_},
        title="Curation",
    )
    extensions.register_gene_section("annotations", lambda ids: {}, title="Annotations")
    sections = api_client.get("/api/genes/PKD1/").json()["data"]["attributes"]["sections"]
    assert sections == {"curation": {"decision": "confirmed"}}


@pytest.mark.django_db
def test_detail_uses_scoring_explanation_when_available(api_client, genes, monkeypatch):
    monkeypatch.setattr(views, "_explanation", lambda gene_id: {"gene": gene_id, "sum": 1})
    attributes = api_client.get("/api/genes/PKD1/").json()["data"]["attributes"]
    assert attributes["explanation"] == {"gene": 9008, "sum": 1}


@pytest.mark.django_db
def test_detail_query_count_is_constant(
    api_client, genes, no_explanation, no_sections, django_assert_num_queries
):
    for symbol in ("PKD1", "COL4A5", "UNSCORED"):
        with django_assert_num_queries(2):
            assert api_client.get(f"/api/genes/{symbol}/").status_code == 200
    with django_assert_num_queries(3):
        assert api_client.get("/api/genes/PBP/").status_code == 302


@pytest.mark.django_db
def test_evidence_lists_rows_with_provenance(api_client, genes):
    response = api_client.get("/api/genes/pkd2/evidence/")
    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {"gene": "PKD2", "hgnc_id": "HGNC:9009", "count": 4}
    rows = body["data"]
    assert [row["source"] for row in rows] == ["clingen", "gencc", "hpo", "panelapp"]
    clingen = rows[0]
    assert clingen["type"] == "evidence"
    assert clingen["source_label"] == "ClinGen"
    assert clingen["classification"] == "Definitive"
    assert clingen["source_version"] == "v1"
    assert clingen["details"] == {"records": [{"source": "clingen"}]}
    assert clingen["source_link"] == "/api/sources/clingen/"


@pytest.mark.django_db
def test_evidence_of_previous_symbol_redirects(api_client, genes):
    response = api_client.get("/api/genes/PBP/evidence/")
    assert response.status_code == 302
    assert response["Location"] == "/api/genes/PKD1/evidence/"


@pytest.mark.django_db
def test_evidence_query_count_is_constant(api_client, genes, django_assert_num_queries):
    for symbol in ("PKD1", "ABC1"):
        with django_assert_num_queries(3):
            assert api_client.get(f"/api/genes/{symbol}/evidence/").status_code == 200


def resolve(api_client, query):
    return api_client.get("/api/genes/resolve/", {"q": query})


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "symbol", "matched_by"),
    [
        ("pkd1", "PKD1", ["symbol"]),
        ("HGNC:7908", "NPHS1", ["hgnc_id"]),
        ("5310", "PKD1", ["ncbi_id"]),
        ("ENSG00000008710", "PKD1", ["ensembl_id"]),
        ("ensg00000008710.12", "PKD1", ["ensembl_id"]),
        ("PBP", "PKD1", ["previous"]),
        ("nphn", "NPHS1", ["alias"]),
    ],
)
def test_resolve_finds_one_gene_by_any_identifier(api_client, genes, query, symbol, matched_by):
    response = resolve(api_client, query)
    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {"query": query, "resolved": True, "candidates": 1}
    match = body["data"][0]["attributes"]
    assert match["approved_symbol"] == symbol
    assert match["matched_by"] == matched_by


@pytest.mark.django_db
def test_resolve_returns_every_candidate_when_ambiguous(api_client, genes):
    body = resolve(api_client, "PC1").json()
    assert body["meta"]["resolved"] is False
    assert [item["attributes"]["approved_symbol"] for item in body["data"]] == ["NPHS1", "PKD1"]


@pytest.mark.django_db
def test_resolve_bare_number_that_is_hgnc_and_ncbi_id_of_different_genes(api_client, genes):
    body = resolve(api_client, "9008").json()
    assert body["meta"]["resolved"] is False
    matched = {
        item["attributes"]["approved_symbol"]: item["attributes"]["matched_by"]
        for item in body["data"]
    }
    assert matched == {"PKD1": ["hgnc_id"], "ABC1": ["ncbi_id"]}


@pytest.mark.django_db
def test_resolve_unknown_is_404_and_missing_q_is_400(api_client, genes):
    assert resolve(api_client, "NOPE").status_code == 404
    response = api_client.get("/api/genes/resolve/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == {"parameter": "q"}


@pytest.mark.django_db
def test_resolve_query_count_is_constant(api_client, genes, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert resolve(api_client, "PKD1").status_code == 200
    with django_assert_num_queries(3):
        assert resolve(api_client, "PC1").status_code == 200
    with django_assert_num_queries(2):
        assert resolve(api_client, "NOPE").status_code == 404
