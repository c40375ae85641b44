"""Site navigation: every public page links the main sections by their URL names, not paths."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
# A path written into a template (href="/genes/", action="/genes/") breaks silently when a URL
# moves; {% url %} fails loudly. Links to other sites and fragment links are fine.
HARD_CODED_PATH = re.compile(r"""(?:href|action|src|hx-get|hx-post)=["']/(?!/)""")


def test_templates_use_url_names_not_paths():
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if HARD_CODED_PATH.search(line)
    ]
    assert not offenders, "\n".join(offenders)


@pytest.mark.django_db
def test_main_navigation_links_every_public_section(client):
    html = client.get(reverse("genes:about")).content.decode()
    navigation = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    for name in (
        "genes:gene_list",
        "genes:statistics",
        "annotations:network",
        "pipeline:sources",
        "curation:release-list",
        "genes:about",
        "api-docs",
    ):
        assert f'href="{reverse(name)}"' in navigation, name
    assert 'href="/about/" aria-current="page"' in navigation


@pytest.mark.django_db
def test_home_page_links_the_network(client):
    html = client.get(reverse("genes:home")).content.decode()
    main = html.split('<main id="main"', 1)[1].split("</main>", 1)[0]
    assert f'href="{reverse("annotations:network")}"' in main
