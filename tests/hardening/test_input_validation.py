"""Every public parameter refuses bad values with a 400 (API) or an inline message (pages).

The cases are the ones that answered 500 before `common.params` judged every value in one place:
unicode digits (`²` passes `str.isdigit()`, then `int()` refuses it), integers beyond 64 bits,
a trailing comma in `sort`, NUL bytes (PostgreSQL refuses them in any text), deeply nested
JSON bodies. They run on whichever database the suite runs on (SQLite, or PostgreSQL in CI).
"""

from __future__ import annotations

import pytest

from common.json_body import MAX_DEPTH, json_depth
from common.params import INT64_MAX, ParameterError, ascii_int, positive_int, sort_keys
from tests.genes.api.conftest import make_scored_gene

HUGE = "9" * 30

API_BAD_VALUES = [
    ("/api/genes/?page[size]=²", "page[size]"),
    ("/api/genes/?page[number]=²", "page[number]"),
    ("/api/genes/?page[size]=" + HUGE, "page[size]"),
    ("/api/genes/?page[number]=" + HUGE, "page[number]"),
    ("/api/genes/?filter[hgnc_ids]=²", "filter[hgnc_ids]"),
    ("/api/genes/?filter[hgnc_ids]=" + HUGE, "filter[hgnc_ids]"),
    ("/api/genes/?filter[hgnc_ids]=HGNC:" + HUGE, "filter[hgnc_ids]"),
    ("/api/genes/?sort=score,", "sort"),
    ("/api/genes/?sort=,score", "sort"),
    ("/api/genes/?sort=-", "sort"),
    ("/api/genes/?sort=score,score", "sort"),
    ("/api/genes/?filter[search]=" + "x" * 201, "filter[search]"),
]


@pytest.fixture
def scored(db):
    make_scored_gene("PKD1", hgnc_id=9008, score=80.0)
    make_scored_gene("PKD2", hgnc_id=9009, score=60.0)


@pytest.mark.parametrize(("url", "parameter"), API_BAD_VALUES)
def test_bad_api_parameter_is_a_400_naming_it(client, scored, url, parameter):
    response = client.get(url)
    assert response.status_code == 400, response.content[:300]
    (error,) = response.json()["errors"]
    assert error["status"] == "400"
    assert error["source"]["parameter"] == parameter


@pytest.mark.parametrize(
    "url",
    [
        "/api/genes/?filter[search]=²",
        "/api/genes/?filter[search]=" + HUGE,
        "/api/genes/?filter[search]=HGNC:" + HUGE,
        "/api/genes/²/",
        "/api/genes/" + HUGE + "/",
        "/api/genes/HGNC:" + HUGE + "/",
        "/api/genes/resolve/?q=²",
        "/api/genes/resolve/?q=" + HUGE,
        "/api/genes/resolve/?q=١٢",
        "/api/genes/" + HUGE + "/annotations/",
        "/search/suggest/?q=²²",
        "/search/suggest/?q=" + HUGE,
    ],
)
def test_unicode_digits_and_huge_integers_are_not_server_errors(client, scored, url):
    response = client.get(url)
    assert response.status_code in (200, 404), response.content[:300]


@pytest.mark.parametrize(
    "url",
    [
        "/api/genes/?filter[search]=a%00b",
        "/api/genes/a%00b/",
        "/api/genes/resolve/?q=PKD%001",
        "/api/genes/PKD1/annotations/?x=%00",
        "/api/network/?genes=PKD1%00",
        "/genes/?search=PKD%00",
        "/genes/PKD%001/",
        "/search/suggest/?q=PK%00D",
        "/statistics/?tab=%01",
        "/sources/?q=%7f",
    ],
)
def test_control_characters_in_the_url_are_a_400(client, scored, url):
    response = client.get(url)
    assert response.status_code == 400, response.content[:300]
    if url.startswith("/api/"):
        assert response.json()["errors"][0]["code"] == "invalid_characters"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("search=²", None),
        ("search=" + HUGE, None),
        ("sort=score,", "sort"),
        ("sort=nonsense", "sort"),
        ("hgnc_ids=" + HUGE, "hgnc_ids"),
        ("page=" + HUGE, None),
        ("page=²", None),
        ("page_size=²", None),
        ("min_evidence_count=" + HUGE, None),
    ],
)
def test_gene_browser_shows_bad_values_inline(client, scored, query, field):
    response = client.get(f"/genes/?{query}")
    assert response.status_code == 200
    if field:
        assert response.context["errors"], query
        assert field in response.context["errors"]
        assert b'class="form-errors"' in response.content


def test_deeply_nested_json_body_is_a_400(api_client, db):
    body = "[" * 100_000 + "]" * 100_000
    response = api_client.post("/api/auth/token/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


def test_json_nested_just_past_the_bound_is_refused(api_client, db):
    body = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    response = api_client.post("/api/auth/token/", data=body, content_type="application/json")
    assert response.status_code == 400


def test_json_depth_counts_levels():
    assert json_depth(1) == 0
    assert json_depth({"a": [1, {"b": []}]}) == 4


@pytest.mark.parametrize("text", ["²", "١٢", "１２", "+1", "-1", " 1", "1.0", "", "1_000"])
def test_ascii_int_refuses_everything_but_ascii_digits(text):
    assert ascii_int(text) is None


def test_ascii_int_bounds():
    assert ascii_int("0") == 0
    assert ascii_int(str(INT64_MAX)) == INT64_MAX
    assert ascii_int(str(INT64_MAX + 1)) is None
    assert ascii_int("100", maximum=99) is None


@pytest.mark.parametrize(
    ("raw", "code"), [("0", "out_of_range"), (HUGE, "out_of_range"), ("²", "invalid")]
)
def test_positive_int_errors(raw, code):
    with pytest.raises(ParameterError) as caught:
        positive_int(raw, parameter="p", default=1)
    assert caught.value.code == code
    assert caught.value.parameter == "p"


def test_sort_keys_accepts_known_keys_in_order():
    assert sort_keys(
        "-score, approved_symbol", parameter="sort", allowed=["score", "approved_symbol"]
    ) == [
        "-score",
        "approved_symbol",
    ]
