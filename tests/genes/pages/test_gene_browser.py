"""The gene browser: the API's FilterSet semantics from a no-JS form, URL as the state."""

from __future__ import annotations

import re

import pytest

from tests.genes.pages.conftest import make_scored_gene
from tests.genes.pages.test_views import symbols_in_table

pytestmark = pytest.mark.django_db


def browse(client, query: str) -> list[str]:
    response = client.get(f"/genes/{query}")
    assert response.status_code == 200
    return symbols_in_table(response.content.decode())


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?search=pkd", ["PKD1", "PKD2"]),
        ("?search=PKD4", ["PKD2"]),  # previous symbol
        ("?search=cnf", ["NPHS1"]),  # alias, case-insensitive
        ("?search=HGNC:12559", ["UMOD"]),
        ("?search=uromodulin", ["UMOD"]),  # name
        ("?tier=comprehensive_support", ["PKD1", "PKD2"]),
        ("?tier=multi_source_support&tier=preliminary_evidence", ["NPHS1", "UMOD"]),
        ("?tier=multi_source_support,preliminary_evidence", ["NPHS1", "UMOD"]),  # API style
        ("?min_score=15&max_score=61", ["PKD2", "NPHS1", "UMOD"]),
        ("?min_evidence_count=1&max_evidence_count=3", ["NPHS1", "UMOD"]),
        ("?source=clingen&source=gencc", ["PKD1", "PKD2"]),
        ("?source=literature", ["PKD1", "UMOD"]),
        ("?high_evidence=true", ["PKD1", "PKD2", "NPHS1"]),
        ("?high_evidence=true&tier=multi_source_support", ["NPHS1"]),
        ("?search=pkd&min_score=70", ["PKD1"]),
        ("?search=&min_score=&tier=", ["PKD1", "PKD2", "NPHS1", "UMOD", "TTN"]),  # empty form
    ],
)
def test_filters_match_api_semantics(client, scored_genes, query, expected):
    assert browse(client, query) == expected


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("approved_symbol", ["NPHS1", "PKD1", "PKD2", "TTN", "UMOD"]),
        ("-approved_symbol", ["UMOD", "TTN", "PKD2", "PKD1", "NPHS1"]),
        ("score", ["TTN", "UMOD", "NPHS1", "PKD2", "PKD1"]),
        ("hgnc_id", ["NPHS1", "PKD1", "PKD2", "TTN", "UMOD"]),
        ("-evidence_count", ["PKD1", "PKD2", "NPHS1", "UMOD", "TTN"]),
        ("source_count", ["TTN", "UMOD", "NPHS1", "PKD2", "PKD1"]),
        ("-tier", ["PKD1", "PKD2", "NPHS1", "UMOD", "TTN"]),
        ("tier", ["TTN", "UMOD", "NPHS1", "PKD1", "PKD2"]),
    ],
)
def test_every_column_sorts(client, scored_genes, sort, expected):
    assert browse(client, f"?sort={sort}") == expected


def test_column_header_toggles_direction_and_keeps_filters(client, scored_genes):
    html = client.get("/genes/?sort=score&tier=comprehensive_support").content.decode()
    assert 'aria-sort="ascending"><a href="?sort=-score&amp;tier=comprehensive_support">' in html
    assert '<a href="?sort=approved_symbol&amp;tier=comprehensive_support">Symbol</a>' in html


def test_invalid_filter_shows_message_not_error(client, scored_genes):
    response = client.get("/genes/?min_score=abc&tier=bogus")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and "bogus" in html
    assert symbols_in_table(html) == []


def test_pagination_with_page_size_keeps_state(client, scored_genes):
    for index in range(30):
        make_scored_gene(
            50000 + index,
            f"ZZ{index:02d}",
            score=1.0,
            tier="minimal_evidence",
            evidence_count=0,
            sources={"pubtator": 0.01},
        )
    html = client.get("/genes/?page_size=25&sort=approved_symbol").content.decode()
    assert "showing 1–25" in html
    assert 'href="?page=2&amp;page_size=25&amp;sort=approved_symbol"' in html
    second = client.get("/genes/?page=2&page_size=25&sort=approved_symbol").content.decode()
    assert symbols_in_table(second) == [f"ZZ{index:02d}" for index in range(20, 30)]
    assert client.get("/genes/?page=99").status_code == 200  # past the end: last page
    assert client.get("/genes/?page=abc&page_size=7").status_code == 200


def test_download_links_carry_the_same_filters(client, scored_genes):
    html = client.get("/genes/?tier=comprehensive_support&search=pkd&sort=score").content.decode()
    assert (
        'href="/api/genes/?format=tsv&amp;filter%5Bsearch%5D=pkd'
        '&amp;filter%5Btier%5D=comprehensive_support&amp;sort=score"'
    ) in html


def test_htmx_request_gets_only_the_browser_fragment(client, scored_genes):
    response = client.get("/genes/?search=pkd", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="browser"')
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]
    assert symbols_in_table(html) == ["PKD1", "PKD2"]


def test_form_reflects_url_state(client, scored_genes):
    html = client.get(
        "/genes/?tier=multi_source_support&high_evidence=true&search=np"
    ).content.decode()
    assert 'value="multi_source_support" checked' in html
    assert 'id="high-evidence" name="high_evidence" value="true" checked' in html
    assert 'name="search" value="np"' in html


def test_browser_query_count_is_constant(client, scored_genes, django_assert_num_queries):
    for index in range(40):
        make_scored_gene(
            60000 + index,
            f"YY{index:02d}",
            score=3.0,
            tier="minimal_evidence",
            evidence_count=0,
            sources={"pubtator": 0.02, "hpo": 0.1},
        )
    # count + page rows; and the same with a search that needs the alias subquery
    with django_assert_num_queries(2):
        client.get("/genes/?page_size=100")
    with django_assert_num_queries(2):
        client.get("/genes/?search=pkd4&source=hpo&tier=comprehensive_support")


def test_suggestions_return_matching_genes(client, scored_genes):
    assert client.get("/search/suggest/?q=pk").json() == {
        "genes": [
            {
                "symbol": "PKD1",
                "name": "polycystin 1, transient receptor potential channel interacting",
            },
            {"symbol": "PKD2", "name": "polycystin 2, transient receptor potential cation channel"},
        ]
    }
    assert client.get("/search/suggest/?q=p").json() == {"genes": []}


def test_registered_list_filters_get_a_form_field_and_filter(client, scored_genes, monkeypatch):
    from genes import extensions

    monkeypatch.setattr(extensions, "_filters", {})
    extensions.register_gene_list_filter(
        "max_hgnc",
        lambda queryset, value: queryset.filter(gene_id__lte=int(value)),
        description="HGNC number at most",
        value_type="number",
    )
    html = client.get("/genes/?max_hgnc=9008").content.decode()
    assert '<label for="filter-max_hgnc"' in html and 'value="9008" type="number"' in html
    assert symbols_in_table(html) == ["PKD1", "NPHS1"]


def test_download_link_returns_the_same_genes_from_the_api(client, scored_genes):

    html = client.get("/genes/?tier=comprehensive_support&sort=approved_symbol").content.decode()
    url = re.search(r'href="(/api/genes/\?format=tsv[^"]*)"', html).group(1).replace("&amp;", "&")
    response = client.get(url)
    assert response.status_code == 200
    lines = b"".join(response.streaming_content).decode().strip().splitlines()
    assert [line.split("\t")[1] for line in lines[1:]] == ["PKD1", "PKD2"]
