"""Text that arrives from outside is escaped in every real page that shows it.

A gene name (HGNC), a source's disease and phenotype text (ClinGen, HPO), a PanelApp panel name,
an uploaded publication title and file name, a curator's rationale and a release's title and notes
each carry `<script>`, an attribute break-out with `<img onerror>` and a `javascript:` URL, tagged
with the field they came from. Every public page and admin change page that shows them is
rendered; each must show its fields' text, and none may contain the markup unescaped or a
`javascript:` link. Marking one field `|safe` (or `mark_safe` in a view) fails here.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import NoReverseMatch, reverse

from curation import services as curation_services
from curation.models import CuratorDecision, Release
from genes.models import Evidence
from genes.scoring import scores_recompute
from pipeline.models import SourceUpload, UploadedEntry
from pipeline.services.uploads import upload_commit
from tests.conftest import REPO_DIR
from tests.factories import EvidenceFactory, GeneFactory, UserFactory

pytestmark = pytest.mark.django_db
STATIC = REPO_DIR / "static"

FIELDS = ("name", "disease", "phenotype", "panel", "title", "file", "rationale", "release")
RAW = re.compile(
    r"<script>alert\('kg-xss|<img src=x onerror|(?:href|src|action)\s*=\s*[\"']?\s*javascript:",
    re.IGNORECASE,
)


def payload(field: str) -> str:
    return (
        f"kg-xss-{field} <script>alert('kg-xss')</script>"
        f'"><img src=x onerror=alert(1)> javascript:alert(1)'
    )


@pytest.fixture
def hostile(db) -> dict[str, object]:
    gene = GeneFactory(hgnc_id=9008, symbol="PKD1", name=payload("name"))
    curation = {
        "assertion_id": "CGGV:assertion_1",
        "disease": payload("disease"),
        "classification": "Definitive",
        "report_url": "javascript:alert(1)",
        "gcep": "Glomerulopathy",
    }
    clingen = EvidenceFactory(
        gene=gene,
        source="clingen",
        classification="Definitive",
        classification_weight=1.0,
        details={"curations": [curation], "curation_count": 1},
    )
    EvidenceFactory(
        gene=gene,
        source="hpo",
        phenotype_count=1,
        disease_count=1,
        details={"terms": [{"id": "HP:0000107", "name": payload("phenotype")}], "diseases": []},
    )
    listing = {
        "region": "UK",
        "panel_id": 384,
        "panel_name": payload("panel"),
        "confidence_level": 3,
        "rating": "green",
        "phenotypes": [payload("phenotype")],
        "moi": "AD",
    }
    EvidenceFactory(
        gene=gene,
        source="panelapp",
        panel_count=1,
        supporting_panel_count=1,
        details={"panels": [listing]},
    )
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["pmid", "gene_symbol", "title"], ["100", "PKD1", payload("title")]]
    )
    upload_commit(
        source="literature", file_name=payload("file")[:500], content=buffer.getvalue().encode()
    )
    scores_recompute()
    admin = UserFactory(username="ada", is_superuser=True)
    decision = curation_services.decision_record(
        gene=gene, verdict="confirmed", rationale=payload("rationale"), user=admin
    )
    draft = curation_services.release_draft_create(
        title=payload("release")[:200], notes=payload("release"), user=admin
    )
    release = curation_services.release_publish(release=draft, user=admin)
    return {
        "gene": gene,
        "clingen": clingen,
        "decision": decision,
        "release": release,
        "admin": admin,
    }


def assert_escaped(html: str, url: str, expected: set[str]) -> None:
    raw = RAW.search(html)
    assert raw is None, (
        f"{url}: unescaped markup {html[max(raw.start() - 80, 0) : raw.end() + 40]!r}"
    )
    shown = {field for field in FIELDS if f"kg-xss-{field}" in html}
    assert expected <= shown, f"{url}: {sorted(expected - shown)} not shown"


PUBLIC_PAGES = {
    "/genes/PKD1/": {"name", "disease", "phenotype", "panel", "title", "rationale"},
    "/genes/": {"name"},
    "/genes/?q=PKD1": {"name"},
    "/": set(),
    "/releases/": {"release"},
    "/statistics/": set(),
    "/sources/": set(),
}


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_escape_outside_text(client, hostile, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert_escaped(response.content.decode(), url, PUBLIC_PAGES[url])


def test_release_detail_page_escapes_title_and_notes(client, hostile):
    url = f"/releases/{hostile['release'].version}/"
    response = client.get(url)
    assert response.status_code == 200
    assert_escaped(response.content.decode(), url, {"release"})


def test_suggestions_are_json_that_the_page_inserts_as_text(client, hostile):
    response = client.get("/search/suggest/?q=PKD")
    assert response["Content-Type"].startswith("application/json")
    assert "kg-xss-name" in response.json()["genes"][0]["name"]
    script = (STATIC / "js" / "suggest.js").read_text()
    assert "textContent" in script and not re.search(r"innerHTML\s*\+?=(?!\s*\"\")", script)


def test_gene_page_htmx_fragments_escape_outside_text(client, hostile):
    response = client.get("/genes/?q=PKD1", HTTP_HX_REQUEST="true")
    assert_escaped(response.content.decode(), "/genes/ (fragment)", {"name"})


def admin_pages(hostile) -> dict[str, set[str]]:
    evidence = {e.source: e.pk for e in Evidence.objects.all()}
    upload = SourceUpload.objects.get()
    entry = UploadedEntry.objects.get()
    pages = {
        reverse("admin:genes_gene_change", args=[hostile["gene"].pk]): {"name"},
        reverse("admin:genes_evidence_change", args=[evidence["clingen"]]): {"disease"},
        reverse("admin:genes_evidence_change", args=[evidence["hpo"]]): {"phenotype"},
        reverse("admin:genes_evidence_change", args=[evidence["panelapp"]]): {"panel"},
        reverse("admin:genes_evidence_change", args=[evidence["literature"]]): {"title"},
        reverse("admin:curation_curatordecision_change", args=[CuratorDecision.objects.get().pk]): {
            "rationale"
        },
        reverse("admin:curation_release_change", args=[Release.objects.get().pk]): {"release"},
        reverse("admin:genes_gene_changelist") + "?q=PKD1": {"name"},
        reverse("admin:curation_release_changelist"): {"release"},
    }
    for model, obj in (("sourceupload", upload), ("uploadedentry", entry)):
        try:
            pages[reverse(f"admin:pipeline_{model}_change", args=[obj.pk])] = set()
        except NoReverseMatch:  # a model without an admin page shows nothing to test
            continue
    return pages


def test_admin_change_pages_escape_outside_text(client, hostile):
    client.force_login(hostile["admin"])
    for url, expected in admin_pages(hostile).items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert_escaped(response.content.decode(), url, expected)
