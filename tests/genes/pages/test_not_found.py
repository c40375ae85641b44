"""The site's own 404 page, whatever DEBUG says: status 404, a search box, "did you mean"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from genes.models import GeneStatus, Tier
from tests.factories import GeneFactory, GeneScoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def genes():
    pkd1 = GeneFactory(hgnc_id=9008, symbol="PKD1", name="polycystin 1")
    pkd2 = GeneFactory(hgnc_id=9009, symbol="PKD2", name="polycystin 2", previous=["PKD4"])
    GeneFactory(hgnc_id=8979, symbol="PDK1", name="pyruvate dehydrogenase kinase 1")
    GeneFactory(hgnc_id=1100, symbol="BRCA1", name="BRCA1 DNA repair associated")
    GeneFactory(
        hgnc_id=40000,
        symbol="OLDGENE1",
        status=GeneStatus.WITHDRAWN,
        withdrawn_note="merged into PKD2",
        merged_into=[9009],
    )
    for gene in (pkd1, pkd2):
        GeneScoreFactory(gene=gene, score=90, tier=Tier.COMPREHENSIVE_SUPPORT)
    return pkd1


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def test_unknown_gene_gets_the_site_page_in_every_mode(client, genes, debug):
    response = client.get("/genes/NOTAGENE9/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "URLconf" not in html  # Django's debug page lists every URL pattern
    assert "Nothing here for “NOTAGENE9”" in html
    assert 'name="search" value="NOTAGENE9"' in html
    assert f'action="{reverse("genes:gene_list")}"' in html
    assert 'class="site-nav"' in html


def test_unknown_path_gets_the_site_page_in_every_mode(client, genes, debug):
    response = client.get("/nothing/here/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "URLconf" not in html


def test_close_symbols_are_suggested(client, genes):
    response = client.get("/genes/PKDX1/")
    assert response.status_code == 404
    suggestions = response.content.decode().split('id="did-you-mean"', 1)[1].split("</ul>")[0]
    assert f'href="{reverse("genes:gene_detail", args=["PKD1"])}"' in suggestions
    assert "BRCA1" not in suggestions


def test_previous_symbol_and_withdrawn_symbol_suggest_the_current_gene(client, genes):
    # The gene page itself redirects a previous symbol; a mistyped path still finds it.
    html = client.get("/gene/PKD4").content.decode()
    assert "PKD4 is its previous symbol" in html
    assert "/genes/PKD2/" in html
    # A withdrawn symbol has its own (withdrawn) gene page; elsewhere it leads to its successor.
    html = client.get("/gene/OLDGENE1").content.decode()
    assert "OLDGENE1 was withdrawn and merged into it" in html


def test_api_paths_keep_the_json_error(client, genes, settings):
    settings.DEBUG = False
    response = client.get("/api/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json()["errors"][0]["code"] == "not_found"
