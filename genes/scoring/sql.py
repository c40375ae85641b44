"""The set-based SQL behind a recompute: one INSERT … SELECT with window functions.

The same statement runs on PostgreSQL and SQLite (≥ 3.25): PERCENT_RANK, RANK and COUNT OVER
exist on both, every division is done in DOUBLE PRECISION (SQLite reads that type name as REAL),
and sums are written in one fixed order, so both databases produce identical floats.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from genes.config import (
    CLASSIC_SOURCES,
    CLASSIFICATION_COLUMNS,
    COUNT_SOURCES,
    SCORE_COLUMNS,
    ScoringConfig,
    normalise_label,
)
from genes.models import Evidence, GeneScore

DOUBLE = "DOUBLE PRECISION"


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _count_expression(field_by_source: dict[str, str]) -> str:
    """CASE source WHEN … THEN COALESCE(<typed count column>, 0) END; NULL for other sources."""
    whens = " ".join(
        f"WHEN '{source}' THEN COALESCE({_q(field)}, 0)"
        for source, field in field_by_source.items()
    )
    return f"CASE {_q('source')} {whens} END"


def _flag_expression(config: ScoringConfig, params: list[Any]) -> str:
    """Classic flag as 1/0 (NULL for non-classic sources); presence when no threshold."""
    whens = []
    for source in CLASSIC_SOURCES:
        if source.flag_field is None:
            whens.append(f"WHEN '{source.key}' THEN 1")
            continue
        threshold = config.classic_thresholds.get(source.key)
        if threshold is None:
            whens.append(f"WHEN '{source.key}' THEN 1")
            continue
        params.append(threshold)
        whens.append(
            f"WHEN '{source.key}' THEN CASE WHEN COALESCE({_q(source.flag_field)}, 0) >= %s "
            "THEN 1 ELSE 0 END"
        )
    return f"CASE {_q('source')} {' '.join(whens)} END"


def _classification_expression(config: ScoringConfig, params: list[Any]) -> str:
    """The configured weight of the stored (strongest) classification; stored weight otherwise."""
    label = f"LOWER(TRIM({_q('classification')}))"
    source_whens = []
    for source in CLASSIFICATION_COLUMNS:
        weights = config.classification_weights.get(source, {})
        label_whens = []
        for name, weight in weights.items():
            params.extend([normalise_label(name), weight])
            label_whens.append(f"WHEN %s THEN CAST(%s AS {DOUBLE})")
        mapped = f"CASE {label} {' '.join(label_whens)} END" if label_whens else "NULL"
        source_whens.append(
            f"WHEN '{source}' THEN COALESCE({mapped}, "
            f"CAST({_q('classification_weight')} AS {DOUBLE}), CAST(0 AS {DOUBLE}))"
        )
    return f"CASE {_q('source')} {' '.join(source_whens)} END"


def _pivot(column: str, key: str, value: str) -> str:
    return f"MAX(CASE WHEN source_key = '{key}' THEN {value} END) AS {column}"


def _tier_expression(config: ScoringConfig, params: list[Any]) -> str:
    whens = []
    for rule in config.tiers:
        operator = ">=" if rule.inclusive else ">"
        params.extend([rule.min_source_count, rule.min_score, rule.tier])
        whens.append(f"WHEN source_count >= %s AND score {operator} %s THEN %s")
    params.append(config.fallback_tier)
    return f"CASE {' '.join(whens)} ELSE %s END"


def _listed_expression(listed_by_source: dict[str, int], params: list[Any]) -> str:
    """Genes each classic source lists (read in the same transaction), as a DOUBLE constant."""
    whens = []
    for source in CLASSIC_SOURCES:
        params.append(max(listed_by_source.get(source.key, 0), 1))
        whens.append(f"WHEN '{source.key}' THEN CAST(%s AS {DOUBLE})")
    return f"CASE source_key {' '.join(whens)} END"


_FLAGS = [f"{s.column}_flag" for s in CLASSIC_SOURCES]
_PERCENTILES = [f"{s.column}_pct" for s in CLASSIC_SOURCES]
_SCORES = [f"{column}_score" for _, column in SCORE_COLUMNS]
_SOURCE_LIST = ", ".join(f"'{key}'" for key, _ in SCORE_COLUMNS)


def _sum(columns: list[str]) -> str:
    return " + ".join(f"COALESCE({c}, CAST(0 AS {DOUBLE}))" for c in columns)


def _ranked_ctes(config: ScoringConfig, listed_by_source: dict[str, int], params: list) -> str:
    """per_source (typed counts, flag, weight) → ranked (window functions) → per_gene (pivot).

    Classic percentile = average rank / genes listed; the average rank of a tie group is
    (RANK + COUNT(*) up to and including the peers) / 2, so one window serves both.
    """
    score_count = _count_expression({s.key: s.score_field for s in COUNT_SOURCES})
    classic_count = _count_expression({s.key: s.percentile_field for s in CLASSIC_SOURCES})
    flag = _flag_expression(config, params)
    classification = _classification_expression(config, params)
    listed = _listed_expression(listed_by_source, params)
    pivots = [_pivot(f"{s.column}_flag", s.key, "classic_flag") for s in CLASSIC_SOURCES]
    pivots += [_pivot(f"{s.column}_pct", s.key, "classic_percentile") for s in CLASSIC_SOURCES]
    pivots += [_pivot(f"{col}_score", key, "source_score") for key, col in SCORE_COLUMNS]
    return f"""
    per_source AS (
      SELECT {_q("gene_id")} AS gene_id, {_q("source")} AS source_key,
        {score_count} AS score_count, {classic_count} AS classic_count,
        {flag} AS classic_flag, {classification} AS classification_score
      FROM {_q(Evidence._meta.db_table)} WHERE {_q("source")} IN ({_SOURCE_LIST})
    ),
    ranked AS (
      SELECT gene_id, source_key, classic_flag,
        CASE
          WHEN classification_score IS NOT NULL THEN classification_score
          WHEN score_count > 0 THEN PERCENT_RANK() OVER (
            PARTITION BY source_key, CASE WHEN score_count > 0 THEN 1 ELSE 0 END
            ORDER BY score_count)
          ELSE CAST(0 AS {DOUBLE})
        END AS source_score,
        CASE WHEN classic_count IS NULL THEN NULL ELSE (
          CAST(RANK() OVER classic_window AS {DOUBLE})
          + CAST(COUNT(*) OVER classic_window AS {DOUBLE})
        ) / 2 / {listed} END AS classic_percentile
      FROM per_source
      WINDOW classic_window AS (PARTITION BY source_key ORDER BY classic_count)
    ),
    per_gene AS (
      SELECT gene_id, COUNT(*) AS source_count, {", ".join(pivots)}
      FROM ranked GROUP BY gene_id
    )"""


def _totals_cte(sources_with_data: int, params: list) -> str:
    """Classic count, list count, percentile sum and score = 100 × Σ source scores / N."""
    params.append(max(sources_with_data, 1))
    return f"""
    totals AS (
      SELECT per_gene.*,
        {" + ".join(f"COALESCE({f}, 0)" for f in _FLAGS)} AS evidence_count,
        {" + ".join(f"CASE WHEN {f} IS NULL THEN 0 ELSE 1 END" for f in _FLAGS)} AS list_count,
        {_sum(_PERCENTILES)} AS percentile_sum,
        CAST(100 AS {DOUBLE}) * ({_sum(_SCORES)}) / %s AS score
      FROM per_gene
    )"""


def recompute_sql(
    config: ScoringConfig,
    *,
    listed_by_source: dict[str, int],
    computed_at: Any,
    data_version: int,
) -> tuple[str, list[Any]]:
    """INSERT … SELECT that writes every GeneScore row from the Evidence table."""
    params: list[Any] = []
    sources_with_data = len(listed_by_source)
    ranked = _ranked_ctes(config, listed_by_source, params)
    totals = _totals_cte(sources_with_data, params)
    params.append(config.high_evidence_min_count)
    high = "CASE WHEN evidence_count >= %s THEN TRUE ELSE FALSE END"
    tier = _tier_expression(config, params)
    params.extend([sources_with_data, computed_at, data_version])
    as_bool = [f"CASE {f} WHEN 1 THEN TRUE WHEN 0 THEN FALSE END" for f in _FLAGS]
    targets = (
        ["gene_id", "evidence_count", "list_count", *_FLAGS]
        + ["source_count_percentile", "high_evidence", "score", "source_count", *_SCORES]
        + [f"{s.column}_percentile" for s in CLASSIC_SOURCES]
        + ["tier", "sources_with_data", "computed_at", "data_version"]
    )
    values = (
        ["gene_id", "evidence_count", "list_count", *as_bool]
        + ["percentile_sum", high, "score", "source_count", *_SCORES, *_PERCENTILES]
        + [tier, "%s", "%s", "%s"]
    )
    sql = f"""
    WITH {ranked},{totals}
    INSERT INTO {_q(GeneScore._meta.db_table)} ({", ".join(_q(c) for c in targets)})
    SELECT {", ".join(values)} FROM totals
    """
    return sql, params


def source_stats_sql() -> str:
    """Per source: genes listed and genes with a score count > 0 (the n of percent_rank)."""
    score_count = _count_expression({s.key: s.score_field for s in COUNT_SOURCES})
    return f"""
    SELECT {_q("source")}, COUNT(*), SUM(CASE WHEN {score_count} > 0 THEN 1 ELSE 0 END)
    FROM {_q(Evidence._meta.db_table)} WHERE {_q("source")} IN ({_SOURCE_LIST})
    GROUP BY {_q("source")}
    """
