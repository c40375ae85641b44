"""Shared table reading: formats, header mapping and the guards against hostile files."""

from __future__ import annotations

import io
import zipfile

import pytest

from pipeline.sources import tabular
from pipeline.sources.base import SourceFormatError
from pipeline.sources.tabular import normalise_header, read_table, text_matches_any
from tests.pipeline.sources.conftest import xlsx_bytes


def test_headers_match_case_and_spacing_insensitively():
    header, rows = read_table(
        "x.csv", b"\xef\xbb\xbf PMID ,Gene Symbol\n1,PKD1\n", required=["pmid"]
    )
    assert header == ["pmid", "gene_symbol"]
    assert rows[0].values == {"pmid": "1", "gene_symbol": "PKD1"}
    assert rows[0].line == 2
    assert normalise_header("Gene-Symbol") == "gene_symbol"


def test_blank_lines_are_skipped_and_line_numbers_kept():
    _, rows = read_table("x.tsv", b"a\tb\n\n1\t2\n\t\n3\t4\n", required=["a"])
    assert [(row.line, row.get("a")) for row in rows] == [(3, "1"), (5, "3")]


def test_quoted_newline_keeps_following_line_numbers_right():
    _, rows = read_table("x.csv", b'a,b\n"multi\nline",2\n3,4\n', required=["a"])
    assert [row.line for row in rows] == [2, 4]


def test_xlsx_short_rows_are_padded_and_numbers_become_text():
    content = xlsx_bytes([["pmid", "gene_symbol", "title"], [12345, "PKD1"], [None, None, None]])
    header, rows = read_table("x.xlsx", content, required=["pmid", "gene_symbol"])
    assert rows[0].values == {"pmid": "12345", "gene_symbol": "PKD1", "title": ""}
    assert len(rows) == 1


def test_xlsx_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    with pytest.raises(SourceFormatError, match="zip bomb"):
        read_table("bomb.xlsx", buffer.getvalue(), required=[])


def test_xlsx_with_too_many_rows_is_refused(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_XLSX_ROWS", 3)
    content = xlsx_bytes([["a"]] + [[n] for n in range(10)])
    with pytest.raises(SourceFormatError, match="limit is 3"):
        read_table("big.xlsx", content, required=["a"])


def test_xlsx_name_without_workbook_content_is_an_error():
    with pytest.raises(SourceFormatError, match="named like an XLSX workbook"):
        read_table("x.xlsx", b"a,b\n1,2\n", required=[])


def test_whitespace_only_file_is_empty():
    with pytest.raises(SourceFormatError, match="x.csv: the file is empty"):
        read_table("x.csv", b"  \n\n", required=[])


def test_keyword_match_honours_exclusions():
    assert text_matches_any("Fanconi renotubular syndrome", ["fanconi"], ["fanconi anemia"])
    assert not text_matches_any("Fanconi anemia group A", ["fanconi"], ["fanconi anemia"])
    assert not text_matches_any("", ["kidney"])
