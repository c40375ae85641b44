"""The home page names the latest published release and how to cite it."""

import pytest
from django.utils import timezone

from curation.models import Release

pytestmark = pytest.mark.django_db


def test_home_says_when_no_release_exists(client):
    html = client.get("/").content.decode()
    assert "No release has been published yet" in html


def test_home_shows_latest_published_release_and_citation(client):
    from curation.models import ReleaseStatus

    Release.objects.create(
        version="2026.11.01",
        title="November",
        status=ReleaseStatus.PUBLISHED,
        published_at=timezone.now(),
        gene_count=412,
        citation="Kidney Genetics Database, release 2026.11.01.",
    )
    Release.objects.create(version="2026.11.20", title="draft", status=ReleaseStatus.DRAFT)
    html = client.get("/").content.decode()
    assert "Release 2026.11.01" in html
    assert "412 genes" in html
    assert "How to cite:" in html and "release 2026.11.01." in html
    assert "2026.11.20" not in html
