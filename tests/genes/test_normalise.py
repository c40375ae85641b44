"""Symbol normalisation: each path in order, ambiguity, junk, and a constant query count."""

import pytest

from genes.models import CuratedSymbolMapping, Gene, GeneStatus, GeneSymbol, SymbolKind
from genes.normalise import (
    Outcome,
    SymbolQuery,
    clean_symbol,
    normalise_symbol,
    normalise_symbols,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def genes():
    pkd1 = Gene.objects.create(hgnc_id=9008, symbol="PKD1", entrez_id=5310)
    pkd2 = Gene.objects.create(hgnc_id=9009, symbol="PKD2", entrez_id=5311)
    nphs2 = Gene.objects.create(hgnc_id=13394, symbol="NPHS2", entrez_id=7827)
    coq8b = Gene.objects.create(hgnc_id=19041, symbol="COQ8B", entrez_id=79934)
    Gene.objects.create(hgnc_id=6, symbol="A1S9T", status=GeneStatus.WITHDRAWN, merged_into=[9009])
    Gene.objects.create(hgnc_id=7, symbol="OLDGONE", status=GeneStatus.WITHDRAWN)
    for gene, symbol, kind in [
        (pkd1, "PBP", SymbolKind.ALIAS),
        (pkd2, "PC2", SymbolKind.ALIAS),
        (nphs2, "PC2", SymbolKind.ALIAS),
        (pkd2, "PKD4", SymbolKind.PREVIOUS),
        (coq8b, "ADCK4", SymbolKind.PREVIOUS),
    ]:
        GeneSymbol.objects.create(gene=gene, symbol=symbol, symbol_upper=symbol.upper(), kind=kind)
    return {"PKD1": pkd1, "PKD2": pkd2, "NPHS2": nphs2, "COQ8B": coq8b}


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("  pkd1 ", "PKD1"),
        ("GENE:PKD1", "PKD1"),
        ("Symbol=nphs2", "NPHS2"),
        ("PKD1_HUMAN", "PKD1"),
        ("PKD1 (polycystin 1)", "PKD1"),
        ("COL4A5 [X-linked] (Alport)", "COL4A5"),
        ('"UMOD"', "UMOD"),
        ("C1orf112", "C1ORF112"),
        ("HLA-DRB1", "HLA-DRB1"),
    ],
)
def test_clean_symbol_strips_decoration(raw, cleaned):
    assert clean_symbol(raw) == cleaned


@pytest.mark.parametrize("raw", ["", "   ", None, "12345", "not a gene", "N/A", "?", "x" * 60, "é"])
def test_clean_symbol_rejects_things_that_are_not_symbols(raw):
    assert clean_symbol(raw) is None


def test_each_path_in_order(genes):
    results = normalise_symbols(
        [
            SymbolQuery("WRONG", hgnc_id="HGNC:9008"),
            SymbolQuery("WRONG", ncbi_id="5311"),
            SymbolQuery("nphs2"),
            SymbolQuery("PKD4"),
            SymbolQuery("pbp"),
            SymbolQuery("ADCK4"),
        ]
    )
    assert [(r.outcome, r.gene_id, r.matched_by) for r in results] == [
        (Outcome.RESOLVED, 9008, "hgnc_id"),
        (Outcome.RESOLVED, 9009, "ncbi_id"),
        (Outcome.RESOLVED, 13394, "approved"),
        (Outcome.RESOLVED, 9009, "previous"),
        (Outcome.RESOLVED, 9008, "alias"),
        (Outcome.RESOLVED, 19041, "previous"),
    ]


def test_hgnc_id_beats_a_conflicting_symbol(genes):
    result = normalise_symbol("PKD2", hgnc_id=9008)
    assert (result.gene_id, result.matched_by) == (9008, "hgnc_id")


def test_unknown_hgnc_id_falls_back_to_symbol_and_says_so(genes):
    result = normalise_symbol("PKD1", hgnc_id="HGNC:999999")
    assert result.gene_id == 9008 and result.matched_by == "approved"
    unknown = normalise_symbol("NOSUCH", hgnc_id="HGNC:999999")
    assert unknown.outcome == Outcome.INVALID_ID
    assert "HGNC:999999 is not in the loaded HGNC set" in unknown.reason


def test_ambiguous_alias_is_never_resolved_silently(genes):
    result = normalise_symbol("PC2")
    assert result.outcome == Outcome.AMBIGUOUS
    assert result.gene_id is None
    assert result.candidates == (9009, 13394)
    assert "belongs to 2 genes" in result.reason


def test_junk_and_unknown(genes):
    junk, unknown = normalise_symbols([SymbolQuery("not a gene"), SymbolQuery("ZZZ9")])
    assert junk.outcome == Outcome.JUNK and junk.cleaned == ""
    assert unknown.outcome == Outcome.UNKNOWN and unknown.cleaned == "ZZZ9"


def test_withdrawn_entries(genes):
    merged = normalise_symbol("A1S9T", hgnc_id="HGNC:6")
    assert (merged.outcome, merged.gene_id) == (Outcome.RESOLVED, 9009)
    gone = normalise_symbol("OLDGONE")
    assert gone.outcome == Outcome.WITHDRAWN
    assert gone.candidates == (7,)


def test_curated_mapping_wins_and_is_source_specific(genes):
    CuratedSymbolMapping.objects.create(
        source="panelapp", raw_symbol="PC2", raw_symbol_upper="PC2", gene=genes["PKD2"]
    )
    assert normalise_symbol("pc2", source="panelapp").gene_id == 9009
    assert normalise_symbol("pc2", source="gencc").outcome == Outcome.AMBIGUOUS
    CuratedSymbolMapping.objects.create(
        source="", raw_symbol="POLYCYSTIN", raw_symbol_upper="POLYCYSTIN", gene=genes["PKD1"]
    )
    assert normalise_symbol("Polycystin", source="gencc").matched_by == "curated"


def test_query_count_does_not_grow_with_batch_size(genes, django_assert_max_num_queries):
    small = [SymbolQuery("PKD1"), SymbolQuery("PC2", ncbi_id=1), SymbolQuery("x", hgnc_id=6)]
    large = small * 3000 + [SymbolQuery(f"JUNK{i}") for i in range(3000)]
    with django_assert_max_num_queries(7):
        normalise_symbols(small)
    with django_assert_max_num_queries(7):
        results = normalise_symbols(large)
    assert len(results) == len(large)
