"""Gene browser pagination: only real page numbers, and a clear notice for a page it cannot show."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import GeneFactory, GeneScoreFactory

pytestmark = pytest.mark.django_db

PAGE_SIZE = 25


@pytest.fixture
def genes_on_five_pages():
    """120 scored genes: five pages of 25, ZZ000 (best score) first."""
    for index in range(120):
        gene = GeneFactory(hgnc_id=60_000 + index, symbol=f"ZZ{index:03d}")
        GeneScoreFactory(gene=gene, score=100 - index / 2)


def page_html(client, query: str) -> str:
    url = reverse("genes:gene_list") + f"?page_size={PAGE_SIZE}{query}"
    return client.get(url).content.decode()


def link_labels(html: str) -> list[str]:
    """The page numbers in the pagination bar, as shown (links and the current page)."""
    bar = html.split('<nav class="pagination"', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'(?:aria-label="Page \d+">|aria-current="page">)(-?\d+)<', bar)


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("", ["1", "2", "3", "5"]),
        ("&page=2", ["1", "2", "3", "4", "5"]),
        ("&page=3", ["1", "2", "3", "4", "5"]),
        ("&page=5", ["1", "3", "4", "5"]),
    ],
)
def test_page_links_are_real_pages(client, genes_on_five_pages, page, expected):
    assert link_labels(page_html(client, page)) == expected


def test_first_page_has_no_zero_or_negative_links(client, genes_on_five_pages):
    html = page_html(client, "")
    assert "page=0" not in html and "page=-1" not in html
    assert ">0<" not in html.split('<nav class="pagination"', 1)[1]


def test_page_that_is_not_a_number_shows_page_one_and_says_so(client, genes_on_five_pages):
    html = page_html(client, "&page=abc")
    assert "showing 1–25" in html
    assert "“abc” is not a page number; showing page 1." in html


@pytest.mark.parametrize("page", ["0", "-3"])
def test_page_below_one_shows_page_one_and_says_so(client, genes_on_five_pages, page):
    html = page_html(client, f"&page={page}")
    assert "showing 1–25" in html
    assert "Pages start at 1" in html


def test_page_past_the_end_shows_the_last_page_and_says_so(client, genes_on_five_pages):
    html = page_html(client, "&page=99")
    assert "showing 101–120" in html
    assert "There are only 5 pages; showing the last." in html


def test_a_valid_page_has_no_notice(client, genes_on_five_pages):
    html = page_html(client, "&page=2")
    assert "showing 26–50" in html
    assert 'id="page-notice"' not in html
