"""GET /api/genes/: JSON:API body, filters, sorts, pagination and their errors."""

from __future__ import annotations

import pytest

from genes import extensions

LIST_URL = "/api/genes/"


def symbols(response) -> list[str]:
    return [item["attributes"]["approved_symbol"] for item in response.json()["data"]]


def error_parameters(response) -> list[str]:
    return [error["source"]["parameter"] for error in response.json()["errors"]]


@pytest.mark.django_db
def test_default_page_is_jsonapi_sorted_by_score_descending(api_client, genes):
    response = api_client.get(LIST_URL)
    assert response.status_code == 200
    body = response.json()
    assert symbols(response) == ["PKD1", "PKD2", "NPHS1", "COL4A5", "ABC1"]
    first = body["data"][0]
    assert first["type"] == "genes"
    assert first["id"] == "HGNC:9008"
    assert first["links"]["self"] == "/api/genes/PKD1/"
    attributes = first["attributes"]
    assert attributes["hgnc_id"] == "HGNC:9008"
    assert attributes["score"] == 92.5
    assert attributes["tier"] == "comprehensive_support"
    assert attributes["high_evidence"] is True
    assert sorted(attributes["sources"]) == sorted(attributes["source_scores"])
    assert body["meta"] == {"total": 5, "page": 1, "page_size": 50, "page_count": 1}
    assert body["links"]["prev"] is None and body["links"]["next"] is None


@pytest.mark.django_db
def test_list_sources_name_only_sources_with_evidence(api_client, genes):
    item = api_client.get(LIST_URL, {"filter[hgnc_ids]": "2207"}).json()["data"][0]
    assert item["attributes"]["sources"] == ["panelapp", "pubtator"]
    assert item["attributes"]["source_scores"]["clingen"] is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("approved_symbol", ["ABC1", "COL4A5", "NPHS1", "PKD1", "PKD2"]),
        ("-approved_symbol", ["PKD2", "PKD1", "NPHS1", "COL4A5", "ABC1"]),
        ("hgnc_id", ["ABC1", "COL4A5", "NPHS1", "PKD1", "PKD2"]),
        ("score", ["ABC1", "COL4A5", "NPHS1", "PKD2", "PKD1"]),
        ("-evidence_count", ["PKD1", "PKD2", "NPHS1", "COL4A5", "ABC1"]),
        ("-source_count,approved_symbol", ["PKD1", "PKD2", "NPHS1", "COL4A5", "ABC1"]),
        ("-tier,approved_symbol", ["PKD1", "PKD2", "NPHS1", "COL4A5", "ABC1"]),
        ("tier,-score", ["ABC1", "COL4A5", "NPHS1", "PKD1", "PKD2"]),
    ],
)
def test_sort_keys_order_the_list(api_client, genes, sort, expected):
    assert symbols(api_client.get(LIST_URL, {"sort": sort})) == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"filter[search]": "pkd"}, ["PKD1", "PKD2"]),
        ({"filter[search]": "PBP"}, ["PKD1"]),
        ({"filter[search]": "nphn"}, ["NPHS1"]),
        ({"filter[search]": "PC1"}, ["PKD1", "NPHS1"]),
        ({"filter[search]": "HGNC:2207"}, ["COL4A5"]),
        ({"filter[search]": "nephrin"}, ["NPHS1"]),
        ({"filter[tier]": "comprehensive_support"}, ["PKD1", "PKD2"]),
        ({"filter[tier]": "multi_source_support,minimal_evidence"}, ["NPHS1", "ABC1"]),
        ({"filter[min_score]": "55"}, ["PKD1", "PKD2", "NPHS1"]),
        ({"filter[max_score]": "30.0"}, ["COL4A5", "ABC1"]),
        ({"filter[min_score]": "20", "filter[max_score]": "60"}, ["NPHS1", "COL4A5"]),
        ({"filter[min_evidence_count]": "4"}, ["PKD1", "PKD2"]),
        ({"filter[max_evidence_count]": "2"}, ["COL4A5", "ABC1"]),
        ({"filter[source]": "pubtator"}, ["PKD1", "COL4A5", "ABC1"]),
        ({"filter[source]": "panelapp,hpo"}, ["PKD1", "PKD2", "NPHS1"]),
        ({"filter[source]": "hpo,literature,panelapp"}, ["PKD1", "NPHS1"]),
        ({"filter[high_evidence]": "true"}, ["PKD1", "PKD2", "NPHS1", "COL4A5"]),
        ({"filter[high_evidence]": "false"}, ["ABC1"]),
        ({"filter[hgnc_ids]": "HGNC:9009,7908, 5"}, ["PKD2", "NPHS1", "ABC1"]),
        ({"filter[tier]": "comprehensive_support", "filter[source]": "literature"}, ["PKD1"]),
    ],
)
def test_filters_narrow_the_list(api_client, genes, params, expected):
    response = api_client.get(LIST_URL, params)
    assert response.status_code == 200, response.json()
    assert symbols(response) == expected
    assert response.json()["meta"]["total"] == len(expected)


@pytest.mark.django_db
def test_unscored_and_withdrawn_genes_are_not_listed(api_client, genes):
    assert api_client.get(LIST_URL, {"filter[search]": "UNSCORED"}).json()["data"] == []


@pytest.mark.django_db
def test_pages_walk_the_whole_result_without_overlap(api_client, genes):
    first = api_client.get(LIST_URL, {"page[size]": "2"}).json()
    assert first["meta"] == {"total": 5, "page": 1, "page_size": 2, "page_count": 3}
    assert first["links"]["next"].endswith("page[size]=2&page[number]=2")
    seen = []
    for number in (1, 2, 3):
        page = api_client.get(LIST_URL, {"page[size]": "2", "page[number]": str(number)}).json()
        seen += [item["id"] for item in page["data"]]
    assert len(seen) == len(set(seen)) == 5
    last = api_client.get(LIST_URL, {"page[size]": "2", "page[number]": "3"}).json()
    assert last["links"]["next"] is None
    assert last["links"]["prev"].endswith("page[number]=2")


@pytest.mark.django_db
def test_page_links_keep_filters_and_sort(api_client, genes):
    params = {"filter[tier]": "comprehensive_support", "sort": "hgnc_id", "page[size]": "1"}
    body = api_client.get(LIST_URL, params).json()
    assert "filter[tier]=comprehensive_support" in body["links"]["next"]
    assert "sort=hgnc_id" in body["links"]["next"]
    assert body["links"]["last"].endswith("page[number]=2")


@pytest.mark.django_db
def test_empty_result_is_one_empty_page(api_client, genes):
    body = api_client.get(LIST_URL, {"filter[min_score]": "99"}).json()
    assert body["data"] == []
    assert body["meta"]["total"] == 0 and body["meta"]["page_count"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"filter[nonsense]": "1"}, "filter[nonsense]"),
        ({"tier": "comprehensive_support"}, "tier"),
        ({"filter[sort]": "score"}, "filter[sort]"),
        ({"sort": "name"}, "sort"),
        ({"sort": "-score,bogus"}, "sort"),
        ({"filter[min_score]": "high"}, "filter[min_score]"),
        ({"filter[max_score]": "1e999x"}, "filter[max_score]"),
        ({"filter[min_evidence_count]": "2.5"}, "filter[min_evidence_count]"),
        ({"filter[tier]": "gold"}, "filter[tier]"),
        ({"filter[source]": "panelapp,omim"}, "filter[source]"),
        ({"filter[high_evidence]": "maybe"}, "filter[high_evidence]"),
        ({"filter[hgnc_ids]": "PKD1"}, "filter[hgnc_ids]"),
        ({"page[number]": "0"}, "page[number]"),
        ({"page[number]": "-1"}, "page[number]"),
        ({"page[number]": "two"}, "page[number]"),
        ({"page[number]": "9"}, "page[number]"),
        ({"page[size]": "10000"}, "page[size]"),
        ({"page[size]": "0"}, "page[size]"),
        ({"page[size]": "501"}, "page[size]"),
        ({"page[offset]": "3"}, "page[offset]"),
        ({"format": "xlsx"}, "format"),
    ],
)
def test_bad_parameters_are_400_naming_the_parameter(api_client, genes, params, parameter):
    response = api_client.get(LIST_URL, params)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors and all(error["status"] == "400" for error in errors)
    assert parameter in error_parameters(response)
    assert all(error["detail"] and error["title"] and error["code"] for error in errors)


@pytest.mark.django_db
def test_page_size_500_is_allowed(api_client, genes):
    assert api_client.get(LIST_URL, {"page[size]": "500"}).json()["meta"]["page_size"] == 500


@pytest.mark.django_db
def test_registered_list_filter_is_accepted_and_validated(api_client, genes, monkeypatch):
    def apply(queryset, value):
        if value not in {"yes", "no"}:
            raise ValueError("syndromic must be yes or no")
        return queryset.filter(evidence_count__gte=4) if value == "yes" else queryset

    monkeypatch.setattr(extensions, "_filters", {})
    extensions.register_gene_list_filter("syndromic", apply, description="Syndromic genes")
    assert symbols(api_client.get(LIST_URL, {"filter[syndromic]": "yes"})) == ["PKD1", "PKD2"]
    response = api_client.get(LIST_URL, {"filter[syndromic]": "perhaps"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"]["parameter"] == "filter[syndromic]"
    assert "yes or no" in response.json()["errors"][0]["detail"]


@pytest.mark.django_db
def test_list_query_count_is_constant(api_client, genes, django_assert_num_queries):
    params = {
        "filter[search]": "p",
        "filter[source]": "panelapp,hpo",
        "filter[tier]": "comprehensive_support,multi_source_support",
        "sort": "-tier,approved_symbol",
    }
    with django_assert_num_queries(2):
        assert api_client.get(LIST_URL).status_code == 200
    with django_assert_num_queries(2):
        assert api_client.get(LIST_URL, params).status_code == 200


@pytest.mark.django_db
def test_list_item_keys_match_the_documented_serializer_fields(api_client, genes):
    """The list builds dicts directly for speed; the schema's serializer must not drift."""
    from genes.api.serializers import GeneListAttributesSerializer, GeneListItemSerializer

    item = api_client.get(LIST_URL).json()["data"][0]
    assert set(item) == set(GeneListItemSerializer().fields)
    assert set(item["attributes"]) == set(GeneListAttributesSerializer().fields)


@pytest.mark.django_db
def test_symbols_with_special_characters_get_quoted_links(api_client, db):
    from .conftest import make_scored_gene

    make_scored_gene("HLA-DRB1/2 x", score=10.0)
    item = api_client.get(LIST_URL).json()["data"][0]
    assert item["links"]["self"] == "/api/genes/HLA-DRB1%2F2%20x/"
