"""Fixtures for the annotations tests: a handful of real kidney genes (HGNC identifiers) and
helpers that write small files in the real formats."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.utils import timezone

from genes.models import Gene, GeneScore, GeneSymbol, SymbolKind, Tier

# (HGNC id, symbol, NCBI gene id, Ensembl gene id) as published by HGNC.
KIDNEY_GENES = [
    (9008, "PKD1", 5310, "ENSG00000008710"),
    (9009, "PKD2", 5311, "ENSG00000118762"),
    (7908, "NPHS1", 4868, "ENSG00000161270"),
    (13394, "NPHS2", 7827, "ENSG00000116218"),
    (12338, "TRPC6", 7225, "ENSG00000137672"),
    (166, "ACTN4", 81, "ENSG00000130402"),
    (5394, "CFI", 3426, "ENSG00000205403"),
    (4883, "CFH", 3075, "ENSG00000000971"),
    (2204, "COL4A3", 1285, "ENSG00000169031"),
    (2206, "COL4A4", 1286, "ENSG00000081052"),
    (2207, "COL4A5", 1287, "ENSG00000188153"),
    (12559, "UMOD", 7369, "ENSG00000169344"),
    (11630, "HNF1B", 6928, "ENSG00000275410"),
    (8616, "PAX2", 5076, "ENSG00000075891"),
    (12796, "WT1", 7490, "ENSG00000184937"),
    (25662, "AAGAB", 79719, "ENSG00000103591"),
    (4141, "GAPDH", 2597, "ENSG00000111640"),
    (8108, "OCRL", 4952, "ENSG00000122126"),
    (6487, "LAMB2", 3913, "ENSG00000172037"),
]
GTEX_TISSUES = ["Adipose - Subcutaneous", "Kidney - Cortex", "Kidney - Medulla", "Liver"]


@pytest.fixture
def kidney_genes(db) -> dict[str, Gene]:
    genes = Gene.objects.bulk_create(
        Gene(hgnc_id=hgnc_id, symbol=symbol, entrez_id=entrez, ensembl_gene_id=ensembl)
        for hgnc_id, symbol, entrez, ensembl in KIDNEY_GENES
    )
    GeneSymbol.objects.create(
        gene_id=9008, symbol="PBP", symbol_upper="PBP", kind=SymbolKind.PREVIOUS
    )
    return {gene.symbol: gene for gene in genes}


def make_scores(scores: dict[str, float], genes: dict[str, Gene]) -> None:
    """GeneScore rows with the given evidence scores (other fields minimal)."""
    GeneScore.objects.bulk_create(
        GeneScore(
            gene=genes[symbol],
            evidence_count=1,
            list_count=1,
            source_count_percentile=50.0,
            high_evidence=score > 50,
            score=score,
            source_count=1,
            tier=Tier.ESTABLISHED_SUPPORT if score > 50 else Tier.MINIMAL_EVIDENCE,
            sources_with_data=7,
            computed_at=timezone.now(),
        )
        for symbol, score in scores.items()
    )


def write(path: Path, lines: list[str], *, compress: bool = False) -> Path:
    text = "\n".join(lines) + "\n"
    if compress:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text)
    return path


def gtex_lines(rows: list[tuple[str, str, list[float]]]) -> list[str]:
    """A GCT 1.2 file with the real three-line preamble (values are synthetic)."""
    lines = [
        "#1.2",
        f"{len(rows)}\t{len(GTEX_TISSUES)}",
        "\t".join(["Name", "Description", *GTEX_TISSUES]),
    ]
    for name, symbol, values in rows:
        lines.append("\t".join([name, symbol, *map(str, values)]))
    return lines


@pytest.fixture
def string_files(tmp_path) -> list[Path]:
    """SYNTHETIC STRING v12 protein.info and protein.links with the real headers."""
    info = write(
        tmp_path / "protein.info.txt",
        [
            "#string_protein_id\tpreferred_name\tprotein_size\tannotation",
            "9606.ENSP01\tNPHS1\t1241\tsynthetic",
            "9606.ENSP02\tNPHS2\t383\tsynthetic",
            "9606.ENSP03\tTRPC6\t931\tsynthetic",
            "9606.ENSP04\tPBP\t4303\tsynthetic (previous symbol of PKD1)",
            "9606.ENSP05\tPKD2\t968\tsynthetic",
            "9606.ENSP06\tGAPDH\t335\tsynthetic",
            "9606.ENSP99\tNOTAGENE\t100\tsynthetic",
        ],
    )
    links = write(
        tmp_path / "protein.links.txt.gz",
        [
            "protein1 protein2 combined_score",
            "9606.ENSP01 9606.ENSP02 999",
            "9606.ENSP02 9606.ENSP01 999",
            "9606.ENSP01 9606.ENSP03 800",
            "9606.ENSP03 9606.ENSP01 800",
            "9606.ENSP02 9606.ENSP03 500",
            "9606.ENSP04 9606.ENSP05 990",
            "9606.ENSP05 9606.ENSP04 990",
            "9606.ENSP05 9606.ENSP06 450",
            "9606.ENSP02 9606.ENSP06 300",
            "9606.ENSP01 9606.ENSP99 900",
        ],
        compress=True,
    )
    return [links, info]
