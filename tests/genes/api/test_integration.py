"""The API with the other apps' real contributions: exports, explanations, sections, filters."""

from __future__ import annotations

import csv
import io
import json

import pytest

from genes.exports import EXPORT_COLUMNS

LIST_URL = "/api/genes/"


def streamed_text(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode()


@pytest.mark.django_db
def test_csv_export_streams_whole_filtered_result_in_sort_order(api_client, genes):
    params = {"format": "csv", "filter[min_score]": "10", "sort": "approved_symbol"}
    response = api_client.get(LIST_URL, {**params, "page[size]": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="kidney-genes.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(streamed_text(response))))
    assert tuple(rows[0]) == EXPORT_COLUMNS
    symbols = [row[EXPORT_COLUMNS.index("approved_symbol")] for row in rows[1:]]
    assert symbols == ["COL4A5", "NPHS1", "PKD1", "PKD2"]


@pytest.mark.django_db
def test_tsv_and_json_exports_honour_filters(api_client, genes):
    tsv = streamed_text(
        api_client.get(LIST_URL, {"format": "tsv", "filter[tier]": "minimal_evidence"})
    )
    lines = tsv.strip().split("\n")
    assert lines[0].split("\t") == list(EXPORT_COLUMNS) and len(lines) == 2
    assert "ABC1" in lines[1]
    body = json.loads(
        streamed_text(api_client.get(LIST_URL, {"format": "json", "filter[source]": "clingen"}))
    )
    assert sorted(row["approved_symbol"] for row in body) == ["PKD1", "PKD2"]


@pytest.mark.django_db
def test_export_with_bad_filter_is_400_not_a_broken_stream(api_client, genes):
    response = api_client.get(LIST_URL, {"format": "csv", "filter[tier]": "gold"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"]["parameter"] == "filter[tier]"


@pytest.mark.django_db
def test_detail_carries_the_scoring_explanation(api_client, genes):
    explanation = api_client.get("/api/genes/PKD1/").json()["data"]["attributes"]["explanation"]
    assert isinstance(explanation, dict) and explanation


@pytest.mark.django_db
def test_detail_query_count_does_not_grow_with_evidence(
    api_client, genes, django_assert_num_queries
):
    """With the real explanation and every registered section: same count for 7 or 1 sources."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as baseline:
        assert api_client.get("/api/genes/PKD1/").status_code == 200
    for symbol in ("ABC1", "NPHS1", "UNSCORED"):
        with django_assert_num_queries(len(baseline.captured_queries)):
            assert api_client.get(f"/api/genes/{symbol}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "bad"), [("max_loeuf", "low"), ("min_pli", "2"), ("syndromic", "perhaps")]
)
def test_annotation_filters_run_and_reject_bad_values(api_client, genes, name, bad):
    ok_value = {"max_loeuf": "0.35", "min_pli": "0.9", "syndromic": "true"}[name]
    response = api_client.get(LIST_URL, {f"filter[{name}]": ok_value})
    assert response.status_code == 200
    assert response.json()["data"] == []
    response = api_client.get(LIST_URL, {f"filter[{name}]": bad})
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"]["parameter"] == f"filter[{name}]"
