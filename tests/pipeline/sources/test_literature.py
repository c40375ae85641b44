"""Literature uploads: rows read by header name from CSV/TSV/XLSX, row errors, summary."""

from __future__ import annotations

import pytest

from genes.models import Evidence
from pipeline.sources.base import SourceFormatError
from pipeline.sources.literature import LiteratureSource, parse_pmid
from tests.pipeline.sources.conftest import xlsx_bytes

CSV = (
    b"PMID,Gene_Symbol,HGNC_ID,Title\n"
    b'12345,PKD1,HGNC:9008,"Cysts, kidneys and genes"\n'
    b"PMID:12345,PKD2,,\n"
    b"67890,NPHS1,,Nephrotic syndrome\n"
)


def test_rows_carry_group_and_item_keys_and_line_numbers():
    records = LiteratureSource.parse_rows("lit.csv", CSV)
    assert [(r.symbol, r.hgnc_id, r.data["pmid"], r.data["line"]) for r in records] == [
        ("PKD1", "HGNC:9008", "12345", 2),
        ("PKD2", None, "12345", 3),
        ("NPHS1", None, "67890", 4),
    ]
    assert records[0].data["title"] == "Cysts, kidneys and genes"
    assert (records[0].data["group_key"], records[0].data["item_key"]) == ("12345", "12345")


def test_tsv_and_xlsx_read_the_same():
    tsv = b"gene_symbol\tpmid\nPKD1\t12345\n"
    workbook = xlsx_bytes([["Gene Symbol", "PMID"], ["PKD1", 12345]])
    for name, content in (("lit.tsv", tsv), ("lit.xlsx", workbook)):
        records = LiteratureSource.parse_rows(name, content)
        assert [(r.symbol, r.data["pmid"]) for r in records] == [("PKD1", "12345")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("123", "123"), ("PMID: 123", "123"), ("pmid123", "123"), ("123.0", "123"),
     ("0", None), ("abc", None), ("1234567890", None), ("", None)],
)  # fmt: skip
def test_pmid_validation(raw, expected):
    assert parse_pmid(raw) == expected


def test_every_bad_row_is_listed_with_its_row_number():
    content = b"pmid,gene_symbol,hgnc_id\nabc,PKD1,\n123,,\n456,PKD2,HGNC:xyz\n789,NPHS1,\n"
    with pytest.raises(SourceFormatError) as error:
        LiteratureSource.parse_rows("lit.csv", content)
    message = str(error.value)
    assert "lit.csv: 3 row error(s)" in message
    assert "row 2: pmid 'abc' is not a PubMed id" in message
    assert "row 3: gene_symbol is empty" in message
    assert "row 4: hgnc_id 'HGNC:xyz' is not an HGNC id" in message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"gene_symbol,title\nPKD1,x\n", "missing column(s) pmid"),
        (b"pmid|gene_symbol\n1|PKD1\n", "is the delimiter wrong?"),
        (b"<html><body>Sign in</body></html>", "HTML page"),
        ("pmid,gene_symbol,title\n1,PKD1,Néphrologie\n".encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_files_are_rejected(content, message):
    with pytest.raises(SourceFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        LiteratureSource.parse_rows("lit.csv", content)


def test_demo_upload_file_parses(demo_dir):
    parsed = LiteratureSource().parse_file(demo_dir / "uploads" / "literature.csv")
    assert len({r.data["pmid"] for r in parsed.records}) == 5


def test_summary_counts_distinct_publications_and_keeps_titles():
    summary = LiteratureSource.summarise(
        [{"pmid": "20", "title": ""}, {"pmid": "20", "title": "B"}, {"pmid": "3", "title": "A"}]
    )
    assert summary.publication_count == 2
    assert summary.details["publications"] == [
        {"pmid": "3", "title": "A"},
        {"pmid": "20", "title": "B"},
    ]


def test_fetch_is_refused_because_literature_is_uploaded():
    with pytest.raises(SourceFormatError, match="uploaded"):
        LiteratureSource().fetch()


@pytest.mark.django_db
def test_demo_upload_commits_evidence_end_to_end(demo_genes, demo_dir):
    from pipeline.services.uploads import upload_commit

    content = (demo_dir / "uploads" / "literature.csv").read_bytes()
    upload = upload_commit(source="literature", file_name="literature.csv", content=content)
    assert upload.staged_count == 1  # KIAA9999
    pkd1 = Evidence.objects.get(source="literature", gene__symbol="PKD1")
    assert pkd1.publication_count == 2
    pkd2 = Evidence.objects.get(source="literature", gene__symbol="PKD2")
    assert pkd2.publication_count == 2  # once as PKD2, once as its alias PKD4 in study 1
