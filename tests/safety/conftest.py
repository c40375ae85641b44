"""Fixtures shared with the pipeline tests (the demo HGNC genes)."""

from tests.pipeline.conftest import demo_genes  # noqa: F401
