"""The shared shape of curator-uploaded gene lists (Literature, Diagnostic panels).

Both read one row per (group, gene) from CSV/TSV/XLSX with `gene_symbol` and an optional
`hgnc_id`; a subclass says which other columns it needs and what a valid row means. The upload
service (`pipeline.services.uploads`) maps rows to genes and merges, replaces or undoes them
per group.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from genes.normalise import parse_hgnc_id
from pipeline.sources.base import EvidenceSource, ParsedSource, SourceFormatError, SourceRecord
from pipeline.sources.tabular import Row, raise_row_errors, read_table


def check_gene_columns(row: Row) -> list[str]:
    """Problems with the gene columns shared by both upload formats."""
    problems = []
    if not row.get("gene_symbol") and not row.get("hgnc_id"):
        problems.append(f"row {row.line}: gene_symbol is empty")
    if row.get("hgnc_id") and parse_hgnc_id(row.get("hgnc_id")) is None:
        problems.append(f"row {row.line}: hgnc_id {row.get('hgnc_id')!r} is not an HGNC id")
    return problems


class UploadedListSource(EvidenceSource):
    """An evidence source that curators upload rather than the pipeline fetches."""

    uploaded = True
    REQUIRED: ClassVar[tuple[str, ...]] = ("gene_symbol",)
    # The record fields that name a row's group (the unit of merge/replace/undo) and item.
    group_field: ClassVar[str]
    item_field: ClassVar[str]

    def fetch(self) -> ParsedSource:
        raise SourceFormatError(f"{self.label} is uploaded, not fetched: upload a file")

    def parse_file(self, path: Path) -> ParsedSource:
        path = Path(path)
        records = self.parse_rows(path.name, path.read_bytes())
        return ParsedSource(records=records, version=f"file {path.name}")

    @classmethod
    def parse_rows(cls, file_name: str, content: bytes) -> list[SourceRecord]:
        """Every row as a record; raises SourceFormatError listing each bad row."""
        _, rows = read_table(file_name, content, required=cls.REQUIRED, strict_width=False)
        records, errors = [], []
        for row in rows:
            problems = check_gene_columns(row)
            data = cls.row_data(row, problems)
            errors.extend(problems)
            if problems:
                continue
            records.append(
                SourceRecord(
                    symbol=row.get("gene_symbol"),
                    hgnc_id=row.get("hgnc_id") or None,
                    data={**data, "line": row.line},
                )
            )
        raise_row_errors(file_name, errors)
        return records

    @classmethod
    def row_data(cls, row: Row, problems: list[str]) -> dict[str, Any]:
        """The record data of a row (with `group_key` and `item_key`); appends row problems."""
        raise NotImplementedError
