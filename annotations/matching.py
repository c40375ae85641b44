"""Set-based gene matching for annotation files: one pass over HGNC builds lookup dicts.

Loaders never query per row; they ask this matcher, built with two queries.
"""

from __future__ import annotations

from collections import defaultdict

from genes.models import Gene, GeneStatus, GeneSymbol, SymbolKind


def strip_version(identifier: str) -> str:
    """ENSG00000008710.20 → ENSG00000008710 (also drops GTEx's `_PAR_Y` suffix)."""
    return identifier.split(".", 1)[0].split("_", 1)[0]


class GeneMatcher:
    """Maps symbols, NCBI gene ids and Ensembl gene ids to HGNC ids (approved genes first)."""

    def __init__(self) -> None:
        self.symbols: dict[str, int] = {}
        self.entrez: dict[int, int] = {}
        self.ensembl: dict[str, int] = {}
        self.previous: dict[str, int] = {}
        rows = Gene.objects.values_list(
            "hgnc_id", "symbol", "entrez_id", "ensembl_gene_id", "status"
        ).order_by("hgnc_id")
        for hgnc_id, symbol, entrez_id, ensembl_id, status in rows:
            if status != GeneStatus.APPROVED:
                continue
            self.symbols.setdefault(symbol.upper(), hgnc_id)
            if entrez_id:
                self.entrez.setdefault(entrez_id, hgnc_id)
            if ensembl_id:
                self.ensembl.setdefault(strip_version(ensembl_id), hgnc_id)
        candidates: dict[str, set[int]] = defaultdict(set)
        previous_rows = GeneSymbol.objects.filter(
            kind=SymbolKind.PREVIOUS, gene__status=GeneStatus.APPROVED
        ).values_list("symbol_upper", "gene_id")
        for symbol_upper, gene_id in previous_rows:
            candidates[symbol_upper].add(gene_id)
        # A previous symbol counts only when it names exactly one gene and no current symbol.
        self.previous = {
            symbol: next(iter(ids))
            for symbol, ids in candidates.items()
            if len(ids) == 1 and symbol not in self.symbols
        }

    @property
    def known_ids(self) -> set[int]:
        return set(self.symbols.values())

    def by_symbol(self, symbol: str) -> int | None:
        key = symbol.strip().upper()
        return self.symbols.get(key) or self.previous.get(key)

    def by_entrez(self, value: str | int | None) -> int | None:
        try:
            return self.entrez.get(int(value)) if value not in (None, "", "-") else None
        except (TypeError, ValueError):
            return None

    def by_ensembl(self, identifier: str) -> int | None:
        return self.ensembl.get(strip_version(identifier.strip())) if identifier else None
