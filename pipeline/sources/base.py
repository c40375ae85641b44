"""The small base every evidence source stands on.

A source class declares what the database knows of it — key, label, description, display order,
refresh period, default configuration — registers itself (`pipeline.sources.registry.register`)
and turns the provider's data
into `SourceRecord`s (`fetch` for live/replayed URLs, `parse_file` for a local file). It also
says how the records of one gene become one `Evidence` row (`summarise`). Everything else —
normalising symbols, staging what cannot be mapped, writing evidence in one transaction, the
run record and progress — belongs to the run service (`pipeline.services`), not to the source.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from common.fetching import Fetcher, FetchError, FetchMode, RetryPolicy
from pipeline.sources.config import config_resolve


class SourceFormatError(Exception):
    """The provider's data is malformed; the message names the file/URL, line and problem."""


@dataclass
class SourceRecord:
    """One raw gene-level item: a panel listing, a curation, a submission, a mention..."""

    symbol: str
    hgnc_id: str | None = None
    ncbi_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


@dataclass
class ParsedSource:
    records: list[SourceRecord]
    version: str = ""
    log: list[str] = field(default_factory=list)


@dataclass
class EvidenceSummary:
    """What one gene's records add up to: the typed columns of `genes.Evidence` plus details."""

    details: dict[str, Any]
    panel_count: int | None = None
    supporting_panel_count: int | None = None
    publication_count: int | None = None
    mention_pair_count: int | None = None
    phenotype_count: int | None = None
    disease_count: int | None = None
    classification: str = ""
    classification_weight: float | None = None


ProgressCallback = Callable[..., None]


def _no_progress(**_: Any) -> None:
    return None


def _no_checkpoint(state: dict[str, Any]) -> None:
    return None


class EvidenceSource(ABC):
    # The key is used in URLs, commands, exports and the `source` columns; never rename it.
    key: ClassVar[str]
    label: ClassVar[str]
    # One or two sentences for the public sources page: what the source contributes.
    description: ClassVar[str] = ""
    # Position in lists, pages and exports (lower first).
    order: ClassVar[int] = 100
    # "daily", "weekly" or "monthly" for a periodic refresh; None for no schedule.
    refresh: ClassVar[str | None] = None
    # Curators upload the data (merge/replace/undo) instead of the pipeline fetching it.
    uploaded: ClassVar[bool] = False
    # Region → the provider's web site, for links from evidence to its pages.
    sites: ClassVar[Mapping[str, str]] = {}
    default_config: ClassVar[dict[str, Any]] = {}

    def __init__(
        self,
        *,
        fetcher: Fetcher | None = None,
        config: dict[str, Any] | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.fetcher = fetcher
        # Defaults of the class merged with SOURCE_OVERRIDES, then what the caller passes.
        self.config = {**config_resolve(self.key, self.default_config), **(config or {})}
        self.progress = progress or _no_progress
        # A crawl that can resume reads `resume_state` (saved by an earlier failed run) and
        # hands its own state to `checkpoint` now and then; the run service wires both.
        self.resume_state: dict[str, Any] | None = None
        self.checkpoint: Callable[[dict[str, Any]], None] = _no_checkpoint

    @abstractmethod
    def fetch(self) -> ParsedSource:
        """Read the provider through `self.fetcher` (live, record or replay)."""

    def parse_file(self, path: Path) -> ParsedSource:
        """Read a local file in the provider's download format."""
        raise SourceFormatError(f"{self.label} cannot read a local file; use a snapshot")

    @classmethod
    @abstractmethod
    def summarise(cls, records: list[dict[str, Any]]) -> EvidenceSummary:
        """Combine the `data` of one gene's records into its evidence row (pure function)."""

    @classmethod
    def records_from_details(cls, details: dict[str, Any]) -> list[dict[str, Any]]:
        """The record data an evidence row was summarised from (to merge a mapped staged record).

        The run service stores them under `details["records"]` unless the summary already does.
        """
        records = details.get("records")
        return list(records) if isinstance(records, list) else []

    def require_fetcher(self) -> Fetcher:
        if self.fetcher is None:
            raise SourceFormatError(f"{self.label} needs a fetcher (live, record or replay)")
        return self.fetcher


def fetcher_build(
    config: dict[str, Any],
    *,
    mode: FetchMode | str,
    snapshot_dir: Path | str | None = None,
    session: Any = None,
    sleep: Callable[[float], None] | None = None,
) -> Fetcher:
    """A Fetcher with the retry policy and per-host rate limits from a source's config."""
    http = config.get("http", {})
    policy = RetryPolicy(
        attempts=int(http.get("attempts", 5)),
        backoff_base=float(http.get("backoff_base", 1.0)),
        backoff_max=float(http.get("backoff_max", 60.0)),
        timeout=(float(http.get("connect_timeout", 10.0)), float(http.get("read_timeout", 120.0))),
        circuit_threshold=int(http.get("circuit_threshold", 8)),
    )
    extra: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
    return Fetcher(
        mode,
        snapshot_dir,
        policy=policy,
        rate_limits=dict(config.get("rate_limits", {})),
        session=session,
        **extra,
    )


def json_object(fetcher: Fetcher, url: str, *, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Fetch a JSON object and check it has the keys the parser relies on."""
    try:
        payload = fetcher.get_json(url)
    except FetchError as error:
        raise SourceFormatError(str(error)) from error
    if not isinstance(payload, dict):
        raise SourceFormatError(f"{url}: expected a JSON object, got {type(payload).__name__}")
    missing = [key for key in required if key not in payload]
    if missing:
        raise SourceFormatError(f"{url}: response lacks key(s) {', '.join(missing)}")
    return payload


def paginate_next(
    fetcher: Fetcher, first_url: str, *, results_key: str = "results", max_pages: int = 1000
) -> Iterator[tuple[str, list[Any]]]:
    """Yield (url, results) for a DRF-style paginated list, following `next` verbatim.

    The first page's `count` is a completeness signal: when the pages read hold a different
    number of entries (a page cut short, `next` missing early), the list is incomplete and the
    run must fail rather than shrink the source.
    """
    url: str | None = first_url
    seen: set[str] = set()
    expected: int | None = None
    read = 0
    while url:
        if url in seen:
            raise SourceFormatError(f"{url}: pagination loops back to a page already read")
        if len(seen) >= max_pages:
            raise SourceFormatError(f"{first_url}: more than {max_pages} pages; giving up")
        seen.add(url)
        page = json_object(fetcher, url, required=(results_key,))
        results = page[results_key]
        if not isinstance(results, list):
            raise SourceFormatError(f"{url}: '{results_key}' is not a list")
        if expected is None and isinstance(page.get("count"), int):
            expected = page["count"]
        read += len(results)
        yield url, results
        next_url = page.get("next")
        if next_url is not None and not isinstance(next_url, str):
            raise SourceFormatError(f"{url}: 'next' is not a URL")
        url = next_url
    if expected is not None and read != expected:
        raise SourceFormatError(
            f"{first_url}: the API reports {expected} entries but {len(seen)} page(s) held "
            f"{read}; the list is incomplete"
        )
