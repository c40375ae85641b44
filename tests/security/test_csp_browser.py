"""In headless Chromium, the public pages, the API docs and the admin break no CSP rule.

Uses Debian's /usr/bin/chromium through Playwright and skips cleanly without it. Each page
records `securitypolicyviolation` events from before its first script runs.
"""

from __future__ import annotations

import pytest

from tests.browser import chromium_context, needs_chromium

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
PAGES = ["/", "/genes/", "/genes/PKD1/", "/statistics/", "/sources/", "/network/"]
PAGES += ["/releases/", "/about/", "/api/docs/", "/admin/login/"]
STAFF_PAGES = ["/admin/", "/admin/genes/gene/", "/admin/pipeline/live/"]

pytestmark = [pytest.mark.slow, needs_chromium]


@pytest.fixture
def browser_page(monkeypatch):
    with chromium_context(monkeypatch) as context:
        context.add_init_script(RECORD_VIOLATIONS)
        yield context.new_page()


def _violations(page, url: str) -> list[str]:
    page.goto(url, wait_until="networkidle")
    return page.evaluate("window.__cspViolations")


@pytest.mark.django_db(transaction=True)
def test_public_pages_break_no_csp_rule(browser_page, live_server, scored_gene):
    found = {path: _violations(browser_page, live_server.url + path) for path in PAGES}
    assert not {path: items for path, items in found.items() if items}


@pytest.mark.django_db(transaction=True)
def test_gene_browser_filtering_with_htmx_breaks_no_csp_rule(
    browser_page, live_server, scored_gene
):
    browser_page.goto(live_server.url + "/genes/", wait_until="networkidle")
    browser_page.fill("#gene-search", "PKD")
    browser_page.wait_for_load_state("networkidle")
    browser_page.wait_for_timeout(600)
    assert browser_page.evaluate("window.__cspViolations") == []


@pytest.mark.django_db(transaction=True)
def test_admin_pages_break_no_csp_rule(browser_page, live_server, superuser):
    from tests.factories import PASSWORD

    browser_page.goto(live_server.url + "/admin/login/")
    browser_page.fill("#id_username", superuser.username)
    browser_page.fill("#id_password", PASSWORD)
    browser_page.click("input[type=submit]")
    browser_page.wait_for_url(live_server.url + "/admin/")
    found = {path: _violations(browser_page, live_server.url + path) for path in STAFF_PAGES}
    assert not {path: items for path, items in found.items() if items}
