"""gnomAD constraint metrics (v4.1 55-column and v4.1.1 113-column layouts).

One row per transcript (Ensembl and RefSeq). Per gene we keep the canonical transcript,
preferring the Ensembl (ENST) row and then the MANE Select one; LOEUF is `lof.oe_ci.upper`.
"""

from __future__ import annotations

from annotations.loaders.base import (
    AnnotationFormatError,
    AnnotationLoader,
    InputSpec,
    LoadStats,
    ResolvedInputs,
    header_index,
    insert_rows,
    iter_lines,
    parse_float,
    version_from_label,
)
from annotations.models import GeneConstraint, Provider

# Model field → gnomAD column; the same names in v4.1 and v4.1.1.
COLUMNS = {
    "pli": "lof.pLI",
    "loeuf": "lof.oe_ci.upper",
    "lof_oe": "lof.oe",
    "lof_oe_ci_lower": "lof.oe_ci.lower",
    "lof_obs": "lof.obs",
    "lof_exp": "lof.exp",
    "lof_z": "lof.z_score",
    "mis_oe": "mis.oe",
    "mis_obs": "mis.obs",
    "mis_exp": "mis.exp",
    "mis_z": "mis.z_score",
    "syn_oe": "syn.oe",
    "syn_obs": "syn.obs",
    "syn_exp": "syn.exp",
    "syn_z": "syn.z_score",
}
REQUIRED = ["gene", "gene_id", "transcript", "canonical", *COLUMNS.values()]


def sniff_constraint(head: str) -> bool:
    first = head.split("\n", 1)[0].split("\t")
    return first[:3] == ["gene", "gene_id", "transcript"] and "lof.oe_ci.upper" in first


class GnomadLoader(AnnotationLoader):
    provider = Provider.GNOMAD
    inputs = (
        InputSpec(
            "constraint",
            "gnomad_url",
            sniff_constraint,
            "a gnomAD constraint_metrics.tsv (header gene, gene_id, transcript, ...)",
        ),
    )

    def load(self, files: ResolvedInputs, *, run, matcher, progress=None) -> LoadStats:
        path = files.paths["constraint"]
        stats = LoadStats()
        best: dict[int, tuple[tuple[bool, bool], dict]] = {}
        index: dict[str, int] = {}
        v411 = False
        for number, line in iter_lines(path, progress):
            if number == 1:
                index = header_index(line.split("\t"), REQUIRED, path=path, line=1)
                v411 = "transcript_version" in index
                canonical_at = index["canonical"]
                continue
            if not line:
                continue
            stats.rows_read += 1
            # Most rows are not canonical: check the field count and the canonical flag
            # without splitting the whole row.
            if line.count("\t") != len(index) - 1:
                raise AnnotationFormatError(
                    f"expected {len(index)} tab-separated fields, found {line.count(chr(9)) + 1}",
                    path=path,
                    line=number,
                )
            if line.split("\t", canonical_at + 1)[canonical_at] != "true":
                continue
            fields = line.split("\t")
            gene_id = self._match(fields, index, matcher)
            if gene_id is None:
                stats.rows_unmatched += 1
                continue
            transcript = fields[index["transcript"]]
            mane = index.get("mane_select") is not None and fields[index["mane_select"]] == "true"
            rank = (transcript.startswith("ENST"), mane)
            if gene_id in best and best[gene_id][0] >= rank:
                continue
            values = {
                field: parse_float(fields[index[column]], path=path, line=number, column=column)
                for field, column in COLUMNS.items()
            }
            values.update(transcript=transcript, mane_select=mane)
            best[gene_id] = (rank, values)
        if not index:
            raise AnnotationFormatError("file is empty", path=path)
        version = version_from_label(files.labels["constraint"]) or ("v4.1.1" if v411 else "v4.1")
        stats.source_version = version
        stats.genes_matched = len(best)
        stats.records_written = self._write(best, run=run, version=version)
        return stats

    @staticmethod
    def _match(fields: list[str], index: dict[str, int], matcher) -> int | None:
        gene_id = fields[index["gene_id"]]
        if gene_id.startswith("ENSG"):
            found = matcher.by_ensembl(gene_id)
        else:
            found = matcher.by_entrez(gene_id)
        return found or matcher.by_symbol(fields[index["gene"]])

    @staticmethod
    def _write(best: dict, *, run, version: str) -> int:
        GeneConstraint.objects.all().delete()
        fields = ["gene", "transcript", "mane_select", *COLUMNS, "source_version", "run"]
        rows = (
            (
                gene_id,
                values["transcript"],
                values["mane_select"],
                *(values[field] for field in COLUMNS),
                version,
                run.pk,
            )
            for gene_id, (_rank, values) in best.items()
        )
        return insert_rows(GeneConstraint, fields, rows)
