"""Every public page renders the scored data; the browser's URL is its whole state."""

from __future__ import annotations

import re

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
