"""The small base every evidence source stands on.

A source class declares its key, label and default configuration and turns the provider's data
into `SourceRecord`s (`fetch` for live/replayed URLs, `parse_file` for a local file). It also
says how the records of one gene become one `Evidence` row (`summarise`). Everything else —
normalising symbols, staging what cannot be mapped, writing evidence in one transaction, the
run record and progress — belongs to the run service (`pipeline.services`), not to the source.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from genes.models import SourceKey
from kidney_genetics.fetching import Fetcher


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


class EvidenceSource(ABC):
    key: ClassVar[SourceKey]
    label: ClassVar[str]
    default_config: ClassVar[dict[str, Any]] = {}

    def __init__(
        self,
        *,
        fetcher: Fetcher | None = None,
        config: dict[str, Any] | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.config = {**self.default_config, **(config or {})}
        self.progress = progress or _no_progress

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
