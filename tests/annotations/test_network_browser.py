"""End-to-end: the /network/ page draws the STRING subgraph with the vendored Cytoscape.js.

Uses Debian's Chromium through Playwright like tests/pages; skips cleanly when either is missing.
"""

from __future__ import annotations

import pytest

from annotations.services import annotation_run_execute
from tests.annotations.conftest import make_scores
from tests.browser import DESKTOP, chromium_context, needs_chromium, screenshot_path

pytestmark = [pytest.mark.slow, needs_chromium]


@pytest.fixture
def page(monkeypatch):
    with chromium_context(monkeypatch, viewport=DESKTOP) as context:
        yield context.new_page()


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
    page.screenshot(path=screenshot_path("network.png"))
