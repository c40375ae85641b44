import pytest
from django.core.management import call_command

from annotations import filters, selectors
from annotations.services import annotation_run_execute
from genes import extensions
from genes.models import GeneScore
from tests.annotations.conftest import make_scores

GNOMAD = "gnomad/gnomad.v4.1.constraint_metrics.reduced.scout.tsv"


@pytest.fixture
def annotated(kidney_genes, string_files, shared_data):
    make_scores(
        {"NPHS1": 90.0, "NPHS2": 80.0, "TRPC6": 60.0, "PKD1": 95.0, "PKD2": 70.0}, kidney_genes
    )
    annotation_run_execute(provider="string", files=string_files)
    annotation_run_execute(provider="gnomad", files=[shared_data / GNOMAD])
    return kidney_genes


def test_gene_annotations_by_symbol_and_hgnc_id(annotated, api_client):
    by_symbol = api_client.get("/api/genes/trpc6/annotations/")
    by_id = api_client.get("/api/genes/HGNC:12338/annotations/")

    assert by_symbol.status_code == 200
    assert by_symbol.json() == by_id.json()
    body = by_symbol.json()
    assert body["hgnc_id"] == "HGNC:12338"
    assert body["constraint"]["loeuf"] == pytest.approx(0.708)
    assert [n["symbol"] for n in body["neighbours"]] == ["NPHS1", "NPHS2"]
    assert body["clinvar"] is None and body["phenotypes"]["terms"] == []


def test_unknown_gene_is_404_in_the_api_error_shape(annotated, api_client):
    response = api_client.get("/api/genes/NOTAGENE/annotations/")

    assert response.status_code == 404
    assert response.json()["errors"][0]["status"] in ("404", 404)


def test_network_of_given_genes_has_nodes_edges_and_stable_communities(annotated, api_client):
    url = "/api/network/?genes=NPHS1,nphs2,TRPC6,PKD1,PKD2,BOGUS&min_score=400"
    first = api_client.get(url).json()
    second = api_client.get(url).json()

    assert first == second
    assert {node["symbol"] for node in first["nodes"]} == {
        "NPHS1",
        "NPHS2",
        "TRPC6",
        "PKD1",
        "PKD2",
    }
    assert len(first["edges"]) == 4
    assert first["unknown_symbols"] == ["BOGUS"]
    assert sorted(len(c) for c in first["communities"]) == [2, 3]
    tiers = {node["symbol"]: node["tier"] for node in first["nodes"]}
    assert tiers["NPHS1"] == "established_support"


def test_network_min_score_and_top_genes(annotated, api_client):
    strict = api_client.get("/api/network/?genes=NPHS1,NPHS2,TRPC6&min_score=900").json()
    top = api_client.get("/api/network/?top=2").json()

    assert len(strict["edges"]) == 1
    assert {node["symbol"] for node in top["nodes"]} == {"PKD1", "NPHS1"}


@pytest.mark.parametrize("query", ["min_score=2000", "top=0", "top=abc"])
def test_network_rejects_bad_parameters(annotated, api_client, query):
    response = api_client.get(f"/api/network/?{query}")

    assert response.status_code == 400
    assert response.json()["errors"][0]["source"]["parameter"] in query


def test_network_page_draws_with_vendored_cytoscape(annotated, client):
    response = client.get("/network/?genes=PKD1,PKD2")

    assert response.status_code == 200
    html = response.content.decode()
    assert "annotations/vendor/cytoscape-3.34.4.min.js" in html
    assert "/api/network/?min_score=400&amp;genes=PKD1%2CPKD2" in html


def test_gene_section_is_registered_and_loads_in_constant_queries(
    annotated, django_assert_num_queries
):
    section = next(s for s in extensions.gene_sections() if s.name == "annotations")
    ids = [9008, 12338, 7908, 13394]

    with django_assert_num_queries(6):
        payloads = section.loader(ids)

    assert payloads[12338]["constraint"]["loeuf"] == pytest.approx(0.708)
    assert payloads[9008]["neighbours"][0]["symbol"] == "PKD2"
    assert "clinvar" not in payloads[12338]


def test_list_filters_are_registered_and_validate(annotated):
    registered = extensions.gene_list_filters()
    assert {"max_loeuf", "min_pli", "syndromic"} <= set(registered)
    scores = GeneScore.objects.all()

    constrained = registered["max_loeuf"].apply(scores, "0.8")
    assert "TRPC6" in set(constrained.values_list("gene__symbol", flat=True))
    assert registered["min_pli"].apply(scores, "0.99").filter(gene__symbol="TRPC6").count() == 0
    for name, bad in [("max_loeuf", "low"), ("min_pli", "2"), ("syndromic", "maybe")]:
        with pytest.raises(ValueError, match=name):
            registered[name].apply(scores, bad)
    assert filters.filter_syndromic(scores, "true").count() == 0


def test_gene_resolve_accepts_symbol_curie_and_number(annotated):
    assert selectors.gene_resolve("pkd1").hgnc_id == 9008
    assert selectors.gene_resolve("HGNC:9008").symbol == "PKD1"
    assert selectors.gene_resolve("9008").symbol == "PKD1"
    assert selectors.gene_resolve("NOPE") is None


def test_annotate_command_replays_the_demo_snapshot(kidney_genes, demo_dir):
    call_command("annotate", "--all", "--snapshot", str(demo_dir / "annotations"), "--no-progress")

    payload = selectors.annotation_summaries([9008])[9008]
    assert {"constraint", "clinvar", "expression", "phenotypes"} <= set(payload)
    assert payload["phenotypes"]["kidney_phenotype_count"] > 0


def test_gene_section_template_renders_summary_and_neighbours(annotated):
    from django.template.loader import render_to_string

    payload = selectors.annotation_summaries([12338])[12338]
    html = render_to_string(
        "annotations/gene_section.html", {"payload": payload, "gene": annotated["TRPC6"]}
    )

    assert "0.71" in html  # LOEUF
    assert 'href="/genes/NPHS1/"' in html
    assert "/network/?genes=TRPC6,NPHS1,NPHS2" in html
    assert "No ClinVar data" in html
