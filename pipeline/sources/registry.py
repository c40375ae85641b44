"""Source key → source class.

Modules are imported by dotted path on first use, so a source module that is missing or broken
only affects that source. The class is the `EvidenceSource` subclass in the module whose `key`
matches, so the registry does not depend on class names.
"""

from __future__ import annotations

import importlib
import inspect

from genes.models import SourceKey
from pipeline.sources.base import EvidenceSource

SOURCE_MODULES: dict[str, str] = {
    SourceKey.PANELAPP: "pipeline.sources.panelapp",
    SourceKey.CLINGEN: "pipeline.sources.clingen",
    SourceKey.GENCC: "pipeline.sources.gencc",
    SourceKey.HPO: "pipeline.sources.hpo",
    SourceKey.PUBTATOR: "pipeline.sources.pubtator",
    SourceKey.LITERATURE: "pipeline.sources.literature",
    SourceKey.DIAGNOSTIC_PANELS: "pipeline.sources.diagnostic_panels",
}

# Sources whose data arrives as curator uploads (merge/replace/undo), not as a download.
UPLOAD_SOURCES: frozenset[str] = frozenset({SourceKey.LITERATURE, SourceKey.DIAGNOSTIC_PANELS})


class UnknownSourceError(LookupError):
    """The key names no source, or its module cannot be imported."""


def source_keys() -> list[str]:
    return list(SOURCE_MODULES)


def source_class(key: str) -> type[EvidenceSource]:
    """The source class for `key`; raises UnknownSourceError with the reason."""
    module_path = SOURCE_MODULES.get(key)
    if module_path is None:
        raise UnknownSourceError(
            f"unknown source {key!r}; choose one of: {', '.join(SOURCE_MODULES)}"
        )
    try:
        module = importlib.import_module(module_path)
    except ImportError as error:
        raise UnknownSourceError(f"source {key!r} is not available ({error})") from error
    for _, member in inspect.getmembers(module, inspect.isclass):
        if (
            issubclass(member, EvidenceSource)
            and not inspect.isabstract(member)
            and getattr(member, "key", None) == key
        ):
            return member
    raise UnknownSourceError(f"{module_path} defines no EvidenceSource with key {key!r}")
