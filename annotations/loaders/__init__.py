"""One loader per annotation provider; `LOADERS` maps the provider key to its class."""

from annotations.loaders.base import AnnotationFormatError, AnnotationLoader
from annotations.loaders.clinvar import ClinVarLoader
from annotations.loaders.gnomad import GnomadLoader
from annotations.loaders.gtex import GtexLoader
from annotations.loaders.hpo import HpoLoader
from annotations.loaders.string import StringLoader

LOADERS: dict[str, type[AnnotationLoader]] = {
    loader.provider.value: loader
    for loader in (GnomadLoader, ClinVarLoader, GtexLoader, HpoLoader, StringLoader)
}

__all__ = ["LOADERS", "AnnotationFormatError", "AnnotationLoader"]
