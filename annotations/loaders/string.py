"""STRING v12 interactions between genes, and the PPI score derived from them.

`protein.info` maps `9606.ENSP...` to a preferred name, matched to an HGNC symbol (current,
then a unique previous symbol). `protein.links` (space-separated, both directions listed) is
streamed; pairs below the minimum combined score are skipped as they are read.

Interactions are stored only between genes that have an evidence score (`genes.GeneScore`),
since the PPI score and the network are about scored kidney genes. Before any gene is scored,
interactions between all matched genes are stored instead, so the network works on a fresh
install; rerun `annotate string` after scoring to narrow them.
"""

from __future__ import annotations

from annotations.config import annotation_setting
from annotations.loaders.base import (
    AnnotationFormatError,
    AnnotationLoader,
    InputSpec,
    LoadStats,
    ResolvedInputs,
    insert_rows,
    iter_lines,
    version_from_label,
)
from annotations.models import GeneInteraction, Provider
from annotations.ppi import ppi_scores_write
from genes.models import GeneScore

INFO_HEADER = ["#string_protein_id", "preferred_name", "protein_size", "annotation"]
LINKS_HEADER = ["protein1", "protein2", "combined_score"]


def sniff_info(head: str) -> bool:
    return head.split("\n", 1)[0].rstrip("\r").split("\t") == INFO_HEADER


def sniff_links(head: str) -> bool:
    return head.split("\n", 1)[0].rstrip("\r").split(" ") == LINKS_HEADER


class StringLoader(AnnotationLoader):
    provider = Provider.STRING
    inputs = (
        InputSpec(
            "links",
            "string_links_url",
            sniff_links,
            "STRING protein.links (header 'protein1 protein2 combined_score')",
        ),
        InputSpec(
            "info",
            "string_info_url",
            sniff_info,
            "STRING protein.info (header #string_protein_id, preferred_name, ...)",
        ),
    )

    def load(self, files: ResolvedInputs, *, run, matcher, progress=None) -> LoadStats:
        stats = LoadStats(source_version=version_from_label(files.labels["links"]))
        proteins = self._proteins(files.paths["info"], matcher)
        allowed = set(GeneScore.objects.values_list("gene_id", flat=True))
        if allowed:
            proteins = {protein: gene for protein, gene in proteins.items() if gene in allowed}
        pairs = self._pairs(files.paths["links"], proteins, stats, progress)
        GeneInteraction.objects.all().delete()
        insert_rows(
            GeneInteraction,
            ["gene_a", "gene_b", "combined_score"],
            ((gene_a, gene_b, score) for (gene_a, gene_b), score in pairs.items()),
        )
        stats.records_written = len(pairs)
        stats.genes_matched = ppi_scores_write(source_version=stats.source_version)
        return stats

    @staticmethod
    def _proteins(path, matcher) -> dict[str, int]:
        proteins: dict[str, int] = {}
        for number, line in iter_lines(path):
            fields = line.split("\t")
            if number == 1:
                if fields != INFO_HEADER:
                    raise AnnotationFormatError(
                        f"expected header {INFO_HEADER}, found {fields[:4]}", path=path, line=1
                    )
                continue
            if not line:
                continue
            if len(fields) < 2:
                raise AnnotationFormatError("expected tab-separated fields", path=path, line=number)
            gene_id = matcher.by_symbol(fields[1])
            if gene_id is not None:
                proteins[fields[0]] = gene_id
        return proteins

    @staticmethod
    def _pairs(path, proteins: dict[str, int], stats, progress) -> dict[tuple[int, int], int]:
        minimum = annotation_setting("string_min_score")
        pairs: dict[tuple[int, int], int] = {}
        lookup, read, unmatched = proteins.get, 0, 0
        for number, line in iter_lines(path, progress):
            if number == 1:
                if line.split(" ") != LINKS_HEADER:
                    raise AnnotationFormatError(
                        f"expected header {' '.join(LINKS_HEADER)!r}, found {line[:60]!r}",
                        path=path,
                        line=1,
                    )
                continue
            fields = line.split(" ")
            if len(fields) != 3:
                if not line:
                    continue
                raise AnnotationFormatError(
                    f"expected 3 space-separated fields, found {len(fields)}",
                    path=path,
                    line=number,
                )
            read += 1
            try:
                score = int(fields[2])
            except ValueError:
                raise AnnotationFormatError(
                    f"combined_score {fields[2]!r} is not an integer", path=path, line=number
                ) from None
            if score < minimum:
                continue
            gene_a, gene_b = lookup(fields[0]), lookup(fields[1])
            if gene_a is None or gene_b is None:
                unmatched += 1
                continue
            if gene_a == gene_b:
                continue
            key = (gene_a, gene_b) if gene_a < gene_b else (gene_b, gene_a)
            if pairs.get(key, -1) < score:
                pairs[key] = score
        stats.rows_read, stats.rows_unmatched = read, unmatched
        return pairs
