"""The shrink guard: a run that would make a source much smaller is held, not applied.

A download cut short at a line end, or a truncated export, parses cleanly and would replace a
source's evidence with a fraction of it (ClinGen 29 → 5 genes) and recompute every score from
that. So before writing, the run service compares the number of genes the run would leave with
the number the source has now (what its last successful run, plus curators' mappings, left).
When the run would drop more than `max_drop_percent` % of them, or leave fewer than
`min_genes`, it ends as `held` with a message saying how many genes it would drop; the previous
evidence and scores stay, and what the run read is kept in a HeldResult. A curator applies it
with the admin action, `POST /api/runs/{id}/confirm/` or `manage.py ingest SOURCE
--accept-shrink` (which re-reads and applies whatever it reads).

Replace-mode uploads follow the same rule per provider/publication, with its own percentage
(settings.UPLOAD_REPLACE_MAX_DROP_PERCENT): replacing a provider's 45 rows by 3 needs confirming.
"""

from __future__ import annotations

import base64
import math
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from genes.models import Evidence
from pipeline.events import run_event_publish
from pipeline.models import HeldResult, RunStatus, SourceRun, UploadedEntry
from pipeline.sources.base import ParsedSource, SourceRecord
from pipeline.sources.config import source_config

CONFIRM_HINT = (
    "confirm it in the admin, with POST /api/runs/{id}/confirm/, "
    "or `ingest {source} --accept-shrink`"
)


class HeldResultError(Exception):
    """A held run cannot be confirmed (not held, nothing kept, or superseded by a later run)."""


@dataclass(frozen=True)
class ShrinkLimits:
    max_drop_percent: float
    min_genes: int


@dataclass(frozen=True)
class Shrink:
    """A drop the guard refuses to apply without confirmation."""

    before: int
    after: int

    @property
    def dropped(self) -> int:
        return self.before - self.after

    @property
    def percent(self) -> float:
        return 100.0 * self.dropped / self.before if self.before else 0.0


def shrink_limits(source: str) -> ShrinkLimits:
    """The source's guard from its config (`shrink_guard`, overridable in SOURCE_OVERRIDES)."""
    guard = source_config(source).get("shrink_guard") or {}
    return ShrinkLimits(
        max_drop_percent=float(guard.get("max_drop_percent", 20)),
        min_genes=int(guard.get("min_genes", 10)),
    )


def shrink_verdict(before: int, after: int, limits: ShrinkLimits) -> Shrink | None:
    """The shrink when going from `before` to `after` genes breaks the limits, else None.

    Dropping exactly `max_drop_percent` % is allowed; one gene more is not. Landing below
    `min_genes` is refused only when it is a drop (a source that was always small stays small).
    """
    if before <= 0 or after >= before:
        return None
    allowed_drop = math.floor(before * limits.max_drop_percent / 100 + 1e-9)
    if before - after > allowed_drop or after < limits.min_genes:
        return Shrink(before=before, after=after)
    return None


def source_shrink_check(source: str, gene_count: int) -> Shrink | None:
    """Would a run leaving `gene_count` genes shrink `source` past its limits?"""
    before = Evidence.objects.filter(source=source).count()
    return shrink_verdict(before, gene_count, shrink_limits(source))


def _hint(run: SourceRun) -> str:
    return CONFIRM_HINT.format(id=run.pk, source=run.source)


def run_hold(*, run: SourceRun, parsed: ParsedSource, shrink: Shrink, log: list[str]) -> None:
    """End `run` as held, keeping the parsed records for a later confirmation."""
    message = (
        f"held: would drop {shrink.dropped} of {shrink.before} genes "
        f"({shrink.percent:.0f} %, leaving {shrink.after}); the previous evidence is kept; "
        + _hint(run)
    )
    log.append(message)
    with transaction.atomic():
        HeldResult.objects.update_or_create(
            run=run,
            defaults={
                "kind": "records",
                "version": parsed.version[:128],
                "payload": {"records": [asdict(record) for record in parsed.records]},
                "genes_before": shrink.before,
                "genes_after": shrink.after,
            },
        )
        run.status, run.finished_at, run.phase = RunStatus.HELD, timezone.now(), "held"
        run.gene_count = shrink.after
        run.message, run.error = message[:512], ""
        run.log = "\n".join(log)
        run.save()
    run_event_publish(run, force=True)


def upload_replace_shrink(source: str, rows_per_group: dict[str, int]) -> list[tuple[str, Shrink]]:
    """The providers/publications a replace would shrink past UPLOAD_REPLACE_MAX_DROP_PERCENT."""
    limit = float(settings.UPLOAD_REPLACE_MAX_DROP_PERCENT)
    limits = ShrinkLimits(max_drop_percent=limit, min_genes=0)
    active = dict(
        UploadedEntry.objects.filter(source=source, active=True, group_key__in=list(rows_per_group))
        .values_list("group_key")
        .annotate(rows=Count("pk"))
        .order_by()
    )
    shrinks = []
    for group, rows in sorted(rows_per_group.items()):
        shrink = shrink_verdict(active.get(group, 0), rows, limits)
        if shrink is not None:
            shrinks.append((group, shrink))
    return shrinks


def upload_hold(
    *, source: str, file_name: str, content: bytes, mode: str, user: Any,
    shrinks: list[tuple[str, Shrink]],
) -> SourceRun:  # fmt: skip
    """Record a held replace upload (a held run plus the file) and return the run."""
    worst = ", ".join(
        f"{group}: {shrink.dropped} of {shrink.before} rows ({shrink.percent:.0f} %)"
        for group, shrink in shrinks[:5]
    )
    with transaction.atomic():
        run = SourceRun.objects.create(
            source=source, mode="file", status=RunStatus.HELD, triggered_by=user, phase="held",
            started_at=timezone.now(), finished_at=timezone.now(),
        )  # fmt: skip
        message = f"held: replacing with {file_name} would drop {worst}; nothing changed; "
        run.message = (message + _hint(run))[:512]
        run.log = message + _hint(run)
        run.save(update_fields=["message", "log"])
        HeldResult.objects.create(
            run=run,
            kind="upload",
            version=f"file {file_name}"[:128],
            payload={
                "file_name": file_name,
                "mode": mode,
                "content_base64": base64.b64encode(content).decode("ascii"),
            },
            genes_before=sum(shrink.before for _, shrink in shrinks),
            genes_after=sum(shrink.after for _, shrink in shrinks),
        )
    run_event_publish(run, force=True)
    return run


def _superseding_run(run: SourceRun) -> SourceRun | None:
    return (
        SourceRun.objects.filter(source=run.source, pk__gt=run.pk, status=RunStatus.COMPLETED)
        .order_by("-pk")
        .first()
    )


def held_run_confirm(*, run: SourceRun, user: Any = None) -> SourceRun:
    """Apply what a held run read, in one transaction with the score recompute.

    Refused when the run is not held, or when a later run of the source completed meanwhile
    (confirming would replace newer evidence with older).
    """
    from pipeline.services.runs import held_records_apply
    from pipeline.services.uploads import upload_commit

    if run.status != RunStatus.HELD:
        raise HeldResultError(f"run #{run.pk} is {run.status}, not held; nothing to confirm")
    held = HeldResult.objects.filter(run=run).first()
    if held is None:
        raise HeldResultError(f"run #{run.pk} kept no result to apply; run the source again")
    newer = _superseding_run(run)
    if newer is not None:
        raise HeldResultError(
            f"run #{newer.pk} of {run.source} completed after run #{run.pk}; "
            "confirming would replace newer evidence with older"
        )
    who = getattr(user, "username", "") or "a curator"
    note = f"confirmed by {who}: applied despite dropping {held.genes_before - held.genes_after}"
    if held.kind == "upload":
        payload = held.payload
        upload_commit(
            source=run.source,
            file_name=payload["file_name"],
            content=base64.b64decode(payload["content_base64"]),
            mode=payload["mode"],
            user=user,
            accept_shrink=True,
            run=run,
            note=f"{note} rows",
        )
    else:
        records = [SourceRecord(**record) for record in held.payload.get("records", [])]
        parsed = ParsedSource(records=records, version=held.version)
        held_records_apply(run=run, parsed=parsed, note=f"{note} genes")
    HeldResult.objects.filter(run=run).delete()
    run.refresh_from_db()
    return run
