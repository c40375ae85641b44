"""The site's own 404 page, whatever DEBUG says: status 404, a search box, "did you mean"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from genes.models import GeneScore, GeneStatus, GeneSymbol, SymbolKind, Tier
from tests.genes.conftest import make_gene

pytestmark = pytest.mark.django_db


@pytest.fixture
def genes():
    pkd1 = make_gene(9008, "PKD1", name="polycystin 1")
    pkd2 = make_gene(9009, "PKD2", name="polycystin 2")
    make_gene(8979, "PDK1", name="pyruvate dehydrogenase kinase 1")
    make_gene(1100, "BRCA1", name="BRCA1 DNA repair associated")
    make_gene(
        40000,
        "OLDGENE1",
        status=GeneStatus.WITHDRAWN,
        withdrawn_note="merged into PKD2",
        merged_into=[9009],
    )
    GeneSymbol.objects.create(
        gene=pkd2, symbol="PKD4", symbol_upper="PKD4", kind=SymbolKind.PREVIOUS
    )
    for gene in (pkd1, pkd2):
        GeneScore.objects.create(
            gene=gene,
            score=90,
            tier=Tier.COMPREHENSIVE_SUPPORT,
            evidence_count=4,
            list_count=4,
            source_count_percentile=1.0,
            high_evidence=True,
            source_count=5,
            sources_with_data=7,
            computed_at=timezone.now(),
        )
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
