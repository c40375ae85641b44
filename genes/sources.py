"""The evidence-source registry: which sources exist, in what order, under which label.

A source is declared once, on its class in `pipeline.sources` (key, label, description, refresh
period, default configuration, links), and registered with `pipeline.sources.registry.register`,
which lands here. `genes` sits below `pipeline`, so model choices, labels, filters, pages and the
API ask this registry instead of importing the classes — a source added in one module appears
everywhere without other edits (the way NetBox registers its data backends).

Entries are added from `PipelineConfig.ready()`, so read them at call time, never at import time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, TypeVar


class SourceDescriptor(Protocol):
    """What `genes` reads of a source class."""

    key: str
    label: str
    description: str
    order: int
    # Region → web site, for links from evidence to the provider's pages (PanelApp UK / AU).
    sites: Mapping[str, str]


DescriptorT = TypeVar("DescriptorT", bound=type)

_sources: dict[str, type] = {}


class SourceAlreadyRegisteredError(ValueError):
    """Two different classes claim one source key."""


def source_register(descriptor: DescriptorT) -> DescriptorT:
    """Add a source class to the registry; registering the same class again is harmless."""
    key = descriptor.key  # type: ignore[attr-defined]
    existing = _sources.get(key)
    if existing is not None and _qualified_name(existing) != _qualified_name(descriptor):
        raise SourceAlreadyRegisteredError(
            f"source key {key!r} is taken by {_qualified_name(existing)}"
        )
    _sources[key] = descriptor
    return descriptor


def source_unregister(key: str) -> None:
    """Remove a source (tests register throw-away sources and take them out again)."""
    _sources.pop(key, None)


def _qualified_name(descriptor: type) -> str:
    return f"{descriptor.__module__}.{descriptor.__qualname__}"


def source_descriptors() -> list[type[SourceDescriptor]]:
    """Every registered source class in display order."""
    return sorted(_sources.values(), key=lambda source: (source.order, source.key))


def source_descriptor(key: str) -> type[SourceDescriptor] | None:
    return _sources.get(key)


def source_keys() -> list[str]:
    return [source.key for source in source_descriptors()]


def source_choices() -> list[tuple[str, str]]:
    """(key, label) pairs; the model fields take this callable as their `choices`."""
    return [(source.key, source.label) for source in source_descriptors()]


def source_label(key: str) -> str:
    """The display label of a source; an unregistered key (old data) shows as itself."""
    source = _sources.get(key)
    return source.label if source is not None else key
