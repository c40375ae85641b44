"""Home, statistics and about pages: totals, plots (inline SVG + tables) and the scoring rules."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from common.caching import cached_page
from genes.config import COUNT_SOURCES, SCORE_COLUMNS, scoring_config
from genes.models import Tier
from genes.sources import source_label
from genes.statistics import distributions, source_overlaps, summary
from genes.views.charts import Bar, columns, horizontal_bars, upset

UPSET_MAX_INTERSECTIONS = 25


@cached_page
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "genes/home.html", {"summary": summary()})


def _tier_chart(totals: dict[str, Any]) -> Any:
    bars = [
        Bar(
            row["label"],
            row["genes"],
            css=f"bar tier-bar-{row['tier']}",
            url=browser_url(tier=row["tier"]),
        )
        for row in totals["tiers"]
    ]
    return horizontal_bars(bars, title="Genes per tier")


def browser_url(**filters: str) -> str:
    """The gene browser with these filters (the page's own parameter names)."""
    return f"{reverse('genes:gene_list')}?{urlencode(filters)}"


def intersection_url(sources: list[str]) -> str:
    """The genes of one UpSet column: evidence from all of these sources and from no other."""
    return browser_url(source=",".join(sources), only_sources="true")


def _overlap_context() -> dict[str, Any]:
    overlaps = source_overlaps()
    shown = overlaps["intersections"][:UPSET_MAX_INTERSECTIONS]
    set_labels = [(entry["key"], entry["label"]) for entry in overlaps["sets"]]
    label_of = dict(set_labels)
    return {
        "overlaps": overlaps,
        "overlap_rows": [
            {
                "labels": [label_of[key] for key in entry["sources"]],
                "url": intersection_url(entry["sources"]),
                **entry,
            }
            for entry in shown
        ],
        "overlaps_hidden": max(len(overlaps["intersections"]) - len(shown), 0),
        "upset_chart": upset(
            set_labels,
            [(entry["sources"], entry["size"]) for entry in shown],
            title="Genes per combination of sources (UpSet plot)",
            links=[intersection_url(entry["sources"]) for entry in shown],
        ),
        "set_chart": horizontal_bars(
            [
                Bar(entry["label"], entry["size"], url=browser_url(source=entry["key"]))
                for entry in overlaps["sets"]
            ],
            title="Genes with evidence per source",
        ),
    }


def _distribution_context() -> dict[str, Any]:
    data = distributions()
    per_source = []
    for key, bins in data["source_counts"].items():
        per_source.append(
            {
                "key": key,
                "label": source_label(key),
                "bins": bins,
                "chart": columns(
                    [Bar(str(row["value"]), row["genes"]) for row in bins],
                    title=f"{source_label(key)}: genes per count",
                    x_label="count",
                ),
            }
        )
    classifications = [
        {
            "key": key,
            "label": source_label(key),
            "rows": rows,
            "chart": horizontal_bars(
                [Bar(row["classification"] or "(none)", row["genes"]) for row in rows],
                title=f"{source_label(key)}: genes per strongest classification",
            ),
        }
        for key, rows in data["classifications"].items()
    ]
    score_chart = columns(
        [Bar(f"{row['min']}–{row['max']}", row["genes"]) for row in data["scores"]],
        title="Genes per score range",
        x_label="evidence score",
        column_width=52,
    )
    return {
        "scores": data["scores"],
        "score_chart": score_chart,
        "per_source": per_source,
        "classifications": classifications,
    }


@cached_page
def statistics(request: HttpRequest) -> HttpResponse:
    totals = summary()
    context = {
        "summary": totals,
        "tier_chart": _tier_chart(totals),
        "evidence_chart": columns(
            [Bar(str(row["evidence_count"]), row["genes"]) for row in totals["evidence_counts"]],
            title="Genes per classic evidence count",
            x_label="classic evidence count",
        ),
        **_overlap_context(),
        **_distribution_context(),
    }
    return render(request, "genes/statistics.html", context)


@cached_page
def about(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/about.html", about_context())


def about_context() -> dict[str, Any]:
    """The scoring rules as the About page states them (also the MCP server's rules resource)."""
    config = scoring_config()
    tier_labels = dict(Tier.choices)
    return {
        "config": config,
        "tiers": [(tier_labels[rule.tier], rule.describe()) for rule in config.tiers],
        "fallback_tier": tier_labels[config.fallback_tier],
        "count_sources": [
            {
                "label": source_label(source.key),
                "score_count": source.score_count_label,
                "classic_count": source.classic_count_label,
                "threshold": config.classic_thresholds.get(str(source.key)),
                "classic": source.classic,
            }
            for source in COUNT_SOURCES
        ],
        "weights": [
            (source_label(key), sorted(weights.items(), key=lambda item: -item[1]))
            for key, weights in config.classification_weights.items()
        ],
        "source_total": len(SCORE_COLUMNS),
    }


TIER_CSS_MAX_AGE = 24 * 3600


def tier_stylesheet(request: HttpRequest) -> HttpResponse:
    """The tier colours as CSS variables and badge/bar rules, emitted from `Tier.colour`.

    A stylesheet rather than an inline <style>, which the public pages' CSP refuses.
    """
    lines = [":root {", *(f"  --tier-{tier.value}: {tier.colour};" for tier in Tier), "}"]
    for tier in Tier:
        lines.append(f".tier-{tier.value} {{ background: var(--tier-{tier.value}); }}")
        lines.append(f".chart .tier-bar-{tier.value} {{ fill: var(--tier-{tier.value}); }}")
    response = HttpResponse("\n".join(lines) + "\n", content_type="text/css; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={TIER_CSS_MAX_AGE}"
    return response
