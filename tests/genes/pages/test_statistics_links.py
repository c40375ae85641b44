"""Statistics: every UpSet column, set bar and tier bar opens the gene browser on its genes."""

from __future__ import annotations

import html as html_lib
import re

import pytest
from django.urls import reverse

from tests.factories import EvidenceFactory, GeneFactory, GeneScoreFactory

pytestmark = pytest.mark.django_db

COMBINATIONS = {
    "HPO1": ["hpo"],
    "HPO2": ["hpo"],
    "BOTH1": ["hpo", "panelapp"],
    "ALL1": ["hpo", "panelapp", "pubtator"],
}


@pytest.fixture
def overlapping_genes():
    for index, (symbol, sources) in enumerate(COMBINATIONS.items()):
        gene = GeneFactory(hgnc_id=70_000 + index, symbol=symbol)
        for source in sources:
            EvidenceFactory(gene=gene, source=source)
        GeneScoreFactory(gene=gene, source_count=len(sources))


def browser_symbols(client, url: str) -> list[str]:
    page = client.get(url).content.decode()
    return sorted(re.findall(r"<strong>([A-Z0-9]+)</strong></a><br>", page))


def test_upset_columns_link_to_exactly_their_genes(client, overlapping_genes):
    page = client.get(reverse("genes:statistics")).content.decode()
    upset = page.split('id="overlaps"', 1)[1].split("</svg>", 1)[0]
    links = [
        html_lib.unescape(url) for url in re.findall(r'<a class="chart-link" href="([^"]+)"', upset)
    ]
    assert len(links) == 3  # hpo; hpo+panelapp; hpo+panelapp+pubtator
    found = sorted(tuple(browser_symbols(client, url)) for url in links)
    # "Has evidence from HPO" alone would list all four genes; the column holds only two.
    assert found == [("ALL1",), ("BOTH1",), ("HPO1", "HPO2")]


def test_overlap_table_rows_link_like_the_columns(client, overlapping_genes):
    page = client.get(reverse("genes:statistics")).content.decode()
    table = page.split('id="overlap-table"', 1)[1].split("</table>", 1)[0]
    urls = [html_lib.unescape(url) for url in re.findall(r'<a href="([^"]+)"', table)]
    assert sorted(tuple(browser_symbols(client, url)) for url in urls) == [
        ("ALL1",),
        ("BOTH1",),
        ("HPO1", "HPO2"),
    ]


def test_only_sources_filter_in_the_browser_and_the_form_keeps_it(client, overlapping_genes):
    url = reverse("genes:gene_list") + "?source=hpo,panelapp&only_sources=true"
    assert browser_symbols(client, url) == ["BOTH1"]
    page = client.get(url).content.decode()
    assert 'id="only-sources" name="only_sources" value="true" checked' in page
    assert browser_symbols(client, reverse("genes:gene_list") + "?source=hpo,panelapp") == [
        "ALL1",
        "BOTH1",
    ]
