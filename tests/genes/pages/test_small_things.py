"""Small things people notice: plural forms, spacing, a favicon, the schema as JSON."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse

from genes.scoring.explain import counted

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("count", "label", "expected"),
    [
        (1, "curated publications", "1 curated publication"),
        (2, "curated publications", "2 curated publications"),
        (0, "curated publications", "0 curated publications"),
        (
            1,
            "diagnostic panels (distinct provider, panel)",
            "1 diagnostic panel (distinct provider, panel)",
        ),
        (1, "distinct (PMID, mention text) pairs", "1 distinct (PMID, mention text) pair"),
        (1, "genes", "1 gene"),
    ],
)
def test_count_labels_agree_with_their_number(count, label, expected):
    assert counted(count, label) == expected


def test_pages_use_the_project_favicon(client):
    html = client.get(reverse("genes:about")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html
    assert finders.find("favicon.svg")


def test_schema_as_json_when_asked(client):
    response = client.get(reverse("api-schema") + "?format=json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    assert response.json()["openapi"].startswith("3.")
    yaml = client.get(reverse("api-schema"))
    assert yaml.content.startswith(b"openapi:")


def test_home_release_line_has_no_space_before_the_comma():
    payload = {
        "version": "2026.12.04",
        "published_at": datetime(2026, 12, 4, 12, tzinfo=UTC),
        "gene_count": 1,
        "citation": "",
    }
    html = render_to_string("curation/_home_release.html", {"payload": payload})
    assert "Release 2026.12.04</a>, published 4 December 2026" in html
    assert "— 1 gene." in html
