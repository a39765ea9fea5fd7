"""Bar charts drawn on the server as inline SVG: no JavaScript, no third-party library.

The chart is a picture of the table printed beside it (the table is the accessible source); the
SVG still carries a ``<title>`` and a ``<desc>`` that say what it shows, for a reader who meets it
alone. Colours: the site's Loire blue bars on white (contrast 7.8:1), text in the site's ink.
"""

from __future__ import annotations

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

ROW = 34  # px per bar
LABEL_WIDTH = 220
BAR_WIDTH = 300
WIDTH = LABEL_WIDTH + BAR_WIDTH + 90
MAX_LABEL = 30


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def bar_chart_svg(
    rows: list[tuple[str, int]], *, title: str, desc: str, chart_id: str
) -> SafeString:
    """Horizontal bars, one per (label, count), scaled to the largest count."""
    top = max((count for _label, count in rows), default=0)
    height = ROW * len(rows) + 8
    bars = []
    for index, (label, count) in enumerate(rows):
        y = 4 + index * ROW
        width = round(BAR_WIDTH * count / top) if top else 0
        bars.append(
            (
                LABEL_WIDTH - 8,
                y + ROW / 2 + 5,
                _short(label),
                LABEL_WIDTH,
                y + 4,
                width,
                ROW - 8,
                LABEL_WIDTH + width + 6,
                y + ROW / 2 + 5,
                count,
            )
        )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" class="pv-chart__bar"></rect>'
        '<text x="{}" y="{}">{}</text>',
        bars,
    )
    return format_html(
        '<svg class="pv-chart" role="img" viewBox="0 0 {} {}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        body,
    )


def chart_description(rows: list[tuple[str, int]], total: int) -> str:
    """« Oui : 12 (60 %), Non : 8 (40 %). » — the figures in one sentence."""
    parts = [
        f"{label} : {count} ({round(100 * count / total) if total else 0} %)"
        for label, count in rows
    ]
    return ", ".join(parts) + "."
