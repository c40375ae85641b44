"""Turn an evidence row's `details` JSON into display blocks for the gene page.

The per-source schemas (docs/evidence.md) grow over time, so the page renders any shape: scalars
as facts, lists as inline lists, lists of records as tables. Identifiers become links to their
home (PubMed, HPO, MONDO, OMIM, Orphanet) and URLs become links; missing keys just do not show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from genes.sources import source_descriptors

MAX_TABLE_ROWS = 500
IDENTIFIER_LINKS = (
    (re.compile(r"^HP:\d{7}$"), "https://hpo.jax.org/browse/term/{}"),
    (re.compile(r"^MONDO:\d{7}$"), "https://monarchinitiative.org/{}"),
    (re.compile(r"^(?:OMIM|MIM):(\d+)$"), "https://omim.org/entry/{}"),
    (re.compile(r"^ORPHA(?:NET)?:(\d+)$"), "https://www.orpha.net/en/disease/detail/{}"),
    (re.compile(r"^PMID:(\d+)$"), "https://pubmed.ncbi.nlm.nih.gov/{}/"),
)
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
PMID_KEYS = re.compile(r"(^|_)(pmids?|pubmed(_ids?)?|publications)$")
# Keys shown elsewhere on the page or only useful to the pipeline.
HIDDEN_KEYS = {
    "raw",
    "raw_symbol",
    "hgnc_id",
    "symbol",
    "symbol_key",
    "line",
    "group_key",
    "item_key",
    "records",  # the raw source records kept for re-processing; the summary shows them
}
COLLAPSE_AFTER = 30
# PanelApp listings carry a region and a panel id; the panel's page is on that region's site.


@dataclass
class Block:
    label: str
    kind: str  # "text", "list", "table"
    value: SafeString | None = None
    items: list[SafeString] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows: list[list[SafeString]] = field(default_factory=list)
    hidden_rows: int = 0

    @property
    def collapsed(self) -> bool:
        return len(self.items) > COLLAPSE_AFTER


ACRONYMS = {"url", "hpo", "hgnc", "moi", "omim", "pmid", "id", "gcep", "sop", "mondo", "ncbi"}


def _word(word: str) -> str:
    lower = word.lower()
    if lower in ACRONYMS:
        return word.upper()
    if lower.endswith("s") and lower[:-1] in ACRONYMS:
        return lower[:-1].upper() + "s"
    return word


def humanise(key: str) -> str:
    """`report_url` → `Report URL`, `omim_ids` → `OMIM IDs`."""
    words = [_word(word) for word in str(key).replace("-", "_").split("_") if word]
    return capfirst(" ".join(words)) if words else str(key)


def display_value(key: str, value: Any) -> SafeString:
    """One value, linked when it is a URL, a PMID or a known ontology/disease identifier."""
    if isinstance(value, SafeString):
        return value
    if value is None or value == "":
        return format_html('<span class="muted">—</span>')
    if isinstance(value, bool):
        return format_html("{}", "yes" if value else "no")
    if isinstance(value, float):
        return format_html("{}", f"{value:g}")
    if isinstance(value, list | tuple):
        return format_html_join(", ", "{}", ((display_value(key, v),) for v in value))
    if isinstance(value, dict):
        pairs = ((humanise(k), display_value(k, v)) for k, v in value.items())
        return format_html_join("; ", "{}: {}", pairs)
    text = str(value).strip()
    if ISO_DATETIME.match(text):
        return format_html('<time datetime="{}">{}</time>', text, text[:10])
    if text.startswith(("https://", "http://")):
        return format_html('<a href="{}" rel="noopener">{}</a>', text, urlsplit(text).netloc)
    if PMID_KEYS.search(str(key).lower()) and text.isdigit():
        return format_html('<a href="https://pubmed.ncbi.nlm.nih.gov/{}/">PMID:{}</a>', text, text)
    for pattern, url in IDENTIFIER_LINKS:
        match = pattern.match(text)
        if match:
            target = match.group(1) if match.groups() else text
            return format_html('<a href="{}">{}</a>', url.format(target), text)
    return format_html("{}", text)


def _panel_sites() -> dict[str, str]:
    """Region → web site, as the sources declare them (PanelApp UK and Australia)."""
    return {
        region.upper(): site
        for source in source_descriptors()
        for region, site in source.sites.items()
    }


def _with_panel_link(record: dict, sites: dict[str, str]) -> dict:
    """A PanelApp listing's panel name links to the panel on its region's site."""
    site = sites.get(str(record.get("region", "")).upper())
    if site and record.get("panel_id") and record.get("panel_name"):
        url = f"{site}/panels/{record['panel_id']}/"
        link = format_html('<a href="{}" rel="noopener">{}</a>', url, record["panel_name"])
        return {**record, "panel_name": link}
    return record


def _table(key: str, records: list[dict]) -> Block:
    sites = _panel_sites()
    records = [_with_panel_link(record, sites) for record in records]
    columns: list[str] = []
    for record in records:
        columns.extend(name for name in record if name not in columns and name not in HIDDEN_KEYS)
    rows = [
        [display_value(name, record.get(name)) for name in columns]
        for record in records[:MAX_TABLE_ROWS]
    ]
    return Block(
        label=humanise(key),
        kind="table",
        columns=[humanise(name) for name in columns],
        rows=rows,
        hidden_rows=max(len(records) - MAX_TABLE_ROWS, 0),
    )


def detail_blocks(details: dict[str, Any] | None) -> list[Block]:
    """Facts first (scalars and short lists), then tables, each in the JSON's key order."""
    facts: list[Block] = []
    tables: list[Block] = []
    for key, value in (details or {}).items():
        if key in HIDDEN_KEYS or value in (None, "", [], {}):
            continue
        if isinstance(value, list) and all(isinstance(item, dict) for item in value):
            tables.append(_table(key, value))
        elif isinstance(value, list):
            items = [display_value(key, item) for item in value[:MAX_TABLE_ROWS]]
            facts.append(Block(label=humanise(key), kind="list", items=items))
        else:
            facts.append(Block(label=humanise(key), kind="text", value=display_value(key, value)))
    return facts + tables
