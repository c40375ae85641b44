"""Charts drawn as inline SVG on the server, so they show without JavaScript or external assets.

Each function returns markup with a <title>/<desc> for screen readers; the pages always print
the same numbers in a table beside the chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

ROW_HEIGHT = 24
BAR_AREA = 260
VALUE_WIDTH = 60
FONT_BASELINE = 16
# Width of one character of a 12px label, generous (capitals, wide system fonts): labels are
# measured by length so none is clipped at the left edge ("Io Known Disease Relationship").
CHARACTER_WIDTH = 7.2


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str = ""  # what is printed after the bar; defaults to the value
    css: str = "bar"
    url: str = ""  # where a click on the bar leads (the gene browser, filtered)


def label_width(labels: Sequence[str], minimum: int = 60) -> int:
    """Room for the longest label, right-aligned before the bars, plus a small gap."""
    longest = max((len(label) for label in labels), default=0)
    return max(minimum, math.ceil(longest * CHARACTER_WIDTH) + 12)


def _svg(
    width: float, height: float, title: str, body: list[str], css: str = "chart"
) -> SafeString:
    return mark_safe(  # noqa: S308 — every part below is built with escape()/format_html
        f'<svg class="{css}" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" xmlns="http://www.w3.org/2000/svg" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _linked(parts: list[str], url: str, label: str) -> list[str]:
    """The parts of one bar or column wrapped in a link (SVG 2 `<a href>`), when it has one."""
    if not url:
        return parts
    opening = format_html('<a class="chart-link" href="{}" aria-label="{}">', url, label)
    return [opening, *parts, "</a>"]


def horizontal_bars(bars: Sequence[Bar], *, title: str, maximum: float | None = None) -> SafeString:
    """One labelled bar per row, scaled to `maximum` (default: the largest value)."""
    top = maximum if maximum is not None else max((bar.value for bar in bars), default=0)
    scale = BAR_AREA / top if top else 0
    left = label_width([bar.label for bar in bars])
    body = []
    for index, bar in enumerate(bars):
        y = index * ROW_HEIGHT
        width = round(max(bar.value * scale, 0), 1)
        text = bar.text or f"{bar.value:g}"
        row = format_html(
            '<text x="{}" y="{}" text-anchor="end">{}</text>'
            '<rect class="{}" x="{}" y="{}" width="{}" height="{}" rx="2"></rect>'
            '<text x="{}" y="{}">{}</text>',
            left - 8,
            y + FONT_BASELINE,
            bar.label,
            bar.css,
            left,
            y + 4,
            width,
            ROW_HEIGHT - 8,
            left + width + 6,
            y + FONT_BASELINE,
            text,
        )
        body.extend(_linked([row], bar.url, f"{bar.label}: {text} — show these genes"))
    height = max(len(bars), 1) * ROW_HEIGHT
    # "chart-bars" may shrink a little on a phone (site.css); other charts scroll in their box.
    return _svg(left + BAR_AREA + VALUE_WIDTH, height, title, body, css="chart chart-bars")


def columns(
    bars: Sequence[Bar], *, title: str, x_label: str = "", column_width: int = 34
) -> SafeString:
    """A histogram: one column per bin, labels under the columns, counts above them."""
    plot_height, gap, left = 160, 6, 10
    top = max((bar.value for bar in bars), default=0)
    scale = plot_height / top if top else 0
    body = []
    for index, bar in enumerate(bars):
        x = left + index * (column_width + gap)
        height = round(bar.value * scale, 1)
        y = round(20 + plot_height - height, 1)
        body.append(
            format_html(
                '<rect class="{}" x="{}" y="{}" width="{}" height="{}" rx="2"></rect>'
                '<text x="{}" y="{}" text-anchor="middle">{}</text>'
                '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                bar.css,
                x,
                y,
                column_width,
                height,
                x + column_width / 2,
                y - 4,
                bar.text or f"{bar.value:g}",
                x + column_width / 2,
                20 + plot_height + 16,
                bar.label,
            )
        )
    width = left * 2 + max(len(bars), 1) * (column_width + gap)
    axis_y = 20 + plot_height
    body.append(
        format_html(
            '<line class="axis" x1="0" y1="{}" x2="{}" y2="{}"></line>', axis_y, width, axis_y
        )
    )
    if x_label:
        body.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                width / 2,
                axis_y + 36,
                x_label,
            )
        )
    return _svg(max(width, 200), axis_y + 44, title, body)


def upset(
    set_labels: Sequence[tuple[str, str]],
    intersections: Sequence[tuple[Sequence[str], int]],
    *,
    title: str,
    links: Sequence[str] = (),
) -> SafeString:
    """UpSet plot: intersection sizes as columns over a dot matrix of the sets they combine.

    `set_labels` is [(key, label)], `intersections` is [(keys in the combination, gene count)];
    `links`, when given, has one URL per intersection: a click on its column or dots opens it.
    """
    left = label_width([label for _, label in set_labels])
    column_width, bar_height, row = 26, 150, 22
    top = max((size for _, size in intersections), default=0)
    scale = bar_height / top if top else 0
    matrix_top = bar_height + 30
    body = []
    for index, (_, label) in enumerate(set_labels):
        y = matrix_top + index * row
        body.append(
            format_html('<text x="{}" y="{}" text-anchor="end">{}</text>', left - 8, y + 15, label)
        )
    label_of = dict(set_labels)
    for column, (keys, size) in enumerate(intersections):
        x = left + column * column_width + column_width // 2
        height = round(size * scale, 1)
        parts = [
            format_html(
                '<rect class="hit-area" x="{}" y="0" width="{}" height="{}"></rect>',
                x - column_width / 2,
                column_width,
                matrix_top + len(set_labels) * row,
            ),
            format_html(
                '<rect class="bar" x="{}" y="{}" width="{}" height="{}"></rect>'
                '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                x - column_width / 2 + 3,
                20 + bar_height - height,
                column_width - 6,
                height,
                x,
                20 + bar_height - height - 4,
                size,
            ),
        ]
        member_rows = [i for i, (key, _) in enumerate(set_labels) if key in keys]
        if len(member_rows) > 1:
            parts.append(
                format_html(
                    '<line class="link" x1="{}" y1="{}" x2="{}" y2="{}"></line>',
                    x,
                    matrix_top + member_rows[0] * row + 11,
                    x,
                    matrix_top + member_rows[-1] * row + 11,
                )
            )
        for index in range(len(set_labels)):
            css = "dot-on" if index in member_rows else "dot-off"
            parts.append(
                format_html(
                    '<circle class="{}" cx="{}" cy="{}" r="6"></circle>',
                    css,
                    x,
                    matrix_top + index * row + 11,
                )
            )
        url = links[column] if column < len(links) else ""
        names = " + ".join(label_of.get(key, key) for key in keys)
        body.extend(_linked(parts, url, f"{size} genes with evidence from exactly {names}"))
    width = left + max(len(intersections), 1) * column_width + 10
    return _svg(width, matrix_top + len(set_labels) * row + 6, title, body)
