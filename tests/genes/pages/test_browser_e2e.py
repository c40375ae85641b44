"""End-to-end: a person in headless Chromium browses, filters, sorts and opens a gene.

Uses Debian's /usr/bin/chromium through Playwright (no downloaded browser); skips cleanly when
either is missing. Screenshots of the gene browser and a gene page go to var/screenshots/.
"""

from __future__ import annotations

import re

import pytest

from tests.browser import DESKTOP, SCREENSHOTS, chromium_context, needs_chromium, screenshot_path
from tests.genes.pages.conftest import make_scored_gene

pytestmark = [pytest.mark.slow, needs_chromium]


@pytest.fixture
def page(monkeypatch):
    with chromium_context(monkeypatch, viewport=DESKTOP) as context:
        yield context.new_page()


@pytest.fixture
def many_genes(scored_genes):
    for index in range(60):
        make_scored_gene(
            70000 + index,
            f"KID{index:02d}",
            name=f"kidney test gene {index}",
            score=round(3 + index * 0.5, 1),
            tier="minimal_evidence" if index < 14 else "preliminary_evidence",
            evidence_count=index % 3,
            sources={"pubtator": 0.1, "hpo": 0.2} if index % 2 else {"pubtator": 0.1},
        )
    return scored_genes


WIDE_ELEMENTS_JS = """
[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.closest('.table-wrap, .chart-scroll') || e.matches('.table-wrap, .chart-scroll'))
  .slice(0, 8)
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)
"""


def table_symbols(page) -> list[str]:
    return page.locator("#gene-table tbody tr td:first-child strong").all_inner_texts()


def test_browse_filter_sort_and_open_a_gene(live_server, many_genes, page):
    page.goto(f"{live_server.url}/genes/")
    assert page.locator("#result-count").inner_text().startswith("65 genes")
    assert table_symbols(page)[:3] == ["PKD1", "PKD2", "NPHS1"]
    page.screenshot(path=screenshot_path("gene-browser.png"), full_page=False)

    # Live filtering (htmx): typing narrows the table and the URL follows.
    page.fill("#gene-search", "pkd")
    # A locator assertion, not wait_for_function: the pages' CSP refuses string evaluation.
    playwright_api = pytest.importorskip("playwright.sync_api")
    playwright_api.expect(page.locator("#result-count")).to_have_text(re.compile(r"^2 genes"))
    assert table_symbols(page) == ["PKD1", "PKD2"]
    assert "search=pkd" in page.url

    # A tier checkbox combines with the search.
    page.check("#tier-comprehensive_support")
    page.wait_for_url("**tier=comprehensive_support**")
    assert table_symbols(page) == ["PKD1", "PKD2"]

    # Sorting by a column header reverses on the second click.
    page.click("#gene-table thead >> text=Symbol")
    page.wait_for_url("**sort=approved_symbol**")
    assert table_symbols(page) == ["PKD1", "PKD2"]
    page.click("#gene-table thead >> text=Symbol")
    page.wait_for_url("**sort=-approved_symbol**")
    assert table_symbols(page) == ["PKD2", "PKD1"]

    # Back button restores the previous state from the URL.
    page.go_back()
    page.wait_for_url("**sort=approved_symbol**")
    page.reload()
    assert table_symbols(page) == ["PKD1", "PKD2"]

    page.click("#gene-table >> text=PKD1")
    page.wait_for_url("**/genes/PKD1/")
    assert page.locator("h1").inner_text() == "PKD1"
    assert page.locator("#gene-score").inner_text() == "92.5"
    assert page.get_by_role("cell", name="Cystic kidney disease", exact=True).is_visible()
    page.screenshot(path=screenshot_path("gene-page.png"), full_page=True)
    assert (SCREENSHOTS / "gene-browser.png").stat().st_size > 10_000
    assert (SCREENSHOTS / "gene-page.png").stat().st_size > 10_000


def test_browser_works_without_javascript(live_server, many_genes, page):
    context = page.context.browser.new_context(java_script_enabled=False)
    nojs = context.new_page()
    nojs.goto(f"{live_server.url}/genes/?page_size=25")
    assert len(table_symbols(nojs)) == 25
    nojs.fill("#gene-search", "uromodulin")
    nojs.click("text=Apply filters")
    nojs.wait_for_url("**search=uromodulin**")
    assert table_symbols(nojs) == ["UMOD"]
    nojs.goto(f"{live_server.url}/genes/?page_size=25")
    nojs.click("nav.pagination >> text=Next ›")
    nojs.wait_for_url("**page=2**")
    assert nojs.locator("#result-count").inner_text().endswith("showing 26–50")
    context.close()


def test_phone_width_page_fits_and_keyboard_skip_link(live_server, many_genes, page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/genes/PKD1/")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    too_wide = page.evaluate(WIDE_ELEMENTS_JS)
    assert overflow <= 0, too_wide
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.screenshot(path=screenshot_path("gene-page-phone.png"), full_page=False)


def test_home_search_suggestions(live_server, many_genes, page):
    page.goto(f"{live_server.url}/")
    page.fill("#home-search", "nph")
    page.wait_for_selector("#home-search-suggestions li")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/genes/NPHS1/")
    assert page.locator("h1").inner_text() == "NPHS1"
