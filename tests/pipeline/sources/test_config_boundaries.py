"""Each source's configuration, checked by behaviour through the source itself.

The keyword lists, panel-name rules, confidence threshold and root term are read from
`source_config()`, not restated here, and go through the real parser (`parse_bytes`, `fetch`,
`parse_pair`, `summarise`): a test that called `text_matches_any` with its own lists would pass
whatever the configuration says. Two documented cases are pinned by name, because dropping a
word from a configured list would drop its config-driven case too: a "Congenital adrenal
hyperplasia" curation or panel is not kidney evidence, while a renal disease whose text also
mentions an excluded word still is.
"""

from __future__ import annotations

import pytest

from pipeline.sources.clingen import ClinGenSource
from pipeline.sources.config import source_config
from pipeline.sources.gencc import GenCCSource
from pipeline.sources.hpo import HPOSource
from pipeline.sources.panelapp import PanelAppSource
from pipeline.sources.pubtator import PubTatorSource
from pipeline.sources.tabular import text_matches_any
from tests.pipeline.conftest import FakeSession, fake_fetcher, json_reply
from tests.pipeline.sources.conftest import clingen_csv, clingen_row, gencc_row, gencc_table
from tests.pipeline.sources.test_obo import SMALL

NOT_KIDNEY_PANEL = "Endocrine and Metabolic"


def clingen_kept(diseases: list[str], gcep: str = NOT_KIDNEY_PANEL) -> list[str]:
    """The disease labels ClinGen keeps as kidney curations (curated by a non-kidney panel)."""
    rows = [
        clingen_row(f"G{i}", f"HGNC:{i + 1}", disease, gcep=gcep, assertion=f"{i:08d}")
        for i, disease in enumerate(diseases)
    ]
    parsed = ClinGenSource().parse_bytes(clingen_csv(rows), name="clingen.csv")
    return [record.data["disease"] for record in parsed.records]


def gencc_kept(diseases: list[str]) -> list[str]:
    rows = [
        gencc_row(f"s{i}", f"HGNC:{i + 1}", f"G{i}", disease) for i, disease in enumerate(diseases)
    ]
    parsed = GenCCSource().parse_bytes(gencc_table(rows), name="gencc.tsv")
    return [record.data["disease_title"] for record in parsed.records]


KEPT_BY = {"clingen": clingen_kept, "gencc": gencc_kept}


@pytest.mark.parametrize("source", KEPT_BY)
def test_congenital_adrenal_hyperplasia_is_not_kidney_evidence(source):
    kept = KEPT_BY[source](
        ["Congenital adrenal hyperplasia", "adrenal insufficiency", "Polycystic kidney disease"]
    )
    assert kept == ["Polycystic kidney disease"]


@pytest.mark.parametrize("source", KEPT_BY)
def test_renal_disease_that_mentions_an_excluded_word_is_still_kidney_evidence(source):
    diseases = [
        "renal tubular acidosis with adrenal insufficiency",
        "Fanconi anemia with renal malformation",
        "homocystinuria and nephrolithiasis",
    ]
    assert KEPT_BY[source](diseases) == diseases


@pytest.mark.parametrize("source", KEPT_BY)
def test_every_configured_keyword_keeps_a_disease(source):
    keywords = source_config(source)["kidney_keywords"]
    diseases = [f"hereditary {keyword.upper()} disorder" for keyword in keywords]
    assert KEPT_BY[source](diseases) == diseases
    assert KEPT_BY[source](["hereditary breast cancer"]) == []


@pytest.mark.parametrize("source", KEPT_BY)
def test_every_configured_exclusion_hides_its_keyword_but_not_a_second_one(source):
    config = source_config(source)
    keywords, excluded = config["kidney_keywords"], config["kidney_keywords_exclude"]
    for phrase in excluded:
        # Each exclusion exists because it contains a keyword; otherwise it would do nothing.
        assert text_matches_any(phrase, keywords), phrase
    alone = [f"syndrome of {phrase}" for phrase in excluded]
    assert KEPT_BY[source](alone) == []
    with_kidney = [f"{phrase} with glomerulopathy" for phrase in excluded]
    assert KEPT_BY[source](with_kidney) == with_kidney


def test_every_configured_clingen_expert_panel_keeps_its_curations():
    for gcep in source_config("clingen")["kidney_gceps"]:
        assert clingen_kept(["a disorder"], gcep=gcep) == ["a disorder"], gcep
        suffixed = f"{gcep} Gene Curation Expert Panel"
        assert clingen_kept(["a disorder"], gcep=suffixed) == ["a disorder"], suffixed
    assert clingen_kept(["a disorder"], gcep="Motile Ciliopathy") == []


# PanelApp ------------------------------------------------------------------------------------


def panelapp_kidney_panels(names: list[str]) -> list[str]:
    """The panel names the real fetch keeps, from a fake list with one page per instance."""
    replies = {}
    for instance in source_config("panelapp")["instances"]:
        base = instance["base_url"].rstrip("/")
        panels = [{"id": i, "name": name} for i, name in enumerate(names)]
        replies[f"{base}/panels/?page=1"] = json_reply({"results": panels, "next": None})
        for i, name in enumerate(names):
            replies[f"{base}/panels/{i}/"] = json_reply({"id": i, "name": name, "genes": []})
    session = FakeSession(replies)
    PanelAppSource(fetcher=fake_fetcher("panelapp", session)).fetch()
    regions = len(source_config("panelapp")["instances"])
    kept = [url for url in session.calls if not url.endswith("?page=1")]
    assert len(kept) % regions == 0
    return [names[int(url.rstrip("/").rsplit("/", 1)[1])] for url in kept[: len(kept) // regions]]


def test_adrenal_panels_are_not_kidney_panels():
    names = ["Congenital adrenal hyperplasia", "Adrenal insufficiency", "Renal tubulopathies"]
    assert panelapp_kidney_panels(names) == ["Renal tubulopathies"]


def test_every_configured_panel_name_rule_applies():
    config = source_config("panelapp")
    include, exclude = config["panel_name_include"], config["panel_name_exclude"]
    included = [f"Familial {word.title()} disease" for word in include]
    excluded = [f"{word.title()} {include[0]} disorders" for word in exclude]
    assert panelapp_kidney_panels([*included, *excluded, "Familial melanoma"]) == included


def test_supporting_listing_starts_at_the_configured_confidence():
    threshold = int(source_config("panelapp")["supporting_confidence"])

    def listing(panel_id: int, confidence: int) -> dict:
        return {"region": "UK", "panel_id": panel_id, "confidence_level": confidence, "moi": ""}

    below = PanelAppSource.summarise([listing(1, threshold - 1)])
    at = PanelAppSource.summarise([listing(1, threshold - 1), listing(2, threshold)])
    assert (below.panel_count, below.supporting_panel_count) == (1, 0)
    assert (at.panel_count, at.supporting_panel_count) == (2, 1)


# HPO -----------------------------------------------------------------------------------------

G2P_HEADER = "ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id\n"


def test_hpo_keeps_the_configured_root_term_and_its_descendants_only():
    root = source_config("hpo")["root_term"]
    assert f"id: {root}\n" in SMALL
    annotations = (
        G2P_HEADER
        + f"1\tROOTGENE\t{root}\troot\t-\tOMIM:1\n"
        + "2\tCHILDGENE\tHP:0000107\tRenal cyst\t-\tOMIM:2\n"
        + "3\tPARENTGENE\tHP:0000001\tAll\t-\tOMIM:3\n"
    )
    parsed = HPOSource().parse_pair(SMALL.encode(), "hp.obo", annotations.encode(), "g2p.txt")
    assert sorted(r.symbol for r in parsed.records) == ["CHILDGENE", "ROOTGENE"]


# PubTator ------------------------------------------------------------------------------------


def _page(page: int, total: int, results: list[dict]) -> tuple[int, bytes]:
    # No hit count: these pages are not meant to add up (the crawl checks a count it is given).
    return json_reply({"results": results, "total_pages": total})


def _result(pmid: int, text: str) -> dict:
    return {"pmid": pmid, "text_hl": text}


def test_pubtator_counts_each_pmid_mention_pair_once():
    """A paper seen on two pages, and under two NCBI ids of one gene, is one (PMID, mention)."""
    source = PubTatorSource()
    mention = "@GENE_PKD1 @GENE_5310 @@@polycystin-1@@@"
    both = mention + " and @GENE_PKD1 @GENE_5310 @@@PKD1@@@"
    pages = {
        source.page_url(1): _page(1, 2, [_result(1, mention), _result(2, mention)]),
        source.page_url(2): _page(2, 2, [_result(1, both)]),
    }
    source.fetcher = fake_fetcher("pubtator", FakeSession(pages))
    records = [record.data for record in source.fetch().records]
    assert sorted((r["pmid"], r["mention"]) for r in records) == [
        ("1", "PKD1"), ("1", "polycystin-1"), ("2", "polycystin-1"),
    ]  # fmt: skip
    # Two NCBI ids of one HGNC gene, and records merged from stored details, repeat pairs.
    again = [{**r, "ncbi_id": "999"} for r in records]
    summary = PubTatorSource.summarise(records + again + records)
    assert (summary.publication_count, summary.mention_pair_count) == (2, 3)
