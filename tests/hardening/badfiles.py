"""Bad inputs generated from a good file: each function takes the good bytes, returns bad ones.

Generated in code (not stored) so every corpus test starts from the current demo files and the
corpus follows format changes by itself.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from functools import lru_cache

HUGE_FIELD_BYTES = 5 * 1024 * 1024
HTML_ERROR_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    b"<body><h1>502 Bad Gateway</h1><p>The upstream server is unavailable.</p></body></html>\n"
)

Corruption = Callable[[bytes], bytes]


def _lines(content: bytes) -> list[bytes]:
    return content.splitlines(keepends=True)


def _first_data_line(lines: list[bytes]) -> int:
    """Index of the first line after the header (skipping '#' comment/preamble lines)."""
    header = next(i for i, line in enumerate(lines) if line.strip() and not line.startswith(b"#"))
    return header + 1


def empty(content: bytes) -> bytes:
    return b""


def truncated_mid_row(content: bytes) -> bytes:
    """Cut in the middle of a data row (not at a line end)."""
    lines = _lines(content)
    keep = max(_first_data_line(lines) + 1, len(lines) // 2)
    cut_line = lines[keep] if keep < len(lines) else lines[-1]
    # Cut just after the first delimiter, so the row is visibly short (a cut inside the last
    # field of a full-width row is indistinguishable from a shorter value).
    positions = [cut_line.find(mark) for mark in (b",", b"\t", b" ") if mark in cut_line]
    cut = min(positions) + 3 if positions else max(1, len(cut_line) // 3)
    return b"".join(lines[:keep]) + cut_line[:cut]


def utf16(content: bytes) -> bytes:
    return content.decode("utf-8-sig").encode("utf-16")


def latin1(content: bytes) -> bytes:
    """A latin-1 'é' (byte 0xE9) spliced into the first data row, as Excel on Windows saves."""
    lines = _lines(content)
    index = min(_first_data_line(lines), len(lines) - 1)
    line = lines[index]
    middle = len(line) // 2
    lines[index] = line[:middle] + "Néphropathie".encode("latin-1") + line[middle:]
    return b"".join(lines)


def html_page(content: bytes) -> bytes:
    return HTML_ERROR_PAGE


def huge_field(content: bytes, line_index: int | None = None) -> bytes:
    """A 5 MB cell at the start of a data row (default: the first one)."""
    lines = _lines(content)
    index = _first_data_line(lines) if line_index is None else line_index
    index = min(index, len(lines) - 1)
    lines[index] = b"A" * HUGE_FIELD_BYTES + lines[index]
    return b"".join(lines)


def wrong_delimiter(content: bytes, delimiter: bytes) -> bytes:
    """Pipes instead of the real delimiter (tab, comma and semicolon are sniffed, by design)."""
    return content.replace(delimiter, b"|")


def missing_column(content: bytes, column: bytes, delimiter: bytes) -> bytes:
    """Rename the header cell `column` (the data keep their shape)."""
    lines = _lines(content)
    index = _first_data_line(lines) - 1
    cells = lines[index].split(delimiter)
    renamed = [
        cell.replace(column, b"renamed_" + column) if cell.strip().strip(b'"') == column else cell
        for cell in cells
    ]
    lines[index] = delimiter.join(renamed)
    return b"".join(lines)


def duplicate_rows(content: bytes) -> bytes:
    lines = _lines(content)
    start = _first_data_line(lines)
    body = [line if line.endswith(b"\n") else line + b"\n" for line in lines[start:]]
    return b"".join(lines[:start]) + b"".join(body) + b"".join(body)


def zip_of(content: bytes, name: str = "data.csv") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, content)
    return buffer.getvalue()


@lru_cache(maxsize=1)
def xlsx_bomb_sheet() -> bytes:
    """An XLSX whose sheet XML expands to ~55 MB of rows (well under 1 MB compressed)."""
    row = b'<row><c t="inlineStr"><is><t>PKD1</t></is></c></row>'
    return _xlsx(sheet_rows=row * 1_000_000)


@lru_cache(maxsize=1)
def xlsx_bomb_shared_strings() -> bytes:
    """An XLSX whose sharedStrings.xml holds one 50 MB string."""
    strings = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1">'
        b"<si><t>" + b"A" * (50 * 1024 * 1024) + b"</t></si></sst>"
    )
    row = b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    return _xlsx(sheet_rows=row, shared_strings=strings)


def _xlsx(*, sheet_rows: bytes, shared_strings: bytes | None = None) -> bytes:
    main = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    office = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    types = (
        f'<?xml version="1.0"?><Types xmlns="{package}/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
        '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{office}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{office}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{office}.sharedStrings+xml"/>'
        "</Types>"
    )
    root_rels = (
        f'<?xml version="1.0"?><Relationships xmlns="{package}/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        b'<?xml version="1.0"?><workbook xmlns="' + main + b'" xmlns:r="' + rel + b'">'
        b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        f'<?xml version="1.0"?><Relationships xmlns="{package}/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    )
    sheet = b'<?xml version="1.0"?><worksheet xmlns="' + main + b'"><sheetData>'
    sheet += sheet_rows + b"</sheetData></worksheet>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
    return buffer.getvalue()
