"""Writes of the annotations app: running a provider's load, recomputing PPI scores.

A run is recorded before it starts (so a failure leaves a record), and the provider's rows are
replaced inside one transaction, so a bad file leaves the previous data in place.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from annotations.loaders import LOADERS, AnnotationFormatError
from annotations.loaders.base import Progress
from annotations.matching import GeneMatcher
from annotations.models import AnnotationRun, Provider, RunStatus
from annotations.ppi import ppi_scores_write
from common.caching import data_version_bump
from common.fetching import Fetcher, FetchError

logger = logging.getLogger(__name__)
EXPECTED_ERRORS = (AnnotationFormatError, FetchError, OSError)


def annotation_run_execute(
    *,
    provider: str,
    files: list[Path] | None = None,
    snapshot: Path | None = None,
    fetcher: Fetcher | None = None,
    progress: Progress | None = None,
) -> AnnotationRun:
    """Load one provider from files, a snapshot or live URLs; returns the recorded run.

    Expected failures (bad format, fetch errors) end as a failed run with the message in
    `error`; anything else is recorded too and re-raised.
    """
    if provider not in LOADERS:
        raise ValueError(f"unknown provider {provider!r}; choose from {', '.join(LOADERS)}")
    loader = LOADERS[provider]()
    run = AnnotationRun.objects.create(provider=provider)
    resolved = None
    try:
        resolved = loader.resolve(files=files, snapshot=snapshot, fetcher=fetcher)
        run.inputs = dict(resolved.labels)
        run.checksum = resolved.checksum()
        with transaction.atomic():
            stats = loader.load(resolved, run=run, matcher=GeneMatcher(), progress=progress)
            run.status = RunStatus.COMPLETED
            run.source_version = stats.source_version[:128]
            run.rows_read = stats.rows_read
            run.genes_matched = stats.genes_matched
            run.rows_unmatched = stats.rows_unmatched
            run.records_written = stats.records_written
            run.finished_at = timezone.now()
            run.save()
    except EXPECTED_ERRORS as error:
        _fail(run, str(error))
    except Exception as error:
        _fail(run, f"{type(error).__name__}: {error}")
        raise
    finally:
        if resolved is not None:
            resolved.cleanup()
    return run


def annotation_run_all(*, snapshot: Path | None = None, progress_for=None) -> list[AnnotationRun]:
    """Every provider in turn; each is its own run and transaction, failures do not stop others."""
    runs = []
    for provider in Provider.values:
        progress = progress_for(provider) if progress_for else None
        runs.append(annotation_run_execute(provider=provider, snapshot=snapshot, progress=progress))
    return runs


@transaction.atomic
def ppi_scores_recompute() -> int:
    """Refresh PPI scores after evidence scores changed, without re-reading STRING."""
    written = ppi_scores_write()
    # No AnnotationRun marks this change, so cached reads learn of it through the counter.
    transaction.on_commit(data_version_bump)
    return written


def _fail(run: AnnotationRun, message: str) -> None:
    logger.warning("annotation run %s (%s) failed: %s", run.pk, run.provider, message)
    run.status = RunStatus.FAILED
    run.error = message
    run.finished_at = timezone.now()
    run.save()
