"""Inline SVG charts: the report must open offline, with no script or CDN.

Each chart is plain SVG markup with stable ids and classes (``funnel-chart``,
``funnel-bar``, ``trend-chart``, ``trend-line``), which the browser test and
anyone styling the report can rely on.
"""

from __future__ import annotations

from html import escape

from connector.reports.formatting import pct
from connector.reports.funnel import FunnelRow
from connector.reports.labels import Lang, label

__all__ = ["SERIES_COLOURS", "funnel_svg", "trend_svg"]

_STAGES = ("lead", "mql", "sql", "opportunity", "won")
SERIES_COLOURS: dict[str, str] = {
    "lead": "#4c78a8",
    "mql": "#f58518",
    "sql": "#54a24b",
    "opportunity": "#b279a2",
    "won": "#e45756",
}
"""One colour per funnel stage, shared by both charts and the legend."""

# Chart text uses the page's font stack (render_html's CSS): a font named here
# (IPAGothic, monospaced) made every English label monospace.
_FONT = 'font-family="inherit"'


def funnel_svg(total: FunnelRow, lang: Lang) -> str:
    """A centred funnel: one bar per stage, width by count, conversion between."""
    width, bar_h, gap, label_w = 640, 34, 22, 130
    room = width - label_w - 20
    top = max(total.counts["lead"], 1)
    height = len(_STAGES) * (bar_h + gap)
    parts = [
        f'<svg id="funnel-chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label("chart.funnel", lang))}" {_FONT}>'
    ]
    conversions = list(total.conversion.values())
    for i, stage in enumerate(_STAGES):
        count = total.counts[stage]
        w = max(room * count / top, 2)
        x = label_w + (room - w) / 2
        y = i * (bar_h + gap)
        parts.append(
            f'<text x="0" y="{y + bar_h * 0.65:.1f}" font-size="14">'
            f"{escape(label('stage.' + stage, lang))}</text>"
            f'<text x="{label_w - 12}" y="{y + bar_h * 0.65:.1f}" font-size="15" '
            f'font-weight="bold" text-anchor="end">{count:,}</text>'
            f'<rect class="funnel-bar" data-stage="{stage}" data-count="{count}" '
            f'x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="4" '
            f'fill="{SERIES_COLOURS[stage]}"/>'
        )
        if i < len(conversions):
            parts.append(
                f'<text class="funnel-rate" x="{label_w + room / 2:.1f}" '
                f'y="{y + bar_h + gap * 0.75:.1f}" font-size="12" '
                f'text-anchor="middle" fill="#555">↓ {pct(conversions[i])}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


def trend_svg(months: list[FunnelRow], lang: Lang) -> str:
    """Monthly leads, MQL, SQL, opportunities and won as lines, with a legend."""
    width, height = 640, 300
    left, right, top, bottom = 48, 36, 16, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([1, *(m.counts[s] for m in months for s in _STAGES)])
    step = plot_w / max(len(months) - 1, 1)

    def point(i: int, value: int) -> tuple[float, float]:
        return left + i * step, top + plot_h * (1 - value / peak)

    parts = [
        f'<svg id="trend-chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(label("chart.trend", lang))}" {_FONT}>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
        f'y2="{top + plot_h}" stroke="#999"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>',
    ]
    for tick in range(5):
        value = peak * tick / 4
        y = top + plot_h * (1 - tick / 4)
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#555">{value:,.0f}</text>'
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="#eee"/>'
        )
    for i, month in enumerate(months):
        x, _ = point(i, 0)
        parts.append(
            f'<text class="trend-month" x="{x:.1f}" y="{top + plot_h + 18}" '
            f'font-size="11" text-anchor="middle" fill="#555">'
            f"{escape(month.key)}</text>"
        )
    for stage in _STAGES:
        colour = SERIES_COLOURS[stage]
        points = [point(i, m.counts[stage]) for i, m in enumerate(months)]
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline class="trend-line" data-series="{stage}" points="{coords}" '
            f'fill="none" stroke="{colour}" stroke-width="2.5"/>'
        )
        parts.extend(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'
            for x, y in points
        )
    legend_y = height - 16
    for i, stage in enumerate(_STAGES):
        x = left + i * 115
        parts.append(
            f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" '
            f'fill="{SERIES_COLOURS[stage]}"/>'
            f'<text x="{x + 16}" y="{legend_y}" font-size="12">'
            f"{escape(label('stage.' + stage, lang))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
