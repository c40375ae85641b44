"""End-to-end: the /network/ page draws the STRING subgraph with the vendored Cytoscape.js.

Uses Debian's Chromium through Playwright like tests/pages; skips cleanly when either is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotations.services import annotation_run_execute
from tests.annotations.conftest import make_scores

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not shutil.which("chromium"), reason="no Chromium installed"
    ),
]


@pytest.fixture
def page(monkeypatch):
    playwright_api = pytest.importorskip("playwright.sync_api")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(15000)
        yield page
        browser.close()


@pytest.fixture
def network_data(transactional_db, kidney_genes, string_files) -> None:
    """Written before `page` starts Playwright: its event loop gives the test body another
    Django connection context, whose PostgreSQL session would outlive the test database."""
    make_scores(
        {"NPHS1": 90.0, "NPHS2": 80.0, "TRPC6": 60.0, "PKD1": 95.0, "PKD2": 70.0}, kidney_genes
    )
    annotation_run_execute(provider="string", files=string_files)


def test_network_page_draws_nodes_and_reports_communities(live_server, network_data, page):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/network/?genes=NPHS1,NPHS2,TRPC6,PKD1,PKD2")

    status = page.locator("#network-status")
    status.filter(has_text="interactions").wait_for()
    assert status.inner_text().startswith("5 genes, 4 interactions, 2 communities")
    assert page.locator("#network canvas").count() > 0
    assert errors == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "network.png"))
