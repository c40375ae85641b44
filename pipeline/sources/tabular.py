"""Reading provider tables (CSV, TSV, XLSX) with errors a curator can act on.

Every source maps columns by header name, so this module hands back rows as dicts keyed by the
(normalised) header, with the file line number of each row. Problems — HTML instead of data, the
wrong encoding, the wrong delimiter, a truncated file, missing columns — raise
`SourceFormatError` naming the file, the line and what is wrong. `TabularSource` is the base of
the sources whose provider offers one downloadable table (ClinGen, GenCC).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from abc import abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from common.fetching import FetchError
from pipeline.sources.base import EvidenceSource, ParsedSource, SourceFormatError

XLSX_MAGIC = b"PK\x03\x04"
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_XLSX_ROWS = 1_000_000
MAX_XLSX_COLUMNS = 512
TEXT_DELIMITERS = ("\t", ",", ";")
DELIMITER_NAMES = {"\t": "tab-separated", ",": "comma-separated", ";": "semicolon-separated"}
HTML_PATTERN = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<\?xml[^>]*>\s*<html)", re.I)


@dataclass
class Row:
    """One data row: `line` is the 1-based line (CSV/TSV) or row (XLSX) in the file."""

    line: int
    values: dict[str, str]

    def get(self, column: str, default: str = "") -> str:
        return self.values.get(column, default) or default


def normalise_header(name: str) -> str:
    """Case- and spacing-insensitive header key: ` Gene Symbol ` → `gene_symbol`."""
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").strip()).lower()


def decode_text(content: bytes, name: str) -> str:
    """UTF-8 text (BOM tolerated) or a clear error pointing at the first bad byte's line."""
    reject_html(content, name)
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise SourceFormatError(
            f"{name}: line {line}: not UTF-8 text (byte {content[error.start]:#04x}); "
            "save the file as UTF-8"
        ) from error


def reject_html(content: bytes, name: str) -> None:
    if HTML_PATTERN.match(content[:512]):
        raise SourceFormatError(
            f"{name}: line 1: received an HTML page instead of data (an error or login page?)"
        )


def detect_format(name: str, content: bytes) -> str:
    """`xlsx` or the delimiter of a text table (tab, comma or semicolon), sniffed from line 1."""
    if content.startswith(XLSX_MAGIC):
        return "xlsx"
    if name.lower().endswith((".xlsx", ".xlsm")):
        raise SourceFormatError(f"{name}: line 1: named like an XLSX workbook but is not one")
    first_line = content.split(b"\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter.encode()) for delimiter in TEXT_DELIMITERS}
    best = max(counts, key=counts.get)
    if counts[best]:
        return best
    return "\t" if name.lower().endswith((".tsv", ".txt", ".tab")) else ","


def iter_text_rows(text: str, name: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """CSV/TSV rows with the line each starts on; unterminated quotes mean a truncated file."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            hint = ""
            if reader.line_num <= 1:
                hint = f"; read as {DELIMITER_NAMES[delimiter]} — is the delimiter wrong?"
            raise SourceFormatError(
                f"{name}: line {reader.line_num}: malformed or truncated row ({error}){hint}"
            ) from error
        yield line, cells
        line = reader.line_num + 1


def iter_xlsx_rows(content: bytes, name: str) -> Iterator[tuple[int, list[str]]]:
    """Rows of the first sheet, read-only; refuses zip bombs and absurd sheet sizes."""
    from openpyxl import load_workbook

    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        infos = archive.infolist()
    except zipfile.BadZipFile as error:
        raise SourceFormatError(f"{name}: not a readable XLSX workbook ({error})") from error
    uncompressed = sum(info.file_size for info in infos)
    compressed = max(1, sum(info.compress_size for info in infos))
    if uncompressed > MAX_XLSX_UNCOMPRESSED or uncompressed / compressed > MAX_XLSX_RATIO:
        raise SourceFormatError(
            f"{name}: workbook expands to {uncompressed} bytes "
            f"(ratio {uncompressed / compressed:.0f}); refusing a possible zip bomb"
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many unrelated types for broken workbooks
        raise SourceFormatError(f"{name}: not a readable XLSX workbook ({error})") from error
    try:
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > MAX_XLSX_ROWS or (sheet.max_column or 0) > MAX_XLSX_COLUMNS:
            raise SourceFormatError(
                f"{name}: sheet '{sheet.title}' has {sheet.max_row} rows × {sheet.max_column} "
                f"columns; the limit is {MAX_XLSX_ROWS} × {MAX_XLSX_COLUMNS}"
            )
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_XLSX_ROWS:
                raise SourceFormatError(f"{name}: more than {MAX_XLSX_ROWS} rows")
            yield number, [_cell_text(value) for value in values[:MAX_XLSX_COLUMNS]]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def iter_raw_rows(name: str, content: bytes) -> Iterator[tuple[int, list[str]]]:
    """Rows of any supported format, without header handling."""
    if not content.strip():
        raise SourceFormatError(f"{name}: the file is empty")
    kind = detect_format(name, content)
    if kind == "xlsx":
        return iter_xlsx_rows(content, name)
    return iter_text_rows(decode_text(content, name), name, kind)


def column_index(
    header: list[str],
    *,
    required: Iterable[str],
    name: str,
    line: int,
    key: Callable[[str], str] = normalise_header,
) -> dict[str, int]:
    """Header key → position; names the missing columns and a likely wrong delimiter."""
    index: dict[str, int] = {}
    for position, cell in enumerate(header):
        index.setdefault(key(cell), position)
    missing = [column for column in required if column not in index]
    if missing:
        hint = ""
        if len(header) == 1 and any(mark in header[0] for mark in ",;|\t "):
            hint = " — the header is one cell; is the delimiter wrong?"
        raise SourceFormatError(
            f"{name}: line {line}: missing column(s) {', '.join(missing)}; "
            f"found {', '.join(cell for cell in header if cell) or 'nothing'}{hint}"
        )
    return index


def read_table(
    name: str,
    content: bytes,
    *,
    required: Iterable[str],
    strict_width: bool = True,
) -> tuple[list[str], list[Row]]:
    """The header (normalised) and the non-empty data rows of a one-header table.

    With `strict_width`, a CSV/TSV row with a different number of cells than the header is an
    error (a truncated or mis-delimited provider file); otherwise, and always for XLSX, short rows
    are padded (spreadsheets drop trailing empty cells).
    """
    strict_width = strict_width and not content.startswith(XLSX_MAGIC)
    rows = iter_raw_rows(name, content)
    header_line, header = next(((n, cells) for n, cells in rows if any(cells)), (0, []))
    if not header:
        raise SourceFormatError(f"{name}: the file has no header row")
    index = column_index(header, required=required, name=name, line=header_line)
    width = len(header)
    columns, positions = list(index), list(index.values())
    simple = positions == list(range(width))
    result: list[Row] = []
    # A short last row without its line end is a download cut mid-row, not a spreadsheet habit.
    cut_off = not content.startswith(XLSX_MAGIC) and not content.endswith((b"\n", b"\r"))
    for line, cells in rows:
        if not "".join(cells).strip():
            continue
        if len(cells) != width:
            if strict_width or (cut_off and len(cells) < width and _is_last(line, content)):
                raise SourceFormatError(
                    f"{name}: line {line}: expected {width} fields, found {len(cells)} "
                    "(truncated file or wrong delimiter?)"
                )
            cells = (cells + [""] * width)[:width]
        picked = cells if simple else [cells[position] for position in positions]
        result.append(Row(line, dict(zip(columns, map(str.strip, picked), strict=True))))
    return list(index), result


def _is_last(line: int, content: bytes) -> bool:
    """Whether a row starting on `line` is the file's last line."""
    return line > content.rstrip(b"\r\n").count(b"\n")


def text_matches_any(text: str, needles: Iterable[str], exclude: Iterable[str] = ()) -> bool:
    """Case-insensitive substring match of any configured keyword outside excluded phrases.

    Exclusions exist because substrings over-match: "renal" is inside "adrenal", "fanconi"
    also finds Fanconi anemia, "cystinuria" finds homocystinuria. Excluded phrases are blanked
    out before matching, so a text that also names a real kidney disease still matches.
    """
    if not text:
        return False
    lowered = text.lower()
    excluded = _any_of(tuple(exclude))
    if excluded is not None:
        lowered = excluded.sub(" ", lowered)
    wanted = _any_of(tuple(needles))
    return wanted is not None and wanted.search(lowered) is not None


@lru_cache(maxsize=64)
def _any_of(needles: tuple[str, ...]) -> re.Pattern[str] | None:
    # Lower-cased pattern against lower-cased text: IGNORECASE alternation is several times slower.
    alternatives = [re.escape(needle.lower()) for needle in needles if needle]
    return re.compile("|".join(alternatives)) if alternatives else None


def raise_row_errors(name: str, errors: list[str], limit: int = 50) -> None:
    """One error naming every bad row (the first `limit`), so a curator fixes the file once."""
    if not errors:
        return
    shown = errors[:limit]
    more = f"\n… and {len(errors) - limit} more" if len(errors) > limit else ""
    raise SourceFormatError(f"{name}: {len(errors)} row error(s):\n" + "\n".join(shown) + more)


def unique_records(records: list[dict[str, Any]], *id_fields: str) -> list[dict[str, Any]]:
    """Records de-duplicated on their stable id, without the file line they came from.

    A gene mapped twice (an HGNC id and a staged symbol) must not count one curation twice. A
    record without its first id field is kept as its own entry.
    """
    first, *rest = id_fields
    seen: dict[tuple[str, ...], dict[str, Any]] = {}
    for record in records:
        clean = {key: value for key, value in record.items() if key != "line"}
        identity = (str(clean.get(first) or len(seen)), *(str(clean.get(f, "")) for f in rest))
        seen.setdefault(identity, clean)
    return list(seen.values())


class TabularSource(EvidenceSource):
    """A source read from one table at `config["url"]`, live or from a local copy of the file.

    Both ways end in `parse_bytes`, so a snapshot and a download are read by the same code.
    """

    def fetch(self) -> ParsedSource:
        url = self.config["url"]
        try:
            content = self.require_fetcher().get_bytes(url)
        except FetchError as error:
            raise SourceFormatError(str(error)) from error
        return self.parse_bytes(content, name=url)

    def parse_file(self, path: Path) -> ParsedSource:
        return self.parse_bytes(Path(path).read_bytes(), name=str(path))

    @abstractmethod
    def parse_bytes(self, content: bytes, *, name: str) -> ParsedSource:
        """The records of the whole file; `name` (URL or path) goes into error messages."""

    def mentions_kidney(self, text: str) -> bool:
        """Whether a disease text matches the configured kidney keywords (minus exclusions)."""
        return text_matches_any(
            text, self.config["kidney_keywords"], self.config.get("kidney_keywords_exclude", ())
        )
