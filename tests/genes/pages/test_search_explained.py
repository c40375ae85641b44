"""A gene search that finds nothing says why: no kidney evidence, other filters, or a typo."""

from __future__ import annotations

import pytest
from django.urls import reverse

from genes.models import Tier
from tests.factories import GeneFactory, GeneScoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def genes():
    pkd1 = GeneFactory(hgnc_id=9008, symbol="PKD1", name="polycystin 1")
    nphs1 = GeneFactory(hgnc_id=7908, symbol="NPHS1", name="nephrin")
    GeneFactory(hgnc_id=1100, symbol="BRCA1", name="BRCA1 DNA repair associated")
    GeneFactory(hgnc_id=1, symbol="AAA1", aliases=["SHARED1"])
    GeneFactory(hgnc_id=2, symbol="BBB2", aliases=["SHARED1"])
    GeneScoreFactory(gene=pkd1, score=90, tier=Tier.COMPREHENSIVE_SUPPORT)
    GeneScoreFactory(gene=nphs1, score=40, tier=Tier.MULTI_SOURCE_SUPPORT)


def explanation(client, query: str) -> str:
    html = client.get(reverse("genes:gene_list") + query).content.decode()
    assert 'id="search-explanation"' in html, html
    return html.split('id="search-explanation"', 1)[1].split("</div>", 1)[0]


def test_hgnc_gene_without_evidence_is_named_and_linked(client, genes):
    text = explanation(client, "?search=brca1")
    assert "is an HGNC gene with no kidney evidence in this database" in text
    assert f'href="{reverse("genes:gene_detail", args=["BRCA1"])}"' in text
    assert "No genes match" not in text


def test_scored_gene_excluded_by_other_filters_says_so(client, genes):
    text = explanation(client, "?search=PKD1&tier=minimal_evidence")
    assert "PKD1" in text and "the other filters exclude it" in text
    assert "?search=PKD1" in text


def test_typo_offers_close_symbols(client, genes):
    text = explanation(client, "?search=NPHSS1")
    assert "Did you mean" in text
    assert f'href="{reverse("genes:gene_detail", args=["NPHS1"])}"' in text


def test_symbol_of_several_genes_lists_them(client, genes):
    text = explanation(client, "?search=SHARED1")
    assert "AAA1" in text and "BBB2" in text


def test_nothing_to_explain_keeps_the_plain_message(client, genes):
    html = client.get(reverse("genes:gene_list") + "?search=zzzzzzzz").content.decode()
    assert "No genes match these filters." in html
    assert 'id="search-explanation"' not in html
