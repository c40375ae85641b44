"""Curator decisions, uploads and releases; see the curation issue."""
