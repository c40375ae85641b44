"""End-to-end: the /network/ page draws the STRING subgraph with the vendored Cytoscape.js.

Uses Debian's Chromium through Playwright like tests/genes/pages; skips cleanly when either is
missing.
"""

from __future__ import annotations

from pathlib import Path

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

    # One table row per community, each gene linked to its page.
    assert page.locator("#network-communities tbody tr").count() == 2
    assert page.locator("#network-communities a", has_text="NPHS1").get_attribute("href") == (
        "/genes/NPHS1/"
    )
    # Downloads hold what is drawn.
    downloads = {}
    for link in ("download-genes-tsv", "download-edges-tsv", "download-svg", "download-png"):
        with page.expect_download() as info:
            page.click(f"#{link}")
        downloads[link] = Path(info.value.path()).read_bytes()
    genes_tsv = downloads["download-genes-tsv"].decode().splitlines()
    assert genes_tsv[0].split("\t")[:3] == ["symbol", "hgnc_id", "tier"]
    assert sorted(line.split("\t")[0] for line in genes_tsv[1:]) == [
        "NPHS1",
        "NPHS2",
        "PKD1",
        "PKD2",
        "TRPC6",
    ]
    assert len(downloads["download-edges-tsv"].decode().splitlines()) == 1 + 4
    assert downloads["download-svg"].count(b"<circle") == 5
    assert downloads["download-png"][:8] == b"\x89PNG\r\n\x1a\n"


def test_network_page_explains_a_refused_value(live_server, network_data, page):
    page.goto(f"{live_server.url}/network/?top=abc")
    assert "Top genes: A valid integer is required." in page.locator("#network-error").inner_text()
    assert "HTTP 400" not in page.content()
