"""PubTator3: genes mentioned in kidney-disease literature, from the search API's highlights.

The crawl requests `search/?text=QUERY&page=N` (exactly these two parameters) for every page the
API reports, at most 3 requests/s (the Fetcher's per-host rate limit). Each result's `text_hl`
marks genes as `@GENE_<symbol> @GENE_<ncbi id> @@@<mention>@@@`; genes are mapped through the
NCBI id. A crawl saves its state every few pages, so a failed crawl resumes where it stopped.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from common.fetching import FetchMode
from pipeline.sources.base import (
    EvidenceSource,
    EvidenceSummary,
    ParsedSource,
    SourceFormatError,
    SourceRecord,
    json_object,
)
from pipeline.sources.registry import register

GENE_MENTION = re.compile(r"@GENE_(\S+)\s+@GENE_(\d+(?:;\d+)*)\s+@@@(.*?)@@@", re.DOTALL)
TAG = re.compile(r"</?m>")

# One mention: (PMID, NCBI gene id, PubTator's symbol, mention text).
Mention = tuple[str, str, str, str]


def mentions_from_result(result: dict[str, Any], where: str) -> list[Mention]:
    """The distinct gene mentions of one search result."""
    if not isinstance(result, dict):
        raise SourceFormatError(f"{where}: a result is not an object")
    pmid = result.get("pmid")
    if pmid in (None, ""):
        raise SourceFormatError(f"{where}: a result has no 'pmid'")
    text = result.get("text_hl") or ""
    if not isinstance(text, str):
        raise SourceFormatError(f"{where}: 'text_hl' of PMID {pmid} is not text")
    found: dict[Mention, None] = {}
    for symbol, ncbi_ids, mention in GENE_MENTION.findall(text):
        cleaned = " ".join(TAG.sub("", mention).split())
        for ncbi_id in ncbi_ids.split(";"):
            found[(str(pmid), ncbi_id, symbol, cleaned)] = None
    return list(found)


@register
class PubTatorSource(EvidenceSource):
    key = "pubtator"
    label = "PubTator"
    description = (
        "Text-mined gene mentions from PubTator in PubMed articles about kidney disease, "
        "with the PMIDs."
    )
    order = 50
    refresh = "monthly"
    default_config: ClassVar[dict[str, Any]] = {
        "search_url": "https://www.ncbi.nlm.nih.gov/research/pubtator3-api/search/",
        "query": (
            '("kidney disease" OR "renal disease") AND (gene OR syndrome) AND (variant OR mutation)'
        ),
        # None = crawl every page the API reports; an integer caps the crawl.
        "max_pages": None,
        # Save crawl state every this many pages so a failed crawl resumes from there.
        "checkpoint_every": 25,
        "rate_limits": {"www.ncbi.nlm.nih.gov": 3.0},
    }

    def page_url(self, page: int) -> str:
        query = urlencode({"text": self.config["query"], "page": page}, quote_via=quote)
        return f"{self.config['search_url']}?{query}"

    def fetch(self) -> ParsedSource:
        fetcher = self.require_fetcher()
        query = self.config["query"]
        mentions, page, last_page, log = self._resume(query)
        checkpoint_every = max(1, int(self.config["checkpoint_every"]))
        max_pages = self.config.get("max_pages")
        count = None
        # Completeness: a crawl from page 1 to the last page reports how many hits it read.
        complete_crawl, hits_read, page_size = page == 1, 0, None
        while last_page is None or page <= last_page:
            url = self.page_url(page)
            response = json_object(fetcher, url, required=("results",))
            if last_page is None:
                last_page, count = self._page_count(response, url, max_pages)
                page_size = response.get("page_size")
            results = response["results"]
            if not isinstance(results, list):
                raise SourceFormatError(f"{url}: 'results' is not a list")
            hits_read += len(results)
            for result in results:
                mentions.extend(mentions_from_result(result, url))
            self.progress(
                phase="fetch", current=page, total=last_page,
                message=f"PubTator page {page} of {last_page}: {len(mentions)} mentions",
            )  # fmt: skip
            if page % checkpoint_every == 0 and fetcher.mode != FetchMode.REPLAY:
                self.checkpoint(self._state(query, page + 1, last_page, count, mentions))
            page += 1
        if complete_crawl and not max_pages:
            self._check_complete(count, page_size, last_page, hits_read, query)
        if not mentions:
            raise SourceFormatError(f"PubTator search for {query!r} found no gene mentions")
        records = [
            SourceRecord(
                symbol=symbol,
                ncbi_id=ncbi_id,
                data={"pmid": pmid, "ncbi_id": ncbi_id, "symbol": symbol, "mention": mention},
            )
            for pmid, ncbi_id, symbol, mention in dict.fromkeys(mentions)
        ]
        log.append(f"query {query!r}: {last_page} pages, {len(records)} distinct mentions")
        hits = f"{count} hits" if count is not None else f"{last_page} pages"
        return ParsedSource(records=records, version=f"PubTator3 search, {hits}", log=log)

    def _resume(self, query: str) -> tuple[list[Mention], int, int | None, list[str]]:
        state = self.resume_state or {}
        if state.get("query") != query or not state.get("next_page"):
            return [], 1, None, []
        mentions = [tuple(item) for item in state.get("mentions", [])]
        page = int(state["next_page"])
        message = f"resuming the crawl at page {page} with {len(mentions)} mentions"
        return mentions, page, int(state["last_page"]), [message]

    @staticmethod
    def _check_complete(
        count: Any, page_size: Any, last_page: int, hits_read: int, query: str
    ) -> None:
        """Fail when the pages read hold fewer or more hits than the API's total says.

        The expected number is `count`, capped at what `total_pages` pages of `page_size` hold
        (the API may stop paging before its hit count).
        """
        if not isinstance(count, int):
            return
        expected = count
        if isinstance(page_size, int) and page_size > 0:
            expected = min(count, last_page * page_size)
        if hits_read != expected:
            raise SourceFormatError(
                f"PubTator search for {query!r}: the API reports {expected} hits in {last_page} "
                f"page(s) but {hits_read} were read; the crawl is incomplete"
            )

    @staticmethod
    def _page_count(response: dict[str, Any], url: str, max_pages: Any) -> tuple[int, Any]:
        total_pages = response.get("total_pages")
        if not isinstance(total_pages, int) or total_pages < 0:
            raise SourceFormatError(f"{url}: 'total_pages' missing or not a number")
        if max_pages:
            total_pages = min(total_pages, int(max_pages))
        return max(total_pages, 1), response.get("count")

    @staticmethod
    def _state(
        query: str, next_page: int, last_page: int, count: Any, mentions: list[Mention]
    ) -> dict[str, Any]:
        return {
            "query": query,
            "next_page": next_page,
            "last_page": last_page,
            "count": count,
            "mentions": [list(item) for item in mentions],
        }

    @classmethod
    def summarise(cls, records: list[dict[str, Any]]) -> EvidenceSummary:
        pairs = sorted({(str(r["pmid"]), r["mention"]) for r in records})
        pmids = sorted({pmid for pmid, _ in pairs}, key=lambda p: (len(p), p))
        return EvidenceSummary(
            details={
                "pmids": pmids,
                "mention_pairs": [list(pair) for pair in pairs],
                "mentions": sorted({mention for _, mention in pairs}),
                "ncbi_ids": sorted({str(r["ncbi_id"]) for r in records}),
                "symbols": sorted({r["symbol"] for r in records}),
            },
            publication_count=len(pmids),
            mention_pair_count=len(pairs),
        )

    @classmethod
    def records_from_details(cls, details: dict[str, Any]) -> list[dict[str, Any]]:
        ncbi_ids, symbols = details.get("ncbi_ids") or [""], details.get("symbols") or [""]
        return [
            {"pmid": pmid, "mention": mention, "ncbi_id": ncbi_ids[0], "symbol": symbols[0]}
            for pmid, mention in details.get("mention_pairs") or []
        ]
