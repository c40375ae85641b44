"""Per-gene explanations of the classic count and the evidence score (API and gene page).

Three queries for any number of genes: the score rows, the evidence rows and the latest
ScoreRun (whose stored rules and per-source gene counts explain thresholds and ranks).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.db.models.fields.json import KT

from genes.config import (
    CLASSIC_SOURCES,
    CLASSIFICATION_COLUMNS,
    COUNT_SOURCES,
    SCORE_COLUMNS,
    ScoringConfig,
    config_from_dict,
    scoring_config,
)
from genes.models import (
    EVIDENCE_SUMMARY_FIELDS,
    Evidence,
    GeneScore,
    ScoreRun,
    Tier,
    format_hgnc_id,
)
from genes.sources import source_label

_EVIDENCE_FIELDS = ("gene_id", "source", *EVIDENCE_SUMMARY_FIELDS)
_COUNT_SOURCES = {s.key: s for s in COUNT_SOURCES}


# The plural word of a count label: its last word, or the one before a closing parenthesis
# ("diagnostic panels (distinct provider, panel)", "distinct (PMID, mention text) pairs").
_LABEL_PLURAL = re.compile(r"(\w)s(?=( \([^)]*\))?$)")


def counted(count: int | None, label: str) -> str:
    """ "1 curated publication", "2 curated publications": count labels are written plural."""
    words = _LABEL_PLURAL.sub(r"\1", label, count=1) if count == 1 else label
    return f"{count} {words}"


def _number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _json_list(raw: Any) -> list:
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return [raw]
    return raw if isinstance(raw, list) else []


def _classifications(row: dict, best: str) -> list[str]:
    """Every classification the source gave, in the order ingestion stored them.

    Ingestion keeps them as details["curations"] (ClinGen) or details["submissions"] (GenCC),
    each with a "classification"; a plain details["classifications"] list is read as well.
    """
    values = [str(v) for v in _json_list(row["classifications_raw"]) if v]
    for key in ("curations_raw", "submissions_raw"):
        values += [
            str(item["classification"])
            for item in _json_list(row[key])
            if isinstance(item, dict) and item.get("classification")
        ]
    return values or ([best] if best else [])


def _classic_entry(source, row, score: GeneScore | None, config: ScoringConfig) -> dict:
    threshold = config.classic_thresholds.get(source.key) if source.flag_field else None
    flag = getattr(score, f"{source.column}_flag", None) if score else None
    entry = {
        "source": source.key,
        "label": source_label(source.key),
        "listed": row is not None,
        "flag": flag,
        "rule": "listed at all (presence)" if source.flag_field is None else f"≥ {threshold}",
        "threshold": threshold,
        "count": (row[source.flag_field] or 0) if row and source.flag_field else None,
        "count_label": source.classic_count_label if source.flag_field else "listed",
        "percentile": getattr(score, f"{source.column}_percentile", None) if score else None,
        "percentile_count": (row[source.percentile_field] or 0) if row else None,
        "percentile_count_label": source.classic_count_label,
    }
    if row is None:
        entry["sentence"] = f"{entry['label']}: not listed."
    else:
        verdict = "supported" if flag else "not supported"
        measured = (
            "listed (presence is enough)"
            if source.flag_field is None
            else f"{counted(entry['count'], source.classic_count_label)} (needs {entry['rule']})"
        )
        entry["sentence"] = (
            f"{entry['label']}: {measured} → {verdict}; percentile "
            f"{_number(entry['percentile'], 3)} from "
            f"{counted(entry['percentile_count'], source.classic_count_label)}."
        )
    return entry


def _count_score_entry(key: str, row, source_score, stats: dict) -> dict:
    source = _COUNT_SOURCES[key]
    count = (row[source.score_field] or 0) if row else None
    n = stats.get(key, {}).get("with_count", 0)
    rank = None
    if count and source_score is not None:
        rank = round(source_score * (n - 1)) + 1 if n > 1 else 1
    entry = {"method": "percent_rank", "count": count, "count_label": source.score_count_label}
    entry.update({"genes_with_count": n, "rank": rank})
    if row is None:
        entry["sentence"] = f"{source_label(key)}: no evidence (contributes 0)."
    elif not count:
        entry["sentence"] = f"{source_label(key)}: listed with 0 {source.score_count_label} → 0."
    else:
        entry["sentence"] = (
            f"{source_label(key)}: {counted(count, source.score_count_label)}, rank {rank} of "
            f"{counted(n, 'genes')} "
            f"(ties take the lowest rank) → percent rank (rank − 1)/(n − 1) = "
            f"{_number(source_score, 3)}."
        )
    return entry


def _classification_score_entry(key: str, row, source_score, config: ScoringConfig) -> dict:
    best = row["classification"] if row else ""
    entry = {
        "method": "classification",
        "classification": best or None,
        "classifications": _classifications(row, best) if row else [],
        "weight": source_score,
        "weights": config.classification_weights.get(key, {}),
    }
    if row is None:
        entry["sentence"] = f"{source_label(key)}: no evidence (contributes 0)."
    else:
        shown = ", ".join(entry["classifications"]) or "none recorded"
        entry["sentence"] = (
            f"{source_label(key)}: classifications {shown}; the strongest, {best or '—'}, weighs "
            f"{_number(source_score)}."
        )
    return entry


def _score_section(rows: dict, score: GeneScore | None, run, config) -> dict:
    stats = run.source_stats if run else {}
    sources = []
    for key, column in SCORE_COLUMNS:
        row = rows.get(key)
        source_score = getattr(score, f"{column}_score", None) if score else None
        if key in CLASSIFICATION_COLUMNS:
            entry = _classification_score_entry(key, row, source_score, config)
        else:
            entry = _count_score_entry(key, row, source_score, stats)
        entry.update(
            {
                "source": key,
                "label": source_label(key),
                "has_evidence": row is not None,
                "source_score": source_score,
            }
        )
        sources.append(entry)
    total = sum(e["source_score"] or 0.0 for e in sources)
    n = score.sources_with_data if score else (run.sources_with_data if run else 0)
    value = score.score if score else 0.0
    return {
        "score": value,
        "source_count": score.source_count if score else 0,
        "sources_with_data": n,
        "source_score_sum": total,
        "formula": f"100 × {total:.3f} / {n} = {value:.1f}" if n else "no source has data",
        "sources": sources,
    }


def _tier_section(score: GeneScore | None, config: ScoringConfig) -> dict:
    value = score.score if score else 0.0
    source_count = score.source_count if score else 0
    rules = [
        {
            "tier": r.tier,
            "label": str(Tier(r.tier).label),
            "rule": r.describe(),
            "matched": r.matches(value, source_count),
        }
        for r in config.tiers
    ]
    tier = score.tier if score else config.fallback_tier
    chosen = next((r for r in rules if r["tier"] == tier), None)
    reason = chosen["rule"] if chosen else "no rule matched"
    return {
        "tier": tier,
        "label": str(Tier(tier).label),
        "rule": reason,
        "rules": rules,
        "sentence": (
            f"Tier {Tier(tier).label}: first matching rule ({reason}) with source_count "
            f"{source_count} and score {value:.1f}."
        ),
    }


def _explain_one(gene_id: int, score, rows: dict, run, config: ScoringConfig) -> dict:
    classic_sources = [_classic_entry(s, rows.get(s.key), score, config) for s in CLASSIC_SOURCES]
    evidence_count = score.evidence_count if score else 0
    classic = {
        "evidence_count": evidence_count,
        "list_count": score.list_count if score else 0,
        "high_evidence": bool(score and score.high_evidence),
        "high_evidence_min_count": config.high_evidence_min_count,
        "source_count_percentile": score.source_count_percentile if score else 0.0,
        "sources": classic_sources,
    }
    evidence_score = _score_section(rows, score, run, config)
    tier = _tier_section(score, config)
    summary = (
        f"Classic: supported by {evidence_count} of 5 sources, listed in "
        f"{classic['list_count']} → {'high' if classic['high_evidence'] else 'low'} evidence "
        f"(high needs ≥ {config.high_evidence_min_count})."
    )
    sentences = [summary] + [s["sentence"] for s in classic_sources]
    sentences += [s["sentence"] for s in evidence_score["sources"]]
    sentences.append(
        f"Score = 100 × sum of source scores / sources with data = {evidence_score['formula']}."
    )
    sentences.append(tier["sentence"])
    return {
        "gene_id": gene_id,
        "hgnc_id": format_hgnc_id(gene_id),
        "symbol": score.gene.symbol if score else None,
        "scored": score is not None,
        "data_version": score.data_version if score else (run.pk if run else 0),
        "computed_at": score.computed_at.isoformat() if score else None,
        "classic": classic,
        "evidence_score": evidence_score,
        "tier": tier,
        "sentences": sentences,
    }


def score_explanations(gene_ids: list[int]) -> dict[int, dict]:
    """Explanations for many genes in three queries; JSON-serialisable."""
    ids = sorted({int(g) for g in gene_ids})
    if not ids:
        return {}
    scores = {
        s.gene_id: s for s in GeneScore.objects.filter(gene_id__in=ids).select_related("gene")
    }
    rows: dict[int, dict[str, dict]] = {}
    evidence = (
        Evidence.objects.filter(gene_id__in=ids)
        .order_by()
        .values(
            *_EVIDENCE_FIELDS,
            classifications_raw=KT("details__classifications"),
            curations_raw=KT("details__curations"),
            submissions_raw=KT("details__submissions"),
        )
    )
    for row in evidence:
        rows.setdefault(row["gene_id"], {})[row["source"]] = row
    run = ScoreRun.objects.order_by("-id").first()
    config = config_from_dict(run.config) if run and run.config else scoring_config()
    return {
        gene_id: _explain_one(gene_id, scores.get(gene_id), rows.get(gene_id, {}), run, config)
        for gene_id in ids
    }


def score_explain(gene_id: int) -> dict:
    """The explanation of one gene (see score_explanations)."""
    return score_explanations([gene_id])[int(gene_id)]
