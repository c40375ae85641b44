"""The /network/ page: a refused value is explained on the page; legend, table and downloads."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?top=abc", "Top genes: A valid integer is required."),
        ("?top=100000", "Top genes: at most"),
        ("?min_score=5000", "Minimum combined score: Ensure this value is less than or equal"),
    ],
)
def test_bad_parameter_is_explained_on_the_page(client, query, message):
    response = client.get(reverse("annotations:network") + query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "This network cannot be drawn" in html
    assert message in html
    # Nothing is fetched: the drawing would only have said "HTTP 400".
    assert 'id="network"' not in html
    assert "network.js" not in html
    # The form keeps what was typed so it can be corrected.
    assert 'name="genes"' in html


def test_page_has_legend_communities_table_and_downloads(client):
    response = client.get(reverse("annotations:network") + "?genes=PKD1,PKD2")
    assert response.status_code == 200
    html = response.content.decode()
    for element in (
        'id="tier-legend"',
        'id="network-communities"',
        'id="download-png"',
        'id="download-svg"',
        'id="download-genes-tsv"',
        'id="download-edges-tsv"',
    ):
        assert element in html, element
    assert f'data-gene-url="{reverse("genes:gene_detail", args=["SYMBOL"])}"' in html
