"""Every tool through a real MCP client session, on the demo data, against the REST API."""

from __future__ import annotations

import json

import pytest

from genes.models import GeneScore

TOOL_NAMES = {
    "search_genes",
    "get_gene",
    "explain_score",
    "get_gene_evidence",
    "get_gene_annotations",
    "resolve_genes",
    "compare_gene_list",
    "network_neighbours",
    "list_sources",
    "get_statistics",
    "list_releases",
    "get_release",
}


def _ok(result) -> dict:
    assert not result.is_error, result.content[0].text
    payload = result.structured_content
    # The second text block repeats the structured result for clients that read only text.
    assert json.loads(result.content[1].text) == payload
    return payload


def test_lists_every_tool_read_only_with_input_and_output_schemas(mcp_session):
    tools = mcp_session(lambda client: client.list_tools()).tools
    assert {tool.name for tool in tools} == TOOL_NAMES
    for tool in tools:
        assert tool.description, tool.name
        assert tool.annotations.read_only_hint is True
        assert tool.input_schema["type"] == "object"
        assert "provenance" in tool.output_schema["properties"]
    search = next(tool for tool in tools if tool.name == "search_genes")
    properties = search.input_schema["properties"]
    assert properties["page_size"]["maximum"] == 100
    assert "comprehensive_support" in json.dumps(properties["tiers"])


def test_every_answer_names_the_data_version_and_the_release(call_tool, demo_release):
    current = GeneScore.objects.values_list("data_version", flat=True).first()
    payload = _ok(call_tool("list_sources"))
    assert payload["provenance"]["data_version"] == current
    assert payload["provenance"]["latest_release"] == demo_release
    assert demo_release in payload["provenance"]["citation"]
    assert f"Data version {current}; latest release: {demo_release}." in payload["summary"]


def test_get_gene_matches_the_rest_detail(call_tool, api_client):
    payload = _ok(call_tool("get_gene", identifier="pkd1"))
    rest = api_client.get("/api/genes/PKD1/").json()["data"]
    assert payload["data"]["id"] == rest["id"] == "HGNC:9008"
    assert payload["data"]["score"] == rest["attributes"]["score"]
    assert payload["data"]["previous_symbols"] == rest["attributes"]["previous_symbols"]
    decision = payload["data"]["sections"]["curator_decision"]
    assert decision == rest["attributes"]["sections"]["curator_decision"]
    assert decision["verdict"] == "confirmed"
    assert "PKD1 (HGNC:9008" in payload["summary"]
    assert "Curator decision: Confirmed" in payload["summary"]


def test_get_gene_follows_an_alias_and_says_so(call_tool):
    payload = _ok(call_tool("get_gene", identifier="PC2"))
    assert payload["data"]["approved_symbol"] == "PKD2"
    assert payload["meta"]["matched_by"] == ["alias"]
    assert "'PC2' is a alias symbol of PKD2" in payload["summary"]


def test_search_genes_matches_the_rest_list_for_the_same_filters(call_tool, api_client):
    payload = _ok(
        call_tool(
            "search_genes",
            tiers=["comprehensive_support", "multi_source_support"],
            sources=["panelapp", "hpo"],
            min_score=30,
            page_size=5,
            page=2,
        )
    )
    rest = api_client.get(
        "/api/genes/?filter[tier]=comprehensive_support,multi_source_support"
        "&filter[source]=panelapp,hpo&filter[min_score]=30&page[size]=5&page[number]=2"
    ).json()
    assert payload["data"] == [row["attributes"] for row in rest["data"]]
    assert payload["meta"]["total"] == rest["meta"]["total"]
    assert payload["meta"]["page_count"] == rest["meta"]["page_count"]


def test_search_genes_annotation_filter_matches_the_rest_list(call_tool, api_client):
    payload = _ok(call_tool("search_genes", max_loeuf=0.5, high_evidence=True, page_size=100))
    rest = api_client.get(
        "/api/genes/?filter[max_loeuf]=0.5&filter[high_evidence]=true&page[size]=100"
    ).json()
    symbols = [row["approved_symbol"] for row in payload["data"]]
    assert symbols == [row["attributes"]["approved_symbol"] for row in rest["data"]]
    assert symbols


def test_explain_score_is_the_gene_pages_explanation(call_tool, api_client):
    payload = _ok(call_tool("explain_score", identifier="HGNC:9008"))
    rest = api_client.get("/api/genes/PKD1/").json()["data"]["attributes"]["explanation"]
    assert payload["data"] == rest
    assert payload["summary"].startswith("PKD1: Classic: supported by")


def test_gene_evidence_matches_the_rest_rows_and_links_its_records(call_tool, api_client):
    payload = _ok(call_tool("get_gene_evidence", identifier="PKD1"))
    rest = api_client.get("/api/genes/PKD1/evidence/").json()["data"]
    assert [
        {k: v for k, v in row.items() if k != "provenance_links"} for row in payload["data"]
    ] == rest
    by_source = {row["source"]: row["provenance_links"] for row in payload["data"]}
    assert any(r["url"].startswith("https://panelapp") for r in by_source["panelapp"]["records"])
    assert by_source["pubtator"]["pubmed"][0]["url"].startswith("https://pubmed.ncbi.nlm.nih.gov/")
    assert all(r["kind"] == "clingen_curation" for r in by_source["clingen"]["records"])
    assert by_source["gencc"]["records"][0]["kind"] == "gencc_submission"


def test_gene_annotations_match_the_rest_endpoint(call_tool, api_client):
    payload = _ok(call_tool("get_gene_annotations", identifier="NPHS1"))
    rest = api_client.get("/api/genes/NPHS1/annotations/").json()
    assert payload["data"] == json.loads(json.dumps(rest))
    assert "LOEUF" in payload["summary"]


def test_resolve_genes_reports_each_identifier_without_a_silent_pick(call_tool, api_client):
    queries = ["PKD1", "PC2", "9008", "ENSG00000008710", "no-such-gene"]
    payload = _ok(call_tool("resolve_genes", identifiers=queries))
    statuses = {row["query"]: row["status"] for row in payload["data"]}
    assert statuses == {
        "PKD1": "resolved",
        "PC2": "resolved",
        "9008": "resolved",
        "ENSG00000008710": "resolved",
        "no-such-gene": "unknown",
    }
    for row in payload["data"][:4]:
        rest = api_client.get("/api/genes/resolve/", {"q": row["query"]}).json()["data"]
        assert row["candidates"] == rest
    assert (payload["meta"]["resolved"], payload["meta"]["unknown"]) == (4, 1)


def test_resolve_genes_lists_every_candidate_of_an_ambiguous_symbol(call_tool, api_client):
    from genes.models import Gene, GeneSymbol

    for symbol in ("PKD1", "PKD2"):
        gene = Gene.objects.get(symbol=symbol)
        GeneSymbol.objects.create(gene=gene, symbol="SHARED9", symbol_upper="SHARED9", kind="alias")
    payload = _ok(call_tool("resolve_genes", identifiers=["shared9"]))
    row = payload["data"][0]
    assert row["status"] == "ambiguous"
    assert [c["attributes"]["approved_symbol"] for c in row["candidates"]] == ["PKD1", "PKD2"]
    assert "Ambiguous: shared9" in payload["summary"]


def test_compare_gene_list_finds_tiers_unknowns_and_missing_high_evidence(call_tool):
    payload = _ok(call_tool("compare_gene_list", genes=["PKD1", "pc2", "NOPE1"], missing_limit=5))
    data = payload["data"]
    assert {row["approved_symbol"] for row in data["in_database"]} == {"PKD1", "PKD2"}
    assert data["unresolved"] == [{"query": "NOPE1", "status": "unknown", "candidates": []}]
    high = GeneScore.objects.filter(high_evidence=True).exclude(gene__symbol__in=["PKD1", "PKD2"])
    assert payload["meta"]["missing_high_evidence_total"] == high.count()
    expected = list(high.order_by("-score", "gene__symbol").values_list("gene__symbol", flat=True))
    assert [row["approved_symbol"] for row in data["missing_high_evidence"]] == expected[:5]


def test_network_neighbours_are_scored_genes_strongest_first(call_tool):
    payload = _ok(call_tool("network_neighbours", identifier="PKD1", min_combined_score=600))
    partners = payload["data"]
    assert partners, "the demo STRING file links PKD1 to scored genes"
    assert all(p["combined_score"] >= 600 and p["tier"] for p in partners)
    strengths = [p["combined_score"] for p in partners]
    assert strengths == sorted(strengths, reverse=True)


def test_list_sources_matches_the_rest_sources(call_tool, api_client):
    payload = _ok(call_tool("list_sources"))
    assert payload["data"] == api_client.get("/api/sources/").json()["data"]


def test_statistics_match_the_rest_statistics(call_tool, api_client):
    payload = _ok(call_tool("get_statistics", parts=["summary", "overlaps"]))
    summary = api_client.get("/api/statistics/summary/").json()["data"]
    overlaps = api_client.get("/api/statistics/overlaps/").json()["data"]
    assert payload["data"]["summary"] == summary
    assert payload["data"]["overlaps"] == overlaps
    assert "distributions" not in payload["data"]


def test_releases_match_the_rest_releases(call_tool, api_client, demo_release):
    listed = _ok(call_tool("list_releases"))
    assert listed["data"] == api_client.get("/api/releases/").json()
    one = _ok(call_tool("get_release", version=demo_release))
    rest = api_client.get(f"/api/releases/{demo_release}/").json()
    assert one["data"]["version"] == demo_release
    assert [f["sha256"] for f in one["data"]["files"]] == [f["sha256"] for f in rest["files"]]


@pytest.mark.parametrize(
    ("name", "arguments", "message"),
    [
        ("get_gene", {"identifier": "NO-SUCH-GENE"}, "No gene 'NO-SUCH-GENE'"),
        ("explain_score", {"identifier": ""}, "at least 1 character"),
        ("search_genes", {"sort": "-colour"}, "Invalid filter: sort"),
        ("search_genes", {"page_size": 1000}, "less than or equal to 100"),
        ("search_genes", {"min_score": 120}, "less than or equal to 100"),
        ("search_genes", {"tiers": ["gold"]}, "comprehensive_support"),
        ("search_genes", {"search": "zzzz", "page": 2}, "past the last page (1)"),
        ("resolve_genes", {"identifiers": [f"G{i}" for i in range(501)]}, "at most 500"),
        ("resolve_genes", {"identifiers": [" "]}, "at least one non-empty identifier"),
        ("get_release", {"version": "1999.01.01"}, "No published release '1999.01.01'"),
        ("no_such_tool", {}, "Unknown tool"),
    ],
)
def test_bad_input_is_a_tool_error_with_a_clear_message(call_tool, name, arguments, message):
    result = call_tool(name, **arguments)
    assert result.is_error
    assert message in result.content[0].text


def test_resources_give_the_scoring_rules_and_the_latest_citation(mcp_session, demo_release):
    async def read(client):
        listed = await client.list_resources()
        rules = await client.read_resource("kgdb://scoring-rules")
        citation = await client.read_resource("kgdb://releases/latest/citation")
        return listed, rules, citation

    listed, rules, citation = mcp_session(read)
    assert {str(r.uri) for r in listed.resources} == {
        "kgdb://scoring-rules",
        "kgdb://releases/latest/citation",
    }
    text = rules.contents[0].text
    assert "Score = 100 × sum of source scores" in text
    assert "Comprehensive support: source_count ≥ 4 and score ≥ 50" in text
    cited = json.loads(citation.contents[0].text)
    assert cited["release"] == demo_release
    assert demo_release in cited["citation"]


def test_tool_calls_are_counted_by_outcome_for_the_metrics_endpoint(call_tool):
    from prometheus_client import REGISTRY

    def count(outcome: str) -> float:
        labels = {"tool": "get_gene", "outcome": outcome}
        return REGISTRY.get_sample_value("kgdb_mcp_tool_calls_total", labels) or 0.0

    ok, error = count("ok"), count("error")
    call_tool("get_gene", identifier="PKD1")
    call_tool("get_gene", identifier="NO-SUCH-GENE")
    assert (count("ok"), count("error")) == (ok + 1, error + 1)
