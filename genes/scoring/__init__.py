"""Scoring: the classic evidence count and the 0–100 evidence score with tiers (SCORING.md).

Public API: `scores_recompute()`, `data_version_current()`, `score_explanations(ids)`,
`score_explain(id)`. The rules themselves live in `genes.config`.
"""

from genes.scoring.explain import score_explain, score_explanations
from genes.scoring.recompute import (
    ScoreSummary,
    data_version_current,
    score_run_latest,
    scores_recompute,
)

__all__ = [
    "ScoreSummary",
    "data_version_current",
    "score_explain",
    "score_explanations",
    "score_run_latest",
    "scores_recompute",
]
