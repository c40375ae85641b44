"""App-free helpers shared by every app: fetching, parsing, logging, middleware, API plumbing.

Nothing here imports a project app (genes, annotations, pipeline, curation, core); apps import
from here, never the other way (tests/architecture/test_import_direction.py checks it).
"""
