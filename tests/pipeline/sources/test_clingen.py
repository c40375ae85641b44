"""ClinGen gene-validity CSV: kidney filter, provenance, bad input and the best classification."""

from __future__ import annotations

import json

import pytest

from common.fetching import Fetcher
from pipeline.sources.base import SourceFormatError
from pipeline.sources.clingen import ClinGenSource
from tests.pipeline.sources.conftest import clingen_csv, clingen_row

URL = "https://search.clinicalgenome.org/kb/gene-validity/download"


def parse(content: bytes):
    return ClinGenSource().parse_bytes(content, name="clingen.csv")


def test_full_2023_release_keeps_kidney_panels_and_file_date(shared_data):
    path = shared_data / "clingen" / "Clingen-Gene-Disease-Summary.2023-10-18.full.csv"
    parsed = ClinGenSource().parse_file(path)
    assert parsed.version == "2023-10-18"
    assert "2345 curations read" in parsed.log[0]
    gceps = {record.data["gcep"] for record in parsed.records}
    assert {"Kidney Cystic and Ciliopathy Disorders", "Glomerulopathy", "Tubulopathy"} <= gceps
    assert "Motile Ciliopathy" not in gceps
    by_panel = [
        r for r in parsed.records if r.data["gcep"] == "Kidney Cystic and Ciliopathy Disorders"
    ]
    assert len(by_panel) == 50
    pkd1 = [r for r in parsed.records if r.symbol == "PKD1"]
    assert pkd1 and pkd1[0].hgnc_id == "HGNC:9008"
    assert all(":assertion_" in r.data["assertion_id"] for r in parsed.records)


def test_2026_panel_names_with_expert_panel_suffix_still_match(shared_data):
    path = shared_data / "clingen" / "clingen_gene_disease_summary.2026-08-25.reduced.scout.csv"
    parsed = ClinGenSource().parse_file(path)
    assert parsed.version == "2026-08-25"
    gceps = {record.data["gcep"] for record in parsed.records}
    assert "Kidney Cystic and Ciliopathy Disorders Gene Curation Expert Panel" in gceps
    assert "Complement-Mediated Kidney Diseases Gene Curation Expert Panel" in gceps


def test_motile_ciliopathy_is_not_a_kidney_panel():
    content = clingen_csv(
        [
            clingen_row(
                "DNAH5", "HGNC:2950", "primary ciliary dyskinesia", gcep="Motile Ciliopathy"
            ),
            clingen_row("PKD1", "HGNC:9008", "polycystic kidney disease"),
        ]
    )
    assert [r.symbol for r in parse(content).records] == ["PKD1"]


def test_disease_label_keyword_keeps_curation_of_other_panel():
    content = clingen_csv(
        [clingen_row("OCRL", "HGNC:8108", "Dent disease 2", gcep="General Gene Curation"),
         clingen_row("BRCA1", "HGNC:1100", "breast cancer", gcep="Hereditary Cancer")]
    )  # fmt: skip
    assert [r.symbol for r in parse(content).records] == ["OCRL"]


def test_record_carries_full_provenance_and_assertion_key():
    uuid = "815e0f84-b530-4fd2-81a9-02e02bf352ee"
    content = clingen_csv([clingen_row("PKD1", "HGNC:9008", "ADPKD", assertion=uuid)])
    record = parse(content).records[0]
    assert record.hgnc_id == "HGNC:9008"
    assert record.data["assertion_id"].startswith(f"CGGV:assertion_{uuid}-2022-01-01")
    assert record.data["report_url"].startswith("https://search.clinicalgenome.org/")
    assert record.data | {"assertion_id": ""} == {
        "assertion_id": "",
        "disease": "ADPKD",
        "mondo_id": "MONDO:0000001",
        "moi": "AD",
        "sop": "SOP8",
        "classification": "Definitive",
        "date": "2022-01-01T00:00:00.000Z",
        "report_url": record.data["report_url"],
        "gcep": "Kidney Cystic and Ciliopathy Disorders",
        "line": 7,
    }


def test_unknown_classification_is_kept_as_data():
    content = clingen_csv([clingen_row("PKD2", "HGNC:9009", "ADPKD", "No Reported Evidence")])
    records = parse(content).records
    assert records[0].data["classification"] == "No Reported Evidence"
    summary = ClinGenSource.summarise([r.data for r in records])
    assert summary.classification == "No Reported Evidence"
    assert summary.classification_weight == 0.0


def test_fetch_replays_the_configured_url(tmp_path):
    (tmp_path / "download.csv").write_bytes(
        clingen_csv([clingen_row("PKD1", "HGNC:9008", "ADPKD")], created="2025-02-03")
    )
    (tmp_path / "manifest.json").write_text(json.dumps({URL: "download.csv"}))
    parsed = ClinGenSource(fetcher=Fetcher("replay", tmp_path)).fetch()
    assert parsed.version == "2025-02-03"
    assert [r.symbol for r in parsed.records] == ["PKD1"]


def test_demo_snapshot_replays(demo_dir):
    parsed = ClinGenSource(fetcher=Fetcher("replay", demo_dir / "sources" / "clingen")).fetch()
    assert parsed.version
    assert len({r.symbol for r in parsed.records}) >= 10


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"<!DOCTYPE html><html><body>502 Bad Gateway</body></html>", "HTML page"),
        (b'"CLINGEN"\n"FILE CREATED: 2024-01-01"\n"no header here"\n', "no header row"),
        (clingen_csv([]).replace(b'"GCEP"', b'"PANEL"'), "missing column(s) GCEP"),
        (clingen_csv([clingen_row("PKD1", "HGNC:9008", "ADPKD")])[:-40], "line 7"),
        (clingen_csv([clingen_row("PKD1", "HGNC:9008", "néphropathie")]).decode().encode("latin-1"),
         "not UTF-8"),
    ],
    ids=["empty", "html", "no-header", "missing-column", "truncated", "wrong-encoding"],
)  # fmt: skip
def test_bad_input_raises_clear_error(content, message):
    with pytest.raises(SourceFormatError, match="clingen.csv") as error:
        parse(content)
    assert message in str(error.value)


def test_truncated_mid_row_without_open_quote_is_reported_with_line():
    text = clingen_csv([clingen_row("PKD1", "HGNC:9008", "ADPKD")]).decode()
    cut = text[: text.rindex('","SOP8"')] + '"\n'
    with pytest.raises(SourceFormatError, match=r"line 7: expected 10 fields, found 5"):
        parse(cut.encode())


def test_best_classification_is_the_maximum_not_the_first():
    records = [
        {"assertion_id": "a", "classification": "Disputed", "date": "2024-01-01"},
        {"assertion_id": "b", "classification": "Definitive", "date": "2019-01-01"},
    ]
    summary = ClinGenSource.summarise(records)
    assert summary.classification == "Definitive"
    assert summary.classification_weight == 1.0
    assert [c["assertion_id"] for c in summary.details["curations"]] == ["a", "b"]


def test_refuted_only_gene_has_zero_weight():
    summary = ClinGenSource.summarise([{"assertion_id": "a", "classification": "Refuted"}])
    assert summary.classification == "Refuted"
    assert summary.classification_weight == 0.0


def test_same_curation_twice_counts_once():
    record = {"assertion_id": "a", "classification": "Strong", "gcep": "Tubulopathy", "line": 9}
    summary = ClinGenSource.summarise([record, dict(record, line=12)])
    assert summary.details["curation_count"] == 1
    assert summary.details["gceps"] == ["Tubulopathy"]
    assert "line" not in summary.details["curations"][0]


@pytest.mark.django_db
def test_demo_snapshot_run_writes_best_classification(demo_genes, demo_dir):
    from genes.models import Evidence
    from pipeline.models import RunStatus
    from pipeline.services import source_run_execute

    run = source_run_execute(
        source="clingen", mode="replay", snapshot_dir=demo_dir / "sources" / "clingen"
    )
    assert run.status == RunStatus.COMPLETED, run.error
    assert run.source_version == "2026-05-04"
    pkd1 = Evidence.objects.get(source="clingen", gene__symbol="PKD1")
    assert (pkd1.classification, pkd1.classification_weight) == ("Definitive", 1.0)
    assert pkd1.details["curation_count"] == 2
    cfhr3 = Evidence.objects.get(source="clingen", gene__symbol="CFHR3")
    assert (cfhr3.classification, cfhr3.classification_weight) == ("Refuted", 0.0)
    assert not Evidence.objects.filter(source="clingen", gene__symbol="DNAH5").exists()


@pytest.mark.django_db
def test_html_instead_of_csv_fails_run_and_keeps_evidence(demo_genes, demo_dir, tmp_path):
    from genes.models import Evidence
    from pipeline.models import RunStatus
    from pipeline.services import source_run_execute

    good = source_run_execute(
        source="clingen", mode="replay", snapshot_dir=demo_dir / "sources" / "clingen"
    )
    before = Evidence.objects.filter(source="clingen").count()
    (tmp_path / "page.html").write_text("<!DOCTYPE html><html>Service unavailable</html>")
    (tmp_path / "manifest.json").write_text(json.dumps({URL: "page.html"}))
    bad = source_run_execute(source="clingen", mode="replay", snapshot_dir=tmp_path)
    assert bad.status == RunStatus.FAILED
    assert "HTML page" in bad.error
    assert Evidence.objects.filter(source="clingen", run_id=good.pk).count() == before > 0
