"""The pipeline API's tests use the gene API's scored genes and its clean throttle cache."""

from tests.genes.api.conftest import _fresh_throttle_history, genes, source_keys  # noqa: F401
