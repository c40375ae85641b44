"""Staging: unresolvable symbols keep their payload, never duplicate, and can be mapped later."""

from __future__ import annotations

import pytest

from genes.models import CuratedSymbolMapping, Evidence, Gene, GeneSymbol
from pipeline.models import ReviewStatus, RunStatus, StagedRecord
from pipeline.services import source_run_execute, staged_record_map, staged_record_reject
from tests.pipeline.conftest import FakeSession, fake_fetcher, json_reply

UK = "https://panelapp.genomicsengland.co.uk/api/v1"
AU = "https://panelapp-aus.org/api/v1"

pytestmark = pytest.mark.django_db


def entity(symbol: str, confidence: str = "3", hgnc_id: str | None = None) -> dict:
    return {"entity_type": "gene", "entity_name": symbol, "confidence_level": confidence,
            "mode_of_inheritance": "BIALLELIC, autosomal or pseudoautosomal",
            "phenotypes": [], "evidence": [], "publications": ["1"],
            "gene_data": {"hgnc_id": hgnc_id, "hgnc_symbol": symbol}}  # fmt: skip


def panelapp_session(entities: list[dict]) -> FakeSession:
    listing = {"count": 1, "next": None, "results": [{"id": 7, "name": "Renal demo"}]}
    detail = {"id": 7, "name": "Renal demo", "version": "1.0", "genes": entities}
    return FakeSession(
        {f"{UK}/panels/?page=1": json_reply(listing), f"{UK}/panels/7/": json_reply(detail),
         f"{AU}/panels/?page=1": json_reply({**listing, "results": [{"id": 9, "name": "Eye"}]})}
    )  # fmt: skip


def run_panelapp(entities: list[dict]):
    session = panelapp_session(entities)
    run = source_run_execute(source="panelapp", fetcher=fake_fetcher("panelapp", session))
    assert run.status == RunStatus.COMPLETED, run.error
    return run


@pytest.fixture
def ambiguous_alias(demo_genes):
    """DEMOAMB is an alias of two genes, so it must not be resolved silently."""
    for symbol in ("PKD1", "PKD2"):
        GeneSymbol.objects.create(
            gene=Gene.objects.get(symbol=symbol), symbol="DEMOAMB", symbol_upper="DEMOAMB",
            kind="alias",
        )  # fmt: skip
    return "DEMOAMB"


def test_unknown_ambiguous_and_junk_symbols_are_staged_with_payload(ambiguous_alias):
    run = run_panelapp(
        [entity("NPHS1"), entity("NOTAGENE9", "2"), entity(ambiguous_alias), entity("???")]
    )
    staged = {record.raw_symbol_key: record for record in StagedRecord.objects.all()}
    assert set(staged) == {"NOTAGENE9", "DEMOAMB", "???"}
    assert staged["NOTAGENE9"].reason == "unknown"
    assert staged["NOTAGENE9"].payload["records"][0]["confidence_level"] == 2
    assert staged["DEMOAMB"].reason == "ambiguous"
    assert {g.symbol for g in staged["DEMOAMB"].candidates.all()} == {"PKD1", "PKD2"}
    assert staged["???"].reason == "junk"
    assert run.staged_count == 3


def test_rerun_updates_staged_records_instead_of_duplicating(ambiguous_alias):
    run_panelapp([entity("NPHS1"), entity("NOTAGENE9", "1"), entity(ambiguous_alias)])
    second = run_panelapp([entity("NPHS1"), entity("NOTAGENE9", "3"), entity(ambiguous_alias)])
    assert StagedRecord.objects.count() == 2
    record = StagedRecord.objects.get(raw_symbol_key="NOTAGENE9")
    assert record.run_id == second.pk
    assert record.payload["records"][0]["confidence_level"] == 3
    assert StagedRecord.candidates.through.objects.count() == 2


def test_mapping_attaches_payload_evidence_and_is_remembered(demo_genes):
    run_panelapp([entity("NPHS1"), entity("NOTAGENE9", "2")])
    record = StagedRecord.objects.get(raw_symbol_key="NOTAGENE9")
    nphs2 = Gene.objects.get(symbol="NPHS2")
    evidence = staged_record_map(record=record, gene=nphs2, user=None)
    assert evidence.panel_count == 1 and evidence.supporting_panel_count == 1
    record.refresh_from_db()
    assert record.review_status == ReviewStatus.MAPPED and record.mapped_gene == nphs2
    assert CuratedSymbolMapping.objects.get(raw_symbol_upper="NOTAGENE9").gene == nphs2

    run_panelapp([entity("NPHS1"), entity("NOTAGENE9", "2")])
    assert Evidence.objects.filter(source="panelapp", gene=nphs2).exists()
    assert StagedRecord.objects.get().review_status == ReviewStatus.MAPPED


def test_mapping_merges_with_the_genes_existing_evidence(demo_genes):
    run_panelapp([entity("NPHS1", "1"), entity("NOTAGENE9", "3")])
    nphs1 = Gene.objects.get(symbol="NPHS1")
    record = StagedRecord.objects.get(raw_symbol_key="NOTAGENE9")
    record.payload["records"].append(
        {**record.payload["records"][0], "panel_id": 8, "panel_name": "Kidney other"}
    )
    record.save()
    evidence = staged_record_map(record=record, gene=nphs1)
    assert evidence.panel_count == 2 and evidence.supporting_panel_count == 2
    assert {p["panel_id"] for p in evidence.details["panels"]} == {7, 8}


def test_rejected_record_stays_rejected_on_rerun(demo_genes):
    run_panelapp([entity("NPHS1"), entity("NOTAGENE9")])
    staged_record_reject(record=StagedRecord.objects.get())
    run_panelapp([entity("NPHS1"), entity("NOTAGENE9")])
    assert StagedRecord.objects.get().review_status == ReviewStatus.REJECTED


def test_run_write_phase_uses_a_fixed_number_of_queries(demo_genes, django_assert_max_num_queries):
    small = [entity(symbol) for symbol in ("NPHS1", "NPHS2")] + [entity("NOTAGENE1")]
    large = [entity(g.symbol) for g in Gene.objects.approved()[:150]] + [
        entity(f"NOTAGENE{i}") for i in range(40)
    ]
    run_panelapp(small)
    with django_assert_max_num_queries(60) as small_queries:
        run_panelapp(small)
    with django_assert_max_num_queries(60) as large_queries:
        run_panelapp(large)
    assert len(large_queries.captured_queries) <= len(small_queries.captured_queries) + 4
