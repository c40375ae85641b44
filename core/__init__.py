"""Operations across every app: health, version, metrics and loading the demo snapshot.

The top layer: it may import any app; no app imports it.
"""
