"""Bar charts as inline SVG, drawn on the server: no JavaScript, no inline style (the
CSP forbids it), only SVG presentation attributes. Each chart has an accessible name
and is drawn beside a table of the same numbers, which is what screen readers read."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR = "#1d70b8"  # GOV.UK blue: 5.2:1 on white
TEXT = "#0b0c0c"
ROW_HEIGHT = 24
LABEL_WIDTH = 260
BAR_WIDTH = 380
VALUE_WIDTH = 80


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | float | None  # None: suppressed, drawn as no bar with its text
    text: str  # the value as the table shows it


def bar_chart(bars: list[Bar], *, title: str, chart_id: str) -> SafeString:
    """A horizontal bar chart; one row per bar, longest bar the largest value."""
    largest = max((b.value for b in bars if b.value), default=0)
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    height = ROW_HEIGHT * max(len(bars), 1) + 8
    rows = []
    for index, bar in enumerate(bars):
        y = 4 + index * ROW_HEIGHT
        length = round(BAR_WIDTH * bar.value / largest) if largest and bar.value else 0
        rows.append(
            (
                LABEL_WIDTH - 8, y + 16, bar.label,
                LABEL_WIDTH, y + 3, length,
                LABEL_WIDTH + length + 6, y + 16, bar.text,
            )
        )  # fmt: skip
    body = format_html_join(
        "\n",
        '<text x="{}" y="{}" text-anchor="end" font-size="13" fill="' + TEXT + '">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="18" fill="' + BAR + '"></rect>'
        '<text x="{}" y="{}" font-size="13" fill="' + TEXT + '">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="kembali-chart" id="{}" role="img" aria-labelledby="{}-title" '
        'viewBox="0 0 {} {}" width="100%" preserveAspectRatio="xMinYMin meet" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>{}</svg>',
        chart_id,
        chart_id,
        width,
        height,
        chart_id,
        title,
        body,
    )
