"""GTEx median TPM per tissue (GCT 1.2: `#1.2`, `<genes>\\t<tissues>`, `Name\\tDescription\\t...`).

Genes are matched by unversioned Ensembl id, then by the Description symbol.
"""

from __future__ import annotations

import math

from annotations.config import annotation_setting
from annotations.loaders.base import (
    AnnotationFormatError,
    AnnotationLoader,
    InputSpec,
    LoadStats,
    ResolvedInputs,
    iter_lines,
    parse_float,
    version_from_label,
)
from annotations.models import GeneExpression, Provider


def sniff_gct(head: str) -> bool:
    lines = head.split("\n", 3)
    return len(lines) >= 3 and lines[0].strip() == "#1.2" and lines[2].startswith("Name\t")


def tissue_specificity(values: list[float]) -> float | None:
    """Yanai's tau over log2(TPM + 1): 0 for ubiquitous, 1 for one-tissue genes."""
    logged = [math.log2(value + 1) for value in values]
    peak = max(logged, default=0.0)
    if peak <= 0 or len(logged) < 2:
        return None
    return sum(1 - value / peak for value in logged) / (len(logged) - 1)


def kidney_enrichment(kidney: list[float], others: list[float]) -> float | None:
    """Higher kidney TPM over the mean TPM of all non-kidney tissues."""
    if not kidney or not others:
        return None
    mean_other = sum(others) / len(others)
    return max(kidney) / mean_other if mean_other > 0 else None


class GtexLoader(AnnotationLoader):
    provider = Provider.GTEX
    inputs = (
        InputSpec(
            "median_tpm",
            "gtex_url",
            sniff_gct,
            "a GTEx gene median TPM GCT file (#1.2, counts line, Name\\tDescription\\t...)",
        ),
    )

    def load(self, files: ResolvedInputs, *, run, matcher, progress=None) -> LoadStats:
        path = files.paths["median_tpm"]
        stats = LoadStats(source_version=version_from_label(files.labels["median_tpm"]))
        tissues: list[str] = []
        kidney_positions: dict[str, int] = {}
        records: dict[int, GeneExpression] = {}
        for number, line in iter_lines(path, progress):
            if number <= 2:
                self._check_preamble(number, line, path)
                continue
            fields = line.split("\t")
            if number == 3:
                tissues = self._tissues(fields, path)
                kidney_positions = self._kidney_positions(tissues, path)
                continue
            if not line:
                continue
            stats.rows_read += 1
            if len(fields) != len(tissues) + 2:
                raise AnnotationFormatError(
                    f"expected {len(tissues) + 2} fields, found {len(fields)}",
                    path=path,
                    line=number,
                )
            gene_id = matcher.by_ensembl(fields[0]) or matcher.by_symbol(fields[1])
            if gene_id is None:
                stats.rows_unmatched += 1
                continue
            if gene_id in records:
                continue
            values = [
                parse_float(value, path=path, line=number, column=tissue) or 0.0
                for tissue, value in zip(tissues, fields[2:], strict=True)
            ]
            records[gene_id] = self._record(gene_id, tissues, values, kidney_positions, run)
        if not tissues:
            raise AnnotationFormatError("file ends before the header line", path=path)
        GeneExpression.objects.all().delete()
        for record in records.values():
            record.source_version = stats.source_version
        GeneExpression.objects.bulk_create(records.values(), batch_size=1000)
        stats.genes_matched = stats.records_written = len(records)
        return stats

    @staticmethod
    def _check_preamble(number: int, line: str, path) -> None:
        if number == 1 and line.strip() != "#1.2":
            raise AnnotationFormatError(f"expected '#1.2', found {line[:40]!r}", path=path, line=1)
        if number == 2 and not all(part.isdigit() for part in line.split("\t")):
            raise AnnotationFormatError(
                f"expected '<genes>\\t<tissues>', found {line[:40]!r}", path=path, line=2
            )

    @staticmethod
    def _tissues(fields: list[str], path) -> list[str]:
        if fields[:2] != ["Name", "Description"] or len(fields) < 3:
            raise AnnotationFormatError(
                f"header must start Name, Description, <tissues>; found {fields[:3]}",
                path=path,
                line=3,
            )
        return fields[2:]

    @staticmethod
    def _kidney_positions(tissues: list[str], path) -> dict[str, int]:
        """Column positions of the kidney tissues; the cortex must be there."""
        names = annotation_setting("gtex_kidney_tissues")
        positions = {key: tissues.index(name) for key, name in names.items() if name in tissues}
        if "cortex" not in positions:
            raise AnnotationFormatError(
                f"no {names['cortex']!r} column in the header", path=path, line=3
            )
        return positions

    @staticmethod
    def _record(gene_id, tissues, values, kidney_positions, run) -> GeneExpression:
        kidney = [values[position] for position in kidney_positions.values()]
        kidney_set = set(kidney_positions.values())
        others = [value for position, value in enumerate(values) if position not in kidney_set]
        medulla = kidney_positions.get("medulla")
        return GeneExpression(
            gene_id=gene_id,
            kidney_cortex_tpm=values[kidney_positions["cortex"]],
            kidney_medulla_tpm=values[medulla] if medulla is not None else None,
            tissues=dict(zip(tissues, values, strict=True)),
            tau=tissue_specificity(values),
            kidney_enrichment=kidney_enrichment(kidney, others),
            run=run,
        )
