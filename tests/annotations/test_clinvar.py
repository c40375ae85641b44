from annotations.models import ClinVarSummary, RunStatus
from annotations.services import annotation_run_execute
from tests.annotations.conftest import write

GENE_SUMMARY = "clinvar/gene_specific_summary.2021-11-07.full.txt"
VARIANT_HEADER = (
    "#AlleleID\tType\tName\tGeneID\tGeneSymbol\tHGNC_ID\tClinicalSignificance\tClinSigSimple\t"
    "LastEvaluated\tRS# (dbSNP)\tnsv/esv (dbVar)\tRCVaccession\tPhenotypeIDS\tPhenotypeList\t"
    "Origin\tOriginSimple\tAssembly\tChromosomeAccession\tChromosome\tStart\tStop\t"
    "ReferenceAllele\tAlternateAllele\tCytogenetic\tReviewStatus\tNumberSubmitters\tGuidelines\t"
    "TestedInGTR\tOtherIDs\tSubmitterCategories\tVariationID\tPositionVCF\tReferenceAlleleVCF\t"
    "AlternateAlleleVCF"
)


def variant(allele: int, gene_id: str, symbol: str, hgnc: str, significance: str, assembly: str):
    """One SYNTHETIC variant_summary row in the real 34-column layout."""
    fields = [str(allele), "single nucleotide variant", f"NM_0:c.{allele}A>G", gene_id, symbol]
    fields += [hgnc, significance, "1", "-", "-1", "-", "RCV0", "-", "-", "germline", "germline"]
    fields += [assembly, "NC_0", "16", "1", "1", "na", "na", "16p13.3", "reviewed", "1", "-"]
    fields += ["N", "-", "1", str(allele), "1", "A", "G"]
    return "\t".join(fields)


def test_real_gene_specific_summary_counts(kidney_genes, shared_data):
    run = annotation_run_execute(provider="clinvar", files=[shared_data / GENE_SUMMARY])

    assert run.status == RunStatus.COMPLETED, run.error
    assert run.source_version == "2021-11-07"
    pkd1 = ClinVarSummary.objects.get(gene__symbol="PKD1")
    assert (pkd1.pathogenic_or_likely, pkd1.uncertain, pkd1.conflicting, pkd1.total) == (
        774,
        630,
        59,
        2103,
    )
    assert pkd1.counted_from == "gene_specific_summary"
    assert pkd1.benign is None


def test_variant_summary_gz_counts_classes_on_one_assembly(kidney_genes, tmp_path):
    path = write(
        tmp_path / "variant_summary.txt.gz",
        [
            VARIANT_HEADER,
            variant(1, "5310", "PKD1", "HGNC:9008", "Pathogenic", "GRCh38"),
            variant(1, "5310", "PKD1", "HGNC:9008", "Pathogenic", "GRCh37"),
            variant(2, "5310", "PKD1", "HGNC:9008", "Likely pathogenic", "GRCh38"),
            variant(3, "5310", "PKD1;PKD1-AS1", "-", "Pathogenic/Likely pathogenic", "GRCh38"),
            variant(4, "-1", "PKD1", "-", "Uncertain significance", "GRCh38"),
            variant(5, "5310", "PKD1", "HGNC:9008", "Benign", "GRCh38"),
            variant(6, "5310", "PKD1", "HGNC:9008", "Likely benign", "GRCh38"),
            variant(
                7,
                "5310",
                "PKD1",
                "HGNC:9008",
                "Conflicting classifications of pathogenicity",
                "GRCh38",
            ),
            variant(8, "7827", "NPHS2", "HGNC:13394", "Pathogenic; risk factor", "GRCh38"),
            variant(9, "999999", "NOTAGENE", "-", "Benign", "GRCh38"),
        ],
        compress=True,
    )

    run = annotation_run_execute(provider="clinvar", files=[path])

    assert run.status == RunStatus.COMPLETED, run.error
    pkd1 = ClinVarSummary.objects.get(gene__symbol="PKD1")
    assert (pkd1.pathogenic, pkd1.likely_pathogenic, pkd1.pathogenic_or_likely) == (1, 1, 3)
    assert (pkd1.uncertain, pkd1.benign, pkd1.likely_benign, pkd1.conflicting) == (1, 1, 1, 1)
    assert pkd1.total == 7
    assert ClinVarSummary.objects.get(gene__symbol="NPHS2").pathogenic == 1
    assert run.rows_unmatched == 1


def test_bad_count_fails_and_keeps_previous_counts(kidney_genes, shared_data, tmp_path):
    annotation_run_execute(provider="clinvar", files=[shared_data / GENE_SUMMARY])
    lines = (shared_data / GENE_SUMMARY).read_text().splitlines()[:6]
    lines[4] = lines[4].replace("\t0", "\tmany", 1)
    broken = write(tmp_path / "gene_specific_summary.txt", lines)

    run = annotation_run_execute(provider="clinvar", files=[broken])

    assert run.status == RunStatus.FAILED
    assert "line 5" in run.error
    assert ClinVarSummary.objects.get(gene__symbol="PKD1").pathogenic_or_likely == 774
