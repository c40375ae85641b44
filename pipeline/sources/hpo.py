"""HPO: genes annotated with an abnormality of the upper urinary tract or anything below it.

Reads the ontology (`hp.obo`) and `genes_to_phenotype.txt` (2023+ header or the pre-2023
`#Format:` line, detected from the first line). A gene is kidney-related when one of its
annotations is the configured root term (HP:0010935) or a descendant through is_a; alt_ids map
to their term, obsolete terms count only through their replacement. Genes are keyed by NCBI
gene id; each gene's kidney terms and the diseases (OMIM/ORPHA) annotated with them are kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from common.fetching import FetchError
from common.obo import OboFormatError, Ontology, parse_obo
from pipeline.sources.base import (
    EvidenceSource,
    EvidenceSummary,
    ParsedSource,
    SourceFormatError,
    SourceRecord,
)
from pipeline.sources.registry import register
from pipeline.sources.tabular import decode_text

ONTOLOGY_FILE = "hp.obo"
ANNOTATIONS_FILE = "genes_to_phenotype.txt"
# Column names of both layouts → our field names.
CURRENT_COLUMNS = {
    "ncbi_gene_id": "ncbi_id",
    "gene_symbol": "symbol",
    "hpo_id": "term",
    "disease_id": "disease",
}
LEGACY_COLUMNS = {
    "entrez-gene-id": "ncbi_id",
    "entrez-gene-symbol": "symbol",
    "hpo-term-id": "term",
    "disease-id": "disease",
}
REQUIRED_FIELDS = ("ncbi_id", "symbol", "term")


@dataclass
class _Gene:
    symbol: str
    terms: dict[str, str] = field(default_factory=dict)
    diseases: set[str] = field(default_factory=set)


def annotation_columns(first_line: str, name: str) -> tuple[dict[str, int], str]:
    """Field → column position, and the layout name, from the first line of the file."""
    if first_line.lower().startswith("#format:"):
        cells = first_line.split(":", 1)[1].replace("<tab>", "\t").split("\t")
        mapping, layout = LEGACY_COLUMNS, "pre-2023"
    else:
        cells = first_line.split("\t")
        mapping, layout = CURRENT_COLUMNS, "2023+"
    index: dict[str, int] = {}
    for position, cell in enumerate(cells):
        key = cell.strip().lower()
        for column, field_name in mapping.items():
            if key == column or (column == "disease-id" and key.startswith(column)):
                index.setdefault(field_name, position)
    missing = [field_name for field_name in REQUIRED_FIELDS if field_name not in index]
    if missing:
        raise SourceFormatError(
            f"{name}: line 1: not a genes_to_phenotype header (missing {', '.join(missing)}); "
            f"found {first_line[:120]!r}"
        )
    return index, layout


@register
class HPOSource(EvidenceSource):
    key = "hpo"
    label = "HPO"
    description = (
        "Genes annotated with the Human Phenotype Ontology term Abnormality of the kidney "
        "(HP:0010935) or any of its descendants, with the terms and diseases."
    )
    order = 40
    refresh = "monthly"
    default_config: ClassVar[dict[str, Any]] = {
        "obo_url": "http://purl.obolibrary.org/obo/hp.obo",
        "genes_to_phenotype_url": "http://purl.obolibrary.org/obo/hp/hpoa/genes_to_phenotype.txt",
        "root_term": "HP:0010935",
        "rate_limits": {"purl.obolibrary.org": 2.0},
    }

    def fetch(self) -> ParsedSource:
        fetcher = self.require_fetcher()
        urls = (self.config["obo_url"], self.config["genes_to_phenotype_url"])
        try:
            ontology_bytes, annotation_bytes = (fetcher.get_bytes(url) for url in urls)
        except FetchError as error:
            raise SourceFormatError(str(error)) from error
        return self.parse_pair(ontology_bytes, urls[0], annotation_bytes, urls[1])

    def parse_file(self, path: Path) -> ParsedSource:
        """`path` is a directory holding hp.obo and genes_to_phenotype.txt (or one *.obo and
        one genes_to_phenotype*.txt)."""
        path = Path(path)
        if not path.is_dir():
            raise SourceFormatError(
                f"{path}: HPO needs both {ONTOLOGY_FILE} and {ANNOTATIONS_FILE}; "
                "pass the directory that holds them"
            )
        ontology = _one_file(path, ONTOLOGY_FILE, "*.obo")
        annotations = _one_file(path, ANNOTATIONS_FILE, "genes_to_phenotype*.txt")
        return self.parse_pair(
            ontology.read_bytes(), str(ontology), annotations.read_bytes(), str(annotations)
        )

    def parse_pair(
        self,
        ontology_bytes: bytes,
        ontology_name: str,
        annotation_bytes: bytes,
        annotation_name: str,
    ) -> ParsedSource:
        self.progress(phase="parse", message=f"reading ontology {ontology_name}")
        try:
            ontology = parse_obo(decode_text(ontology_bytes, ontology_name), ontology_name)
            kidney_terms = ontology.descendants(self.config["root_term"])
        except OboFormatError as error:
            raise SourceFormatError(str(error)) from error
        self.progress(phase="parse", message=f"reading annotations {annotation_name}")
        genes, rows, layout = self._kidney_genes(
            decode_text(annotation_bytes, annotation_name), annotation_name, ontology, kidney_terms
        )
        records = [
            SourceRecord(
                symbol=gene.symbol,
                ncbi_id=ncbi_id,
                data={
                    "ncbi_gene_id": ncbi_id,
                    "terms": [{"id": t, "name": n} for t, n in sorted(gene.terms.items())],
                    "diseases": sorted(gene.diseases),
                },
            )
            for ncbi_id, gene in sorted(genes.items(), key=lambda item: int(item[0]))
        ]
        version = ontology.version.removeprefix("hp/releases/")
        log = [
            f"ontology {version or '(no data-version)'}: {len(ontology.terms)} terms, "
            f"{len(kidney_terms)} under {self.config['root_term']}",
            f"annotations ({layout} layout): {rows} rows, {len(records)} kidney-annotated genes",
        ]
        return ParsedSource(records=records, version=version, log=log)

    @staticmethod
    def _kidney_genes(
        text: str, name: str, ontology: Ontology, kidney_terms: set[str]
    ) -> tuple[dict[str, _Gene], int, str]:
        lines = text.splitlines()
        if not lines or not lines[0].strip():
            raise SourceFormatError(f"{name}: the file is empty")
        index, layout = annotation_columns(lines[0], name)
        width = max(index.values()) + 1
        disease_at = index.get("disease")
        kidney_of: dict[str, str | None] = {}
        genes: dict[str, _Gene] = {}
        rows = 0
        for number, line in enumerate(lines[1:], start=2):
            if not line or line.startswith("#"):
                continue
            cells = line.split("\t")
            if len(cells) < width:
                raise SourceFormatError(
                    f"{name}: line {number}: expected at least {width} tab-separated fields, "
                    f"found {len(cells)} (truncated file?)"
                )
            rows += 1
            term = cells[index["term"]].strip()
            if term not in kidney_of:
                resolved = ontology.resolve(term)
                kidney_of[term] = resolved if resolved in kidney_terms else None
            current = kidney_of[term]
            if current is None:
                continue
            ncbi_id = cells[index["ncbi_id"]].strip()
            if not ncbi_id.isdigit():
                shown = ncbi_id if len(ncbi_id) <= 40 else f"{ncbi_id[:40]}… ({len(ncbi_id)} chars)"
                raise SourceFormatError(f"{name}: line {number}: NCBI gene id {shown!r}")
            gene = genes.setdefault(ncbi_id, _Gene(symbol=cells[index["symbol"]].strip()))
            gene.terms[current] = ontology.terms[current].name
            if disease_at is not None and cells[disease_at].strip() not in ("", "-"):
                gene.diseases.add(cells[disease_at].strip())
        if rows == 0:
            raise SourceFormatError(f"{name}: header but no annotation rows")
        return genes, rows, layout

    @classmethod
    def records_from_details(cls, details: dict[str, Any]) -> list[dict[str, Any]]:
        """One record equivalent to the stored union, so no second copy is stored."""
        if not details.get("terms"):
            return []
        ids = details.get("ncbi_gene_ids") or [None]
        return [
            {"terms": details["terms"], "diseases": details.get("diseases", []), "ncbi_gene_id": i}
            for i in ids
        ]

    @classmethod
    def summarise(cls, records: list[dict[str, Any]]) -> EvidenceSummary:
        """Kidney terms and kidney-annotated diseases of the gene (union over its records)."""
        terms: dict[str, str] = {}
        diseases: set[str] = set()
        ncbi_ids: set[str] = set()
        for record in records:
            terms.update({term["id"]: term.get("name", "") for term in record.get("terms", [])})
            diseases.update(record.get("diseases", []))
            if record.get("ncbi_gene_id"):
                ncbi_ids.add(str(record["ncbi_gene_id"]))
        details = {
            "terms": [{"id": t, "name": n} for t, n in sorted(terms.items())],
            "diseases": sorted(diseases),
            "ncbi_gene_ids": sorted(ncbi_ids, key=int),
        }
        return EvidenceSummary(
            details=details, phenotype_count=len(terms), disease_count=len(diseases)
        )


def _one_file(directory: Path, exact: str, pattern: str) -> Path:
    if (directory / exact).is_file():
        return directory / exact
    found = sorted(directory.glob(pattern))
    if len(found) != 1:
        listed = ", ".join(p.name for p in found) or "none"
        raise SourceFormatError(
            f"{directory}: expected {exact} or exactly one {pattern} (found {listed})"
        )
    return found[0]
