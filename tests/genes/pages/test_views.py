"""Every public page renders the scored data; the browser's URL is its whole state."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

pytestmark = pytest.mark.django_db


def symbols_in_table(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r'<a href="/genes/([^/]+)/"><strong>', body)


def test_home_shows_live_totals_and_links(client, scored_genes):
    html = client.get("/").content.decode()
    assert 'id="totals"' in html
    assert '>5</span><span class="stat-label">genes scored' in html
    assert '>3</span></a><span class="stat-label">high-evidence' in html
    for link in ("/genes/", "/statistics/", "/sources/", "/api/docs/", "/releases/", "/about/"):
        assert f'href="{link}"' in html


def test_home_without_scores_says_so(client, db):
    assert "No genes have been scored yet" in client.get("/").content.decode()


def test_browser_default_order_is_score_descending(client, scored_genes):
    response = client.get("/genes/")
    assert response.status_code == 200
    assert symbols_in_table(response.content.decode()) == ["PKD1", "PKD2", "NPHS1", "UMOD", "TTN"]


def test_gene_page_shows_identity_score_breakdown_and_provenance(client, scored_genes):
    response = client.get("/genes/PKD1/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "polycystin 1" in html
    assert "HGNC:9008" in html
    assert 'id="gene-score">92.5<' in html
    assert 'id="score-breakdown"' in html and "<svg" in html
    assert "Cystic kidney disease" in html  # PanelApp panel name from details
    assert 'href="https://panelapp.genomicsengland.co.uk/panels/384/"' in html
    assert 'href="https://panelapp-aus.org/panels/194/"' in html
    assert "Kidney Cystic and Ciliopathy Disorders" in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/20301424/"' in html
    assert 'href="https://monarchinitiative.org/MONDO:0004691"' in html
    assert 'href="https://hpo.jax.org/browse/term/HP:0000113"' in html
    assert "PBP" in html  # alias


def test_previous_symbol_redirects_to_current_symbol(client, scored_genes):
    response = client.get("/genes/PKD4/")
    assert response.status_code == 302
    assert response["Location"] == "/genes/PKD2/"


def test_symbol_lookup_is_case_insensitive_with_redirect(client, scored_genes):
    response = client.get("/genes/pkd1/")
    assert response.status_code == 302 and response["Location"] == "/genes/PKD1/"


def test_hgnc_id_url_redirects_to_symbol(client, scored_genes):
    assert client.get("/genes/HGNC:9008/")["Location"] == "/genes/PKD1/"


def test_alias_of_two_genes_lists_both_instead_of_guessing(client, scored_genes):
    response = client.get("/genes/SHARED1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/genes/NPHS1/"' in html and 'href="/genes/UMOD/"' in html


def test_unknown_gene_is_404(client, scored_genes):
    assert client.get("/genes/NOTAGENE/").status_code == 404


def test_gene_page_query_count_is_constant(
    client, scored_genes, django_assert_num_queries, monkeypatch
):
    from genes import extensions

    monkeypatch.setattr(extensions, "_sections", {})
    # gene+score, symbols, evidence, explanation (score, evidence, score run)
    with django_assert_num_queries(6):
        assert client.get("/genes/PKD1/").status_code == 200
    with django_assert_num_queries(6):
        assert client.get("/genes/TTN/").status_code == 200


def test_gene_page_with_registered_sections_needs_same_queries_for_every_gene(client, scored_genes):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for symbol in ("PKD1", "TTN", "NPHS1"):
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"/genes/{symbol}/").status_code == 200
        counts.append(len(context.captured_queries))
    assert len(set(counts)) == 1


def test_gene_page_renders_registered_sections(client, scored_genes, monkeypatch):
    from genes import extensions

    monkeypatch.setattr(extensions, "_sections", dict(extensions._sections))
    extensions.register_gene_section(
        "decision",
        lambda ids: {9008: {"Verdict": "confirmed", "Rationale": "two families"}},
        title="Curator decision",
    )
    html = client.get("/genes/PKD1/").content.decode()
    assert "Curator decision" in html and "two families" in html
    assert "Curator decision" not in client.get("/genes/PKD2/").content.decode()


def test_statistics_draws_plots_with_tables(client, scored_genes):
    response = client.get("/statistics/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") >= 5
    assert "UpSet" in html
    # PKD1 is the only gene with all seven sources: one intersection of size 1
    assert "PanelApp + ClinGen + GenCC + HPO + PubTator + Literature + Diagnostic panels" in html
    assert (
        'href="/genes/?tier=comprehensive_support">Comprehensive support</a></th><td class="num">2<'
        in html
    )


def test_statistics_with_no_data_renders(client, db):
    assert client.get("/statistics/").status_code == 200


def test_sources_page_lists_each_source_with_counts_and_last_run(client, scored_genes):
    from django.utils import timezone

    from pipeline.models import SourceRun

    SourceRun.objects.create(
        source="clingen",
        status="completed",
        finished_at=timezone.now(),
        source_version="2026-08-25",
        record_count=12,
    )
    SourceRun.objects.create(source="clingen", status="failed", finished_at=timezone.now())
    html = client.get("/sources/").content.decode()
    for label in (
        "PanelApp",
        "ClinGen",
        "GenCC",
        "HPO",
        "PubTator",
        "Literature",
        "Diagnostic panels",
    ):
        assert label in html
    assert 'href="/genes/?source=pubtator">4</a>' in html
    assert "2026-08-25" in html and "(12 records)" in html
    assert "Glomerulopathy" in html  # a ClinGen filter from pipeline config


def test_about_page_states_rules_from_config(client, db, settings):
    settings.SCORING_OVERRIDES = {"classic_thresholds": {"literature": 3}}
    html = client.get("/about/").content.decode()
    assert "at least 3 curated publications" in html
    assert "source_count ≥ 4 and score ≥ 50" in html


def test_no_asset_is_loaded_from_another_host(client, scored_genes):
    for url in ("/", "/genes/", "/genes/PKD1/", "/statistics/", "/sources/", "/about/"):
        html = client.get(url).content.decode()
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', html), url


class _StyleAttributeFinder(HTMLParser):
    """Collects the tags that carry a style attribute, however it is quoted or cased."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if any(name == "style" for name, _ in attrs):
            self.tags.append(self.get_starttag_text() or tag)


def test_public_pages_carry_no_style_attributes(client, scored_genes):
    """The public CSP has no style-src-attr 'unsafe-inline': a style="..." would be refused."""
    urls = ["/", "/genes/", "/genes/PKD1/", "/network/", "/statistics/", "/sources/", "/about/"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        finder = _StyleAttributeFinder()
        finder.feed(response.content.decode())
        assert finder.tags == [], url
    fragment = client.get("/genes/?tier=comprehensive_support", HTTP_HX_REQUEST="true")
    assert "style=" not in fragment.content.decode()
