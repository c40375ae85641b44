"""GET /api/statistics/{overlaps,distributions,summary}/."""

from __future__ import annotations

import pytest

from .conftest import make_scored_gene


@pytest.fixture
def more_genes(genes):
    make_scored_gene(
        "ZZZ1", score=4.0, tier="minimal_evidence", evidence_count=0, sources=("pubtator",)
    )
    return genes


@pytest.mark.django_db
def test_overlaps_count_genes_per_exact_source_combination(api_client, more_genes):
    body = api_client.get("/api/statistics/overlaps/").json()["data"]
    assert body["total_genes"] == 6
    by_sources = {tuple(entry["sources"]): entry["size"] for entry in body["intersections"]}
    assert by_sources == {
        ("pubtator",): 2,
        ("panelapp", "clingen", "gencc", "hpo", "pubtator", "literature", "diagnostic-panels"): 1,
        ("panelapp", "clingen", "gencc", "hpo"): 1,
        ("panelapp", "hpo", "literature"): 1,
        ("panelapp", "pubtator"): 1,
    }
    assert body["intersections"][0]["sources"] == ["pubtator"]
    sets = {entry["key"]: entry["size"] for entry in body["sets"]}
    assert sets["panelapp"] == 4 and sets["pubtator"] == 4 and sets["clingen"] == 2
    assert "genes" not in body["intersections"][0]


@pytest.mark.django_db
def test_overlaps_detail_lists_the_genes(api_client, more_genes):
    body = api_client.get("/api/statistics/overlaps/", {"detail": "true"}).json()["data"]
    genes = {tuple(entry["sources"]): entry["genes"] for entry in body["intersections"]}
    assert genes[("pubtator",)] == ["ABC1", "ZZZ1"]
    assert body["total_genes"] == 6


@pytest.mark.django_db
def test_overlaps_bad_detail_flag_is_400(api_client, genes):
    response = api_client.get("/api/statistics/overlaps/", {"detail": "lots"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"]["parameter"] == "detail"


@pytest.mark.django_db
def test_distributions_histograms_and_classifications(api_client, genes):
    body = api_client.get("/api/statistics/distributions/").json()["data"]
    assert body["source_counts"]["panelapp"] == [{"value": 2, "genes": 4}]
    assert body["source_counts"]["pubtator"] == [{"value": 3, "genes": 3}]
    assert body["classifications"]["clingen"] == [{"classification": "Definitive", "genes": 2}]
    scores = {entry["min"]: entry["genes"] for entry in body["scores"]}
    assert scores == {0: 1, 10: 0, 20: 0, 30: 1, 40: 0, 50: 1, 60: 0, 70: 0, 80: 1, 90: 1}


@pytest.mark.django_db
def test_summary_totals(api_client, genes):
    body = api_client.get("/api/statistics/summary/").json()["data"]
    assert body["genes_scored"] == 5
    assert body["high_evidence"] == 4
    assert body["data_version"] == 1
    tiers = {entry["tier"]: entry["genes"] for entry in body["tiers"]}
    assert tiers == {
        "comprehensive_support": 2,
        "multi_source_support": 1,
        "established_support": 1,
        "preliminary_evidence": 0,
        "minimal_evidence": 1,
        "no_evidence": 0,
    }
    counts = {entry["evidence_count"]: entry["genes"] for entry in body["evidence_counts"]}
    assert counts == {0: 1, 1: 0, 2: 1, 3: 1, 4: 1, 5: 1}


@pytest.mark.django_db
def test_statistics_on_empty_database(api_client, db):
    assert api_client.get("/api/statistics/summary/").json()["data"]["genes_scored"] == 0
    assert api_client.get("/api/statistics/overlaps/").json()["data"]["intersections"] == []
    assert api_client.get("/api/statistics/distributions/").status_code == 200


@pytest.mark.django_db
def test_statistics_query_counts_are_constant(api_client, more_genes, django_assert_num_queries):
    with django_assert_num_queries(1):
        api_client.get("/api/statistics/overlaps/")
    with django_assert_num_queries(1):
        api_client.get("/api/statistics/overlaps/", {"detail": "true"})
    with django_assert_num_queries(3):
        api_client.get("/api/statistics/distributions/")
    with django_assert_num_queries(1):
        api_client.get("/api/statistics/summary/")
