"""Normalisation on the cases HGNC really contains, where the order of trust decides the answer.

- PKD4 is a previous symbol of PKD2 and (here) an alias of TRPP2X: previous beats alias.
- A withdrawn gene keeps previous and alias symbols in the HGNC file; they must not resolve to
  it, and an alias it shares with an approved gene must not make that gene ambiguous.
- A withdrawn symbol merged into one gene resolves by HGNC id; the same symbol alone, or a gene
  split into two, is reported as withdrawn with its candidates, never silently mapped.
The same fixture also goes through a source run's grouping, where the answer decides which
gene's evidence a record becomes.
"""

from __future__ import annotations

import pytest

from genes.models import GeneStatus
from genes.normalise import Outcome, SymbolQuery, normalise_symbol, normalise_symbols
from pipeline.services.evidence import records_group
from pipeline.sources.base import SourceRecord
from tests.factories import GeneFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hard_cases() -> dict[str, int]:
    pkd2 = GeneFactory(hgnc_id=9009, symbol="PKD2", previous=["PKD4"])
    other = GeneFactory(hgnc_id=50001, symbol="TRPP2X", aliases=["PKD4"])
    nphs1 = GeneFactory(hgnc_id=7908, symbol="NPHS1", aliases=["NPHN"])
    GeneFactory(
        hgnc_id=60001,
        symbol="WDGONE",
        status=GeneStatus.WITHDRAWN,
        previous=["WDPREV"],
        aliases=["WDALIAS", "NPHN"],
    )
    GeneFactory(hgnc_id=60002, symbol="MERGEDX", status=GeneStatus.WITHDRAWN, merged_into=[9009])
    GeneFactory(
        hgnc_id=60003, symbol="SPLITX", status=GeneStatus.WITHDRAWN, merged_into=[9009, 7908]
    )
    return {"PKD2": pkd2.pk, "TRPP2X": other.pk, "NPHS1": nphs1.pk}


def test_previous_symbol_of_one_gene_beats_alias_of_another(hard_cases):
    result = normalise_symbol("pkd4")
    assert (result.outcome, result.gene_id, result.matched_by) == (
        Outcome.RESOLVED,
        hard_cases["PKD2"],
        "previous",
    )


def test_symbols_of_a_withdrawn_gene_do_not_resolve(hard_cases):
    prev, alias = normalise_symbols([SymbolQuery("WDPREV"), SymbolQuery("WDALIAS")])
    assert (prev.outcome, prev.gene_id) == (Outcome.UNKNOWN, None)
    assert (alias.outcome, alias.gene_id) == (Outcome.UNKNOWN, None)


def test_alias_shared_with_a_withdrawn_gene_stays_unambiguous(hard_cases):
    result = normalise_symbol("NPHN")
    assert (result.outcome, result.gene_id, result.matched_by) == (
        Outcome.RESOLVED,
        hard_cases["NPHS1"],
        "alias",
    )


def test_withdrawn_symbol_merged_into_one_gene(hard_cases):
    by_id = normalise_symbol("MERGEDX", hgnc_id="HGNC:60002")
    assert (by_id.outcome, by_id.gene_id, by_id.matched_by) == (
        Outcome.RESOLVED,
        hard_cases["PKD2"],
        "hgnc_id",
    )
    by_symbol = normalise_symbol("MERGEDX")
    assert (by_symbol.outcome, by_symbol.gene_id, by_symbol.candidates) == (
        Outcome.WITHDRAWN,
        None,
        (60002,),
    )


def test_gene_split_into_two_is_never_silently_mapped(hard_cases):
    result = normalise_symbol("SPLITX", hgnc_id="HGNC:60003")
    assert (result.outcome, result.gene_id) == (Outcome.WITHDRAWN, None)
    assert "withdrawn" in result.reason


def test_a_run_files_each_hard_case_under_the_right_gene_or_stages_it(hard_cases):
    symbols = ["PKD4", "NPHN", "WDPREV", "WDALIAS", "MERGEDX", "SPLITX"]
    records = [SourceRecord(symbol=s, data={"symbol": s}) for s in symbols]
    records.append(SourceRecord(symbol="MERGEDX", hgnc_id="HGNC:60002", data={"symbol": "byid"}))
    groups = records_group(records, source="gencc")
    resolved = {gene: [r["symbol"] for r in rows] for gene, rows in groups.resolved.items()}
    assert resolved == {hard_cases["PKD2"]: ["PKD4", "byid"], hard_cases["NPHS1"]: ["NPHN"]}
    reasons = {key: group.reason for key, group in groups.unresolved.items()}
    assert reasons == {
        "WDPREV": "unknown",
        "WDALIAS": "unknown",
        "MERGEDX": "withdrawn",
        "SPLITX": "withdrawn",
    }
