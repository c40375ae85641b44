"""GenCC export: both layouts, three file formats, kidney filter, normalised fields, summary."""

from __future__ import annotations

import json

import pytest

from common.fetching import Fetcher
from pipeline.sources.base import SourceFormatError
from pipeline.sources.gencc import GenCCSource, normalise_date, normalise_pmids
from tests.pipeline.sources.conftest import (
    GENCC_LEGACY_HEADER,
    GENCC_NEW_HEADER,
    gencc_row,
    gencc_table,
    xlsx_bytes,
)

URL = "https://search.thegencc.org/download/action/submissions-export-tsv"
ROWS = [
    gencc_row("S1", "HGNC:9008", "PKD1", "polycystic kidney disease 1", run_date="2024-01-15"),
    gencc_row("S2", "HGNC:9008", "PKD1", "Polycystic Kidney Disease", "Strong", "Orphanet",
              pmids="20301607[PMID]_24148127[PMID]", run_date="2024-02-01"),
    gencc_row("S3", "HGNC:1100", "BRCA1", "hereditary breast cancer"),
]  # fmt: skip


def parse(content: bytes, name: str = "gencc.tsv"):
    return GenCCSource().parse_bytes(content, name=name)


@pytest.mark.parametrize("layout", ["legacy", "new"])
@pytest.mark.parametrize("delimiter", ["\t", ","])
def test_both_layouts_in_tsv_and_csv_give_the_same_records(layout, delimiter):
    parsed = parse(gencc_table(ROWS, layout, delimiter))
    assert [(r.symbol, r.hgnc_id, r.data["submission_id"]) for r in parsed.records] == [
        ("PKD1", "HGNC:9008", "S1"),
        ("PKD1", "HGNC:9008", "S2"),
    ]
    assert parsed.version == "2024-02-01"
    assert parsed.log[0].startswith(f"{layout} layout ({30 if layout == 'legacy' else 31} columns)")
    assert parsed.records[1].data["pmids"] == ["20301607", "24148127"]
    assert parsed.records[1].data["submitter"] == "Orphanet"


def test_semicolon_separated_csv_from_a_spreadsheet_is_read():
    parsed = parse(gencc_table(ROWS, "legacy", ";"), name="gencc.csv")
    assert len(parsed.records) == 2


def test_xlsx_export_reads_like_tsv():
    header = GENCC_NEW_HEADER
    rows = [header] + [[row.get(column, "") for column in header] for row in ROWS]
    rows[1][header.index("version_number")] = 2  # numbers arrive as numbers in a workbook
    parsed = parse(xlsx_bytes(rows), name="gencc.xlsx")
    assert [r.data["submission_id"] for r in parsed.records] == ["S1", "S2"]
    assert parsed.records[0].data["version_number"] == "2"


def test_real_clingen_assertions_in_legacy_layout(gencc_legacy_from_clingen):
    parsed = parse(gencc_legacy_from_clingen)
    assert "2345 submissions read" in parsed.log[0]
    symbols = {r.symbol for r in parsed.records}
    assert {"PKD1", "PKD2", "PKHD1"} <= symbols
    assert "A2ML1" not in symbols  # Noonan syndrome
    assert {r.data["submitter"] for r in parsed.records} == {"ClinGen"}
    assert parsed.version == "2024-01-20"


def test_real_new_format_header_is_recognised(shared_data):
    path = shared_data / "gencc" / "gencc_new_format_header.SYNTHETIC_rows.gencc-link.tsv"
    parsed = GenCCSource().parse_file(path)
    assert parsed.log[0].startswith("new layout (31 columns)")


def test_header_less_file_is_rejected_naming_missing_columns(shared_data):
    path = shared_data / "gencc" / "clingen_submission_in_gencc_vocab.2024-01.noheader.csv"
    with pytest.raises(SourceFormatError, match="missing column"):
        GenCCSource().parse_file(path)


def test_demo_snapshot_replays(demo_dir):
    parsed = GenCCSource(fetcher=Fetcher("replay", demo_dir / "sources" / "gencc")).fetch()
    symbols = {r.symbol for r in parsed.records}
    assert "PKD1" in symbols and "BRCA1" not in symbols
    assert parsed.version == "2026-04-28"


def test_fetch_reads_the_configured_url(tmp_path):
    (tmp_path / "export.tsv").write_bytes(gencc_table(ROWS))
    (tmp_path / "manifest.json").write_text(json.dumps({URL: "export.tsv"}))
    parsed = GenCCSource(fetcher=Fetcher("replay", tmp_path)).fetch()
    assert len(parsed.records) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [("PMID: 28106320", ["28106320"]), ("123;456", ["123", "456"]),
     ("20301607[PMID]_24148127[PMID]", ["20301607", "24148127"]), ("0", []), ("", [])],
)  # fmt: skip
def test_pmids_are_normalised(text, expected):
    assert normalise_pmids(text) == expected


def test_dates_are_normalised_to_iso_day():
    assert normalise_date("2018-03-30 13:31:56") == "2018-03-30"
    assert normalise_date("2020-12-24T00:00:00Z") == "2020-12-24"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"<html><head><title>429 Too Many Requests</title></head></html>", "HTML page"),
        (gencc_table(ROWS).replace(b'"uuid"', b'"id"'), "neither a 'uuid'"),
        (gencc_table(ROWS).replace(b'"submitter_title"', b'"submitter"'),
         "missing column(s) submitter_title"),
        (gencc_table(ROWS)[:-30], "line 4: malformed or truncated"),
        (gencc_table(ROWS)[:-30] + b'"\n', "line 4: expected 30 fields"),
        (gencc_table(ROWS)[:-5].rstrip(b'"') + b'"abc', "malformed or truncated"),
        (gencc_table(ROWS, delimiter="|"), "is the delimiter wrong?"),
        (gencc_table(ROWS, delimiter="|").replace(b'"', b""), "is the delimiter wrong?"),
        (gencc_table([gencc_row("S1", "HGNC:9008", "PKD1", "néphropathie rénale")]).decode()
         .encode("cp1252"), "not UTF-8"),
        (b"PK\x03\x04garbage", "not a readable XLSX"),
    ],
    ids=["empty", "html", "no-id-column", "missing-column", "cut-in-field", "truncated-row",
         "open-quote",
         "wrong-delimiter", "wrong-delimiter-unquoted", "wrong-encoding", "broken-xlsx"],
)  # fmt: skip
def test_bad_input_raises_clear_error(content, message):
    with pytest.raises(SourceFormatError, match="gencc.tsv") as error:
        parse(content)
    assert message in str(error.value)


def test_best_classification_is_the_maximum_and_curies_count():
    records = [
        {"submission_id": "a", "classification": "Disputed Evidence", "submitter": "X"},
        {"submission_id": "b", "classification": "Definitive", "submitter": "Y", "pmids": ["5"]},
        {"submission_id": "c", "classification": "Limited", "submitter": "Y", "pmids": ["12"]},
    ]
    summary = GenCCSource.summarise(records)
    assert (summary.classification, summary.classification_weight) == ("Definitive", 1.0)
    assert summary.details["submitters"] == ["X", "Y"]
    assert summary.details["pmids"] == ["5", "12"]


def test_refuted_only_and_animal_model_only_weigh_zero():
    summary = GenCCSource.summarise(
        [{"submission_id": "a", "classification": "Refuted Evidence"},
         {"submission_id": "b", "classification": "Animal Model Only"}]
    )  # fmt: skip
    assert summary.classification_weight == 0.0
    assert summary.classification in {"Refuted Evidence", "Animal Model Only"}


def test_same_submission_from_two_records_counts_once():
    record = {"submission_id": "a", "version_number": "1", "classification": "Strong"}
    assert GenCCSource.summarise([record, dict(record)]).details["submission_count"] == 1


def test_layout_headers_differ_only_in_the_id_columns():
    assert GENCC_NEW_HEADER[2:] == GENCC_LEGACY_HEADER[1:]


@pytest.mark.django_db
def test_demo_snapshot_run_writes_submitters_and_max_classification(demo_genes, demo_dir):
    from genes.models import Evidence
    from pipeline.models import RunStatus
    from pipeline.services import source_run_execute

    run = source_run_execute(
        source="gencc", mode="replay", snapshot_dir=demo_dir / "sources" / "gencc"
    )
    assert run.status == RunStatus.COMPLETED, run.error
    assert run.source_version == "2026-04-28"
    pkd2 = Evidence.objects.get(source="gencc", gene__symbol="PKD2")
    assert (pkd2.classification, pkd2.classification_weight) == ("Definitive", 1.0)
    thbd = Evidence.objects.get(source="gencc", gene__symbol="THBD")
    assert (thbd.classification, thbd.classification_weight) == ("Supportive", 0.5)
    pkd1 = Evidence.objects.get(source="gencc", gene__symbol="PKD1")
    assert len(pkd1.details["submitters"]) == 4
    assert not Evidence.objects.filter(source="gencc", gene__symbol="FBN1").exists()
