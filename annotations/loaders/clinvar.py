"""ClinVar per-gene variant counts.

`gene_specific_summary.txt` is small and always read. `variant_summary.txt.gz` (hundreds of MB)
is streamed when given; then every class is counted from it on one assembly, and genes are
matched by its HGNC_ID column first.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime

from annotations.config import annotation_setting
from annotations.loaders.base import (
    AnnotationFormatError,
    AnnotationLoader,
    InputSpec,
    LoadStats,
    ResolvedInputs,
    header_index,
    iter_lines,
)
from annotations.models import ClinVarSummary, Provider

GENE_SUMMARY_REQUIRED = [
    "Symbol",
    "GeneID",
    "Total_alleles",
    "Alleles_reported_Pathogenic_Likely_pathogenic",
    "Number_uncertain",
    "Number_with_conflicts",
]
VARIANT_REQUIRED = ["GeneID", "GeneSymbol", "HGNC_ID", "ClinicalSignificance", "Assembly"]
# First term of ClinicalSignificance → counter name; "conflicting..." is matched by prefix.
SIGNIFICANCE = {
    "pathogenic": "pathogenic",
    "likely pathogenic": "likely_pathogenic",
    "pathogenic/likely pathogenic": "pathogenic_likely",
    "uncertain significance": "uncertain",
    "likely benign": "likely_benign",
    "benign": "benign",
    "benign/likely benign": "benign",
}


def sniff_gene_summary(head: str) -> bool:
    return "#Symbol\tGeneID\tTotal_submissions" in head


def sniff_variant_summary(head: str) -> bool:
    return head.startswith("#AlleleID\tType\tName\tGeneID")


def count(value: str) -> int:
    return 0 if value in ("-", "") else int(value)


class ClinVarLoader(AnnotationLoader):
    provider = Provider.CLINVAR
    inputs = (
        InputSpec(
            "gene_summary",
            "clinvar_gene_summary_url",
            sniff_gene_summary,
            "ClinVar gene_specific_summary.txt (header #Symbol, GeneID, Total_submissions, ...)",
            required=False,
        ),
        InputSpec(
            "variant_summary",
            "clinvar_variant_summary_url",
            sniff_variant_summary,
            "ClinVar variant_summary.txt(.gz) (header #AlleleID, Type, Name, GeneID, ...)",
            required=False,
            fetch_live=False,
        ),
    )

    def load(self, files: ResolvedInputs, *, run, matcher, progress=None) -> LoadStats:
        stats = LoadStats()
        if "variant_summary" in files.paths:
            counts = self._variant_counts(files, matcher, stats, progress)
            counted_from = "variant_summary"
        else:
            counts = self._gene_summary_counts(files, matcher, stats, progress)
            counted_from = "gene_specific_summary"
        ClinVarSummary.objects.all().delete()
        objects = [
            ClinVarSummary(
                gene_id=gene_id,
                counted_from=counted_from,
                source_version=stats.source_version,
                run=run,
                **values,
            )
            for gene_id, values in counts.items()
        ]
        ClinVarSummary.objects.bulk_create(objects, batch_size=2000)
        stats.genes_matched = stats.records_written = len(objects)
        return stats

    def _gene_summary_counts(self, files, matcher, stats, progress) -> dict[int, dict]:
        path = files.paths.get("gene_summary")
        if path is None:
            raise AnnotationFormatError(
                "clinvar needs gene_specific_summary.txt or variant_summary.txt(.gz)"
            )
        counts: dict[int, dict] = {}
        index: dict[str, int] = {}
        for number, line in iter_lines(path, progress):
            if line.startswith("#Overview"):
                stats.source_version = self._overview_date(line)
                continue
            fields = line.split("\t")
            if not index:
                columns = [fields[0].lstrip("#"), *fields[1:]]
                index = header_index(columns, GENE_SUMMARY_REQUIRED, path=path, line=number)
                continue
            if not line:
                continue
            stats.rows_read += 1
            if len(fields) < len(index):
                raise AnnotationFormatError(
                    f"expected {len(index)} fields, found {len(fields)}", path=path, line=number
                )
            try:
                values = {
                    "pathogenic_or_likely": count(
                        fields[index["Alleles_reported_Pathogenic_Likely_pathogenic"]]
                    ),
                    "uncertain": count(fields[index["Number_uncertain"]]),
                    "conflicting": count(fields[index["Number_with_conflicts"]]),
                    "total": count(fields[index["Total_alleles"]]),
                }
            except ValueError as error:
                raise AnnotationFormatError(
                    f"bad count ({error})", path=path, line=number
                ) from None
            gene_id = matcher.by_entrez(fields[index["GeneID"]]) or matcher.by_symbol(
                fields[index["Symbol"]]
            )
            if gene_id is None:
                stats.rows_unmatched += 1
                continue
            counts.setdefault(gene_id, values)
        if not index:
            raise AnnotationFormatError("no header line found", path=path)
        return counts

    def _variant_counts(self, files, matcher, stats, progress) -> dict[int, dict]:
        path = files.paths["variant_summary"]
        assembly = annotation_setting("clinvar_assembly")
        tallies: dict[int, Counter] = defaultdict(Counter)
        index: dict[str, int] = {}
        for number, line in iter_lines(path, progress):
            fields = line.split("\t")
            if number == 1:
                columns = [fields[0].lstrip("#"), *fields[1:]]
                index = header_index(columns, VARIANT_REQUIRED, path=path, line=1)
                continue
            if not line:
                continue
            if len(fields) < len(index):
                raise AnnotationFormatError(
                    f"expected {len(index)} fields, found {len(fields)}", path=path, line=number
                )
            if fields[index["Assembly"]] != assembly:
                continue
            stats.rows_read += 1
            gene_id = self._variant_gene(fields, index, matcher)
            if gene_id is None:
                stats.rows_unmatched += 1
                continue
            tally = tallies[gene_id]
            tally["total"] += 1
            significance = re.split(r"[;,]", fields[index["ClinicalSignificance"]])[0]
            significance = significance.strip().lower()
            if significance.startswith("conflicting"):
                tally["conflicting"] += 1
            elif significance in SIGNIFICANCE:
                tally[SIGNIFICANCE[significance]] += 1
        if "gene_summary" in files.paths:
            stats.source_version = self._gene_summary_version(files.paths["gene_summary"])
        return {gene_id: self._variant_values(tally) for gene_id, tally in tallies.items()}

    @staticmethod
    def _variant_gene(fields: list[str], index: dict[str, int], matcher) -> int | None:
        hgnc = fields[index["HGNC_ID"]]
        if hgnc.startswith("HGNC:") and hgnc[5:].isdigit() and int(hgnc[5:]) in matcher.known_ids:
            return int(hgnc[5:])
        return matcher.by_entrez(fields[index["GeneID"]]) or matcher.by_symbol(
            fields[index["GeneSymbol"]].split(";")[0]
        )

    @staticmethod
    def _variant_values(tally: Counter) -> dict:
        return {
            "pathogenic": tally["pathogenic"],
            "likely_pathogenic": tally["likely_pathogenic"],
            "pathogenic_or_likely": (
                tally["pathogenic"] + tally["likely_pathogenic"] + tally["pathogenic_likely"]
            ),
            "uncertain": tally["uncertain"],
            "likely_benign": tally["likely_benign"],
            "benign": tally["benign"],
            "conflicting": tally["conflicting"],
            "total": tally["total"],
        }

    @classmethod
    def _gene_summary_version(cls, path) -> str:
        for _number, line in iter_lines(path):
            return cls._overview_date(line) if line.startswith("#Overview") else ""
        return ""

    @staticmethod
    def _overview_date(line: str) -> str:
        found = re.search(r"dated (.+)$", line)
        if not found:
            return ""
        try:
            return datetime.strptime(found.group(1).strip(), "%B %d, %Y").date().isoformat()
        except ValueError:
            return found.group(1).strip()
