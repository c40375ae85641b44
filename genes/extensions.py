"""Extension points that let later apps add to gene pages, gene detail and the gene list.

Imports point one way (curation → pipeline → annotations → genes), so `genes` never imports
the apps that add annotations or curator decisions. Those apps register here from their
`AppConfig.ready()`; the API and the pages ask the registry.

A *home block* adds a panel to the home page from a loader without arguments.

A *section* is a batch loader: given gene ids it returns a JSON-serialisable payload per gene id
(genes without data are simply absent), in a constant number of queries. A *list filter*
narrows a `GeneScore` queryset from one raw query-string value and raises `ValueError` with a
human-readable message when the value is invalid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

SectionLoader = Callable[[list[int]], dict[int, Any]]
FilterApply = Callable[[QuerySet, str], QuerySet]


@dataclass(frozen=True)
class GeneSection:
    name: str
    loader: SectionLoader
    title: str
    template: str | None = None
    order: int = 100


@dataclass(frozen=True)
class GeneListFilter:
    name: str
    apply: FilterApply
    description: str
    value_type: str = "string"


@dataclass(frozen=True)
class HomeBlock:
    name: str
    loader: Callable[[], Any]
    template: str
    order: int = 100


_sections: dict[str, GeneSection] = {}
_home_blocks: dict[str, HomeBlock] = {}
_filters: dict[str, GeneListFilter] = {}


def register_gene_section(
    name: str,
    loader: SectionLoader,
    *,
    title: str,
    template: str | None = None,
    order: int = 100,
) -> None:
    _sections[name] = GeneSection(name, loader, title, template, order)


def register_gene_list_filter(
    name: str, apply: FilterApply, *, description: str, value_type: str = "string"
) -> None:
    _filters[name] = GeneListFilter(name, apply, description, value_type)


def gene_sections() -> list[GeneSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.name))


def gene_section_payloads(gene_ids: Iterable[int]) -> dict[str, dict[int, Any]]:
    ids = list(gene_ids)
    return {section.name: section.loader(ids) for section in gene_sections()}


def gene_list_filters() -> dict[str, GeneListFilter]:
    return dict(_filters)


def register_home_block(
    name: str, loader: Callable[[], Any], *, template: str, order: int = 100
) -> None:
    """A block on the home page (e.g. the latest release and how to cite it)."""
    _home_blocks[name] = HomeBlock(name, loader, template, order)


def home_blocks() -> list[HomeBlock]:
    return sorted(_home_blocks.values(), key=lambda block: (block.order, block.name))
