"""Annotation configuration: download URLs, HPO branch roots and thresholds, defined once.

`settings.ANNOTATION_OVERRIDES` (a dict) may replace any key, e.g. a mirror URL.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "gnomad_url": (
        "https://storage.googleapis.com/gcp-public-data--gnomad/release/4.1/constraint/"
        "gnomad.v4.1.constraint_metrics.tsv"
    ),
    "clinvar_gene_summary_url": (
        "https://ftp.ncbi.nlm.nih.gov/pub/clinvar/tab_delimited/gene_specific_summary.txt"
    ),
    "clinvar_variant_summary_url": (
        "https://ftp.ncbi.nlm.nih.gov/pub/clinvar/tab_delimited/variant_summary.txt.gz"
    ),
    "gtex_url": (
        "https://storage.googleapis.com/adult-gtex/bulk-gex/v8/rna-seq/"
        "GTEx_Analysis_2017-06-05_v8_RNASeQCv1.1.9_gene_median_tpm.gct.gz"
    ),
    "hpo_obo_url": "http://purl.obolibrary.org/obo/hp.obo",
    "hpo_genes_to_phenotype_url": ("http://purl.obolibrary.org/obo/hp/hpoa/genes_to_phenotype.txt"),
    "string_links_url": (
        "https://stringdb-downloads.org/download/protein.links.v12.0/"
        "9606.protein.links.v12.0.txt.gz"
    ),
    "string_info_url": (
        "https://stringdb-downloads.org/download/protein.info.v12.0/9606.protein.info.v12.0.txt.gz"
    ),
    # ClinVar variant_summary lists each variant per assembly; count one assembly only.
    "clinvar_assembly": "GRCh38",
    # HPO: the kidney subset is everything under "Abnormality of the upper urinary tract".
    "kidney_hpo_root": "HP:0010935",
    "urinary_hpo_root": "HP:0000079",
    # A gene is syndromic when at least `syndromic_min_terms` of its phenotypes, and at least
    # `syndromic_min_fraction` of them, lie in these branches outside the urinary system. With
    # HPO 2025-01 this separates e.g. SALL1, EYA1, LMX1B, BBS1, CEP290 (≥ 39 %) from PKD1,
    # PKD2, UMOD, NPHS1, NPHS2, COL4A5 (≤ 21 %); a count alone cannot, as every well-annotated
    # gene has a few neurological terms.
    "syndromic_branches": {
        "HP:0001507": "growth",
        "HP:0000924": "skeletal",
        "HP:0000707": "nervous system",
        "HP:0000152": "head or neck",
    },
    "syndromic_min_terms": 3,
    "syndromic_min_fraction": 0.3,
    # STRING combined score (0-1000, 400 = medium confidence) below which links are not loaded;
    # so it is also the default minimum of the network page, API and MCP tool.
    "string_min_score": 400,
    "string_neighbour_count": 10,
    "network_default_top": 100,
    "network_max_genes": 500,
    "network_seed": 42,
    "gtex_kidney_tissues": {"cortex": "Kidney - Cortex", "medulla": "Kidney - Medulla"},
}


def annotation_setting(key: str) -> Any:
    """One configuration value, honouring `settings.ANNOTATION_OVERRIDES`."""
    overrides = settings.ANNOTATION_OVERRIDES or {}
    return overrides.get(key, DEFAULTS[key])


def string_min_score() -> int:
    """The lowest STRING combined score loaded, the default threshold of every network view."""
    return int(annotation_setting("string_min_score"))
