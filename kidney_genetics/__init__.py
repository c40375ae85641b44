"""The Kidney Genetics Database Django project."""

__version__ = "0.1.0"
