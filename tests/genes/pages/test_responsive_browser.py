"""Every public page at a phone, a tablet and a laptop width: nothing scrolls sideways.

Loads the demo snapshot (real-format data, the genes with the longest names and the most
phenotypes) and one published release, then visits each public page at 375, 768 and 1366 px in
headless Chromium. Wide tables and plots may scroll inside their own box, never the page.
Screenshots go to var/screenshots/responsive-<page>-<width>.png for a person to look at.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from curation.services import release_draft_create, release_publish
from tests.browser import chromium_context, needs_chromium, screenshot_path

pytestmark = [pytest.mark.slow, needs_chromium]

WIDTHS = (375, 768, 1366)
PAGES = {
    "home": "/",
    "browser": "/genes/",
    "browser-page-2": "/genes/?page=2&search=a",
    "gene": "/genes/PKD1/",
    "gene-syndromic": "/genes/ALG9/",
    "gene-not-found": "/genes/NOTAGENE9/",
    "statistics": "/statistics/",
    "sources": "/sources/",
    "network": "/network/",
    "releases": "/releases/",
    "release": "/releases/{release}/",
    "about": "/about/",
}
# For the assertion message: the elements whose right edge is the page's width (an absolutely
# positioned one may escape the box that should have clipped it), else those sticking out of the
# viewport outside a box that scrolls on its own.
WIDE_ELEMENTS_JS = """
(() => {
  const right = e => Math.round(e.getBoundingClientRect().right);
  const all = [...document.querySelectorAll('body *')];
  let wide = all.filter(e => right(e) >= document.documentElement.scrollWidth - 1);
  if (!wide.length) {
    wide = all.filter(e => right(e) > window.innerWidth + 1)
      .filter(e => !e.parentElement.closest('.table-wrap, .chart-scroll, .network-canvas'));
  }
  return wide.slice(0, 8).map(e => `${e.tagName}.${e.className} ${right(e)}`);
})()
"""


class _Sink:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False


@pytest.fixture
def demo_site(transactional_db) -> str:
    """The demo snapshot and one published release; returns the release's version."""
    call_command("load_demo", stdout=_Sink(), stderr=_Sink())
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw-Pw-123!")
    draft = release_draft_create(title="Demo release", user=admin)
    return release_publish(release=draft, user=admin).version


def test_no_public_page_scrolls_sideways(live_server, demo_site, monkeypatch):
    problems: list[str] = []
    with chromium_context(monkeypatch, timeout_ms=30000) as context:
        page = context.new_page()
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in PAGES.items():
                page.goto(live_server.url + path.format(release=demo_site))
                page.wait_for_load_state("networkidle")
                overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if overflow > 0:
                    problems.append(
                        f"{name} at {width}px: {overflow}px too wide, "
                        f"{page.evaluate(WIDE_ELEMENTS_JS)}"
                    )
                page.screenshot(
                    path=screenshot_path(f"responsive-{name}-{width}.png"), full_page=True
                )
    assert not problems, "\n".join(problems)


def test_phone_filters_fold_behind_a_button_and_stay_open_while_filtering(
    live_server, demo_site, monkeypatch
):
    phone = {"viewport": {"width": 375, "height": 800}}
    with chromium_context(monkeypatch, **phone) as context:
        page = context.new_page()
        page.goto(f"{live_server.url}/genes/")
        toggle = page.locator(".filters-toggle")
        assert toggle.is_visible()
        assert not page.locator("#gene-filters").is_visible()
        assert toggle.get_attribute("aria-expanded") == "false"

        toggle.click()
        assert page.locator("#gene-filters").is_visible()
        assert toggle.get_attribute("aria-expanded") == "true"
        # A filter change replaces the browser (htmx); the panel stays open and counts the filter.
        page.check("#tier-comprehensive_support")
        page.wait_for_url("**tier=comprehensive_support**")
        page.locator(".filters-toggle", has_text="1 active").wait_for()
        assert page.locator("#gene-filters").is_visible()
        page.screenshot(path=screenshot_path("browser-filters-open-375.png"))

        # Without JavaScript nothing is folded away.
        nojs = context.browser.new_context(java_script_enabled=False, **phone).new_page()
        nojs.goto(f"{live_server.url}/genes/")
        assert nojs.locator("#gene-filters").is_visible()
        assert not nojs.locator(".filters-toggle").is_visible()
        nojs.context.close()

    with chromium_context(monkeypatch, viewport={"width": 1366, "height": 900}) as context:
        page = context.new_page()
        page.goto(f"{live_server.url}/genes/")
        assert page.locator("#gene-filters").is_visible()
        assert not page.locator(".filters-toggle").is_visible()


def test_upset_column_click_opens_the_browser_on_its_genes(live_server, demo_site, monkeypatch):
    with chromium_context(monkeypatch, viewport={"width": 1366, "height": 900}) as context:
        page = context.new_page()
        page.goto(f"{live_server.url}/statistics/")
        column = page.locator("#overlaps svg a.chart-link").first
        size = column.locator("text").first.text_content()
        column.click()
        page.wait_for_url("**/genes/?source=*only_sources=true*")
        assert page.locator("#result-count").inner_text().startswith(f"{size} gene")
        assert page.locator("#only-sources").is_checked()
