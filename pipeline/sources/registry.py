"""Source registration and lookup.

A source is one module in this package with one `EvidenceSource` subclass decorated with
`@register`; the class declares everything else (key, label, description, refresh period,
default configuration). `PipelineConfig.ready()` imports every module of the package, so a new
module is found without editing a list; a module that fails to import is logged and only that
source is missing. The entries live in `genes.sources`, where the lower layers read them.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil

from django.conf import settings

from genes.sources import source_descriptor, source_descriptors, source_register
from pipeline.sources.base import EvidenceSource

logger = logging.getLogger(__name__)

REFRESH_PERIODS = ("daily", "weekly", "monthly")


class UnknownSourceError(ValueError):
    """The key names no registered source."""


def register(cls: type[EvidenceSource]) -> type[EvidenceSource]:
    """Class decorator: make `cls` a source of the database."""
    if not (inspect.isclass(cls) and issubclass(cls, EvidenceSource)) or inspect.isabstract(cls):
        raise TypeError(f"{cls!r} is not a concrete EvidenceSource")
    if cls.refresh is not None and cls.refresh not in REFRESH_PERIODS:
        raise ValueError(f"{cls.key}: refresh {cls.refresh!r} is not one of {REFRESH_PERIODS}")
    return source_register(cls)


def sources_autodiscover() -> None:
    """Import every module of this package, so their `@register` decorators run."""
    package = importlib.import_module("pipeline.sources")
    for module in pkgutil.iter_modules(package.__path__, prefix="pipeline.sources."):
        try:
            importlib.import_module(module.name)
        except ImportError:
            logger.exception("source module %s cannot be imported; its source is missing", module)


def source_classes() -> list[type[EvidenceSource]]:
    """Every registered source class in display order."""
    return [cls for cls in source_descriptors() if issubclass(cls, EvidenceSource)]


def source_keys() -> list[str]:
    return [cls.key for cls in source_classes()]


def source_class(key: str) -> type[EvidenceSource]:
    """The source class for `key`; raises UnknownSourceError naming the known keys."""
    cls = source_descriptor(key)
    if cls is None or not issubclass(cls, EvidenceSource):
        raise UnknownSourceError(
            f"unknown source {key!r}; choose one of: {', '.join(source_keys())}"
        )
    return cls


def upload_source_keys() -> list[str]:
    """Sources whose data arrives as curator uploads (merge/replace/undo), not as a download."""
    return [cls.key for cls in source_classes() if cls.uploaded]


def is_upload_source(key: str) -> bool:
    cls = source_descriptor(key)
    return cls is not None and issubclass(cls, EvidenceSource) and cls.uploaded


def refresh_schedule() -> dict[str, str]:
    """Source key → refresh period of every periodically refreshed source.

    The setting PIPELINE_REFRESH (a dict of the same shape) replaces the declared periods.
    """
    override = settings.PIPELINE_REFRESH
    if override is not None:
        return dict(override)
    return {cls.key: cls.refresh for cls in source_classes() if cls.refresh}
