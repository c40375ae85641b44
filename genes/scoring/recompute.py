"""Recompute every GeneScore row in one transaction, with a constant number of queries."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from genes.config import ALL_SOURCES, scoring_config
from genes.models import GeneScore, ScoreRun, Tier
from genes.scoring.sql import recompute_sql, source_stats_sql


@dataclass(frozen=True)
class ScoreSummary:
    """What a recompute did; printed by `manage.py score` and kept in ScoreRun."""

    genes_scored: int
    tier_counts: dict[str, int]
    duration_seconds: float
    data_version: int
    sources_with_data: int
    source_stats: dict[str, dict[str, int]] = field(default_factory=dict)


def _lock_scores() -> None:
    """Serialise recomputes on PostgreSQL; EXCLUSIVE mode still lets readers SELECT.

    SQLite needs nothing: its IMMEDIATE transactions already admit one writer at a time.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"LOCK TABLE {connection.ops.quote_name(GeneScore._meta.db_table)} "
                "IN EXCLUSIVE MODE"
            )


def _source_stats() -> dict[str, dict[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(source_stats_sql())
        rows = cursor.fetchall()
    stats = {
        source: {"listed": int(listed), "with_count": int(positive or 0)}
        for source, listed, positive in rows
    }
    return {source: stats[source] for source in ALL_SOURCES if source in stats}


def scores_recompute() -> ScoreSummary:
    """Rewrite all GeneScore rows from the Evidence table and bump the data version.

    Readers keep seeing the previous rows until the transaction commits (MVCC on PostgreSQL,
    WAL snapshots on SQLite). The query count does not depend on the number of genes.
    """
    config = scoring_config()
    started = time.perf_counter()
    with transaction.atomic():
        _lock_scores()
        now = timezone.now()
        run = ScoreRun.objects.create(started_at=now, config=config.as_dict())
        stats = _source_stats()
        sql, params = recompute_sql(
            config,
            listed_by_source={source: counts["listed"] for source, counts in stats.items()},
            computed_at=connection.ops.adapt_datetimefield_value(now),
            data_version=run.pk,
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(GeneScore._meta.db_table)}")
            cursor.execute(sql, params)
        counts = dict(
            GeneScore.objects.order_by()
            .values("tier")
            .annotate(genes=Count("gene"))
            .values_list("tier", "genes")
        )
        tier_counts = {tier: counts.get(tier, 0) for tier in Tier.values}
        _run_finish(run, tier_counts=tier_counts, stats=stats, started=started)
    return ScoreSummary(
        genes_scored=run.genes_scored,
        tier_counts=tier_counts,
        duration_seconds=time.perf_counter() - started,
        data_version=run.pk,
        sources_with_data=len(stats),
        source_stats=stats,
    )


def _run_finish(run: ScoreRun, *, tier_counts: dict, stats: dict, started: float) -> None:
    run.finished_at = timezone.now()
    run.duration_ms = round((time.perf_counter() - started) * 1000)
    run.genes_scored = sum(tier_counts.values())
    run.tier_counts, run.source_stats, run.sources_with_data = tier_counts, stats, len(stats)
    fields = ["finished_at", "duration_ms", "genes_scored", "tier_counts", "source_stats"]
    run.save(update_fields=[*fields, "sources_with_data"])


def data_version_current() -> int:
    """The id of the latest committed recompute (0 before the first); one indexed lookup."""
    return ScoreRun.objects.order_by("-id").values_list("id", flat=True).first() or 0


def score_run_latest() -> ScoreRun | None:
    return ScoreRun.objects.order_by("-id").first()
