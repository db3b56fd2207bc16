"""The operation's charts as inline SVG, drawn on the server from the dashboard figures: no script, no style
attribute (the content security policy allows neither inline), each chart with a title and its figures as
text for screen readers. The figures are also in the tables next to them."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from lockstep.operations.models import TakedownState

COLOURS: dict[str, str] = {
    TakedownState.IDENTIFIED: "#8895a2",
    TakedownState.REQUESTED: "#f2a900",
    TakedownState.TAKEN_DOWN: "#1b6e3a",
    TakedownState.REFUSED: "#a4161a",
    TakedownState.NO_RESPONSE: "#56606b",
}
WIDTH = 640


def _frame(chart_id: str, title: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg id="{}" class="chart" role="img" viewBox="0 0 {} {}" width="100%" aria-labelledby="{}-title">'
        '<title id="{}-title">{}</title>{}</svg>',
        chart_id,
        WIDTH,
        height,
        chart_id,
        chart_id,
        title,
        body,
    )


def bars(chart_id: str, title: str, rows: list[tuple[str, int]]) -> SafeString:
    """Horizontal bars, one per (label, value), longest first; nothing when every value is zero."""
    rows = sorted((row for row in rows if row[1] > 0), key=lambda row: (-row[1], row[0]))[:40]
    if not rows:
        return SafeString("")
    top = max(value for _label, value in rows)
    step, left, room = 18, 170, WIDTH - 170 - 70
    rows = [(label if len(label) <= 22 else label[:21] + "…", value) for label, value in rows]
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="12" fill="#0b4f6c"><title>{}: {}</title></rect>'
        '<text x="{}" y="{}" font-size="12">{}</text>',
        (
            (
                left - 6,
                n * step + 14,
                label,
                left,
                n * step + 4,
                max(1, round(room * value / top)),
                label,
                f"{value:,}",
                left + max(1, round(room * value / top)) + 4,
                n * step + 14,
                f"{value:,}",
            )
            for n, (label, value) in enumerate(rows)
        ),
    )
    return _frame(chart_id, title, len(rows) * step + 8, body)


def states(chart_id: str, title: str, counts: dict[str, int]) -> SafeString:
    """One stacked bar of the infrastructure per takedown state, with its legend."""
    total = sum(counts.values())
    if not total:
        return SafeString("")
    labels = dict(TakedownState.choices)
    parts, x = [], 0.0
    for state in TakedownState.values:
        width = (WIDTH - 20) * counts.get(state, 0) / total
        if width:
            parts.append(
                (f"{10 + x:.1f}", f"{width:.1f}", COLOURS[state], labels[state], f"{counts[state]:,}")
            )
        x += width
    bar = format_html_join(
        "", '<rect x="{}" y="4" width="{}" height="22" fill="{}"><title>{}: {}</title></rect>', parts
    )
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="10" height="10" fill="{}"/><text x="{}" y="{}" font-size="12">{} {}</text>',
        (
            (
                10 + n % 3 * 210,
                36 + n // 3 * 18,
                COLOURS[state],
                24 + n % 3 * 210,
                45 + n // 3 * 18,
                labels[state],
                f"{counts.get(state, 0):,}",
            )
            for n, state in enumerate(TakedownState.values)
        ),
    )
    return _frame(chart_id, title, 72, format_html("{}{}", bar, legend))


def line(chart_id: str, title: str, points: list[tuple[str, int]]) -> SafeString:
    """A cumulative line over dates (ISO strings, in order), with the first and last date and the top value."""
    if not points or not points[-1][1]:
        return SafeString("")
    height, left, bottom = 160, 60, 130
    top = max(value for _date, value in points) or 1
    span = max(1, len(points) - 1)
    coords = [
        (left + (WIDTH - left - 20) * n / span, bottom - (bottom - 14) * value / top)
        for n, (_date, value) in enumerate(points)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = format_html_join(
        "",
        '<circle cx="{}" cy="{}" r="3" fill="#0b4f6c"><title>{}: {}</title></circle>',
        (
            (f"{x:.1f}", f"{y:.1f}", date, f"{value:,}")
            for (x, y), (date, value) in zip(coords, points, strict=True)
        ),
    )
    body = format_html(
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#d5dbe1"/>'
        '<polyline points="{}" fill="none" stroke="#0b4f6c" stroke-width="2"/>{}'
        '<text x="{}" y="18" text-anchor="end" font-size="12">{}</text>'
        '<text x="{}" y="{}" font-size="12">{}</text>'
        '<text x="{}" y="{}" text-anchor="end" font-size="12">{}</text>',
        left,
        bottom,
        WIDTH - 20,
        bottom,
        path,
        dots,
        left - 6,
        f"{top:,}",
        left,
        bottom + 16,
        points[0][0],
        WIDTH - 20,
        bottom + 16,
        points[-1][0],
    )
    return _frame(chart_id, title, height, body)


def charts(figures: dict[str, Any]) -> dict[str, SafeString]:
    """The operation page's charts from ``results.dashboard``."""
    return {
        "states": states("chart-states", _("Infrastructure by takedown state"), figures["infrastructure"]),
        "arrests": bars(
            "chart-arrests",
            _("Arrests per country"),
            [(row["country_name"], row["counts"]["arrests"]) for row in figures["countries"]],
        ),
        "takedowns": line(
            "chart-takedowns",
            _("Infrastructure taken down, cumulative, by closing date"),
            [(row["date"], row["taken_down"]) for row in figures["takedowns_over_time"]],
        ),
        "arrests_over_time": line(
            "chart-arrests-over-time",
            _("Arrests, cumulative, by date of report"),
            [(row["date"], row["arrests"]) for row in figures["over_time"]],
        ),
    }
