"""The server-drawn charts leave room for every label (none is clipped at the left edge)."""

from __future__ import annotations

import re

from genes.views.charts import CHARACTER_WIDTH, Bar, horizontal_bars, upset

LONG_LABEL = "No Known Disease Relationship"


def _right_aligned_label_x(svg: str, label: str) -> float:
    match = re.search(rf'<text x="([\d.]+)" y="[\d.]+" text-anchor="end">{label}</text>', svg)
    assert match, svg
    return float(match.group(1))


def test_long_classification_label_is_not_clipped():
    svg = horizontal_bars([Bar(LONG_LABEL, 3), Bar("Definitive", 40)], title="GenCC")
    # The label ends at x and runs leftwards; it needs its full width before x.
    assert _right_aligned_label_x(svg, LONG_LABEL) >= len(LONG_LABEL) * CHARACTER_WIDTH
    # And at 6.5 px a character (a narrow font) it still fits: the old fixed 182 px did not.
    assert _right_aligned_label_x(svg, LONG_LABEL) > len(LONG_LABEL) * 6.5


def test_upset_set_labels_fit():
    svg = upset(
        [("a", "A very long source name, too"), ("b", "B")], [(("a", "b"), 3)], title="overlaps"
    )
    assert _right_aligned_label_x(svg, "A very long source name, too") > 28 * 6.5


def test_bar_chart_width_follows_its_labels():
    short = horizontal_bars([Bar("HPO", 1)], title="t")
    long = horizontal_bars([Bar(LONG_LABEL, 1)], title="t")
    width = re.compile(r'<svg[^>]* width="([\d.]+)"')
    assert float(width.search(short).group(1)) < float(width.search(long).group(1))
