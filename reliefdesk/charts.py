"""Every chart of the application, drawn on the server as SVG: no JavaScript library, nothing from a CDN.

Pure functions: figures in, an SVG string out (the reports' bars and lines,
a rule set's aid against its basis, the periods of a fund's versions).
Every label is escaped.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from html import escape

from django.utils.safestring import mark_safe

from reliefdesk.money import format_money

PALETTE = ("#8b1a1a", "#1f5f8b", "#3f7f3f", "#b8860b", "#6a3d9a", "#5f5f5f")
FONT = 'font-family="system-ui, -apple-system, \'Segoe UI\', \'PingFang SC\', \'Microsoft YaHei\', sans-serif"'


def _px(value) -> str:
    """A coordinate with one decimal, as SVG wants it."""
    return str(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _count(value) -> str:
    return f"{int(value):,}"


def _nice_step(value: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 × 10ⁿ at or above ``value``: a round step for an axis."""
    if value <= 0:
        return Decimal("1")
    exponent = value.adjusted()
    for _round in range(2):
        scale = Decimal(10) ** exponent
        for step in (Decimal("1"), Decimal("2"), Decimal("2.5"), Decimal("5"), Decimal("10")):
            if step * scale >= value:
                return step * scale
        exponent += 1
    return value


def _axis(values: Sequence[Decimal], ticks: int = 4) -> tuple[Decimal, Decimal]:
    """Round bounds around ``values``: a balance that moves little still shows its movement."""
    low, high = min(values), max(values)
    spread = high - low
    step = _nice_step(spread / ticks if spread else (abs(high) / ticks or Decimal(1)))
    bottom = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
    top = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    if top == bottom:
        top = bottom + step
    while (top - bottom) / step > ticks:
        step = _nice_step(step * Decimal("1.01"))
        bottom = (low / step).to_integral_value(rounding=ROUND_FLOOR) * step
        top = (high / step).to_integral_value(rounding=ROUND_CEILING) * step
    return bottom, top


def _empty(title: str, message: str, width: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} 48" width="{width}" role="img" '
        f'aria-label="{escape(title)}" class="report-chart" {FONT}>'
        f"<title>{escape(title)}</title>"
        f'<text x="{width // 2}" y="28" text-anchor="middle" font-size="13" fill="#6c757d">{escape(message)}</text>'
        "</svg>"
    )


def bar_chart(items: Sequence[tuple[str, Decimal | int]], *, title: str, empty_message: str = "—",
              money: bool = True, width: int = 640, label_width: int = 170) -> str:
    """Horizontal bars, one per (label, value); values right of each bar."""
    if not items:
        return _empty(title, empty_message, width)
    formatter: Callable = format_money if money else _count
    row_height, bar_height, top = 26, 16, 8
    value_width = 110
    plot_width = Decimal(width - label_width - value_width - 10)
    largest = max(Decimal(value) for _label, value in items)
    top_value = largest if largest > 0 else Decimal("1")
    height = top + row_height * len(items) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" role="img" '
        f'aria-label="{escape(title)}" class="report-chart" {FONT}>',
        f"<title>{escape(title)}</title>",
    ]
    for index, (label, value) in enumerate(items):
        y = top + row_height * index
        length = plot_width * Decimal(value) / top_value
        colour = PALETTE[0]
        text_y = _px(y + bar_height - 3)
        parts.append(
            f'<g><text x="{label_width - 6}" y="{text_y}" text-anchor="end" font-size="12">{escape(str(label))}</text>'
            f'<rect x="{label_width}" y="{y}" width="{_px(max(length, Decimal(0)))}" height="{bar_height}" '
            f'fill="{colour}" rx="2"><title>{escape(str(label))}: {escape(formatter(value))}</title></rect>'
            f'<text x="{_px(label_width + length + 6)}" y="{text_y}" font-size="12" fill="#343a40">'
            f"{escape(formatter(value))}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(series: Sequence[tuple[str, Sequence[tuple[str, Decimal]]]], *, title: str, empty_message: str = "—",
               width: int = 640, height: int = 240, money: bool = True) -> str:
    """One line per (name, [(x label, value), …]); all series share the x labels of the first.

    Values are yuan unless ``money`` is False (counts: households on file …).
    """
    formatter: Callable = format_money if money else _count
    series = [(name, points) for name, points in series if points]
    if not series:
        return _empty(title, empty_message, width)
    left, right, top, bottom = 92, 36, 16, 40
    legend_height = 20 * len(series) if len(series) > 1 else 0
    plot_w = Decimal(width - left - right)
    plot_h = Decimal(height - top - bottom)
    values = [Decimal(v) for _name, points in series for _x, v in points]
    low, high = _axis(values)
    labels = [x for x, _v in series[0][1]]
    steps = max(len(labels) - 1, 1)

    def x_at(index: int) -> Decimal:
        if len(labels) == 1:
            return left + plot_w / 2
        return left + plot_w * index / steps

    def y_at(value: Decimal) -> Decimal:
        return top + plot_h - plot_h * (Decimal(value) - low) / (high - low)

    total_height = height + legend_height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total_height}" width="{width}" role="img" '
        f'aria-label="{escape(title)}" class="report-chart" {FONT}>',
        f"<title>{escape(title)}</title>",
    ]
    # Four horizontal grid lines with their values.
    for tick in range(5):
        value = low + (high - low) * tick / 4
        y = _px(y_at(value))
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y}" y2="{y}" stroke="#dee2e6"/>'
                     f'<text x="{left - 6}" y="{y}" dy="4" text-anchor="end" font-size="11" fill="#6c757d">'
                     f"{escape(formatter(value))}</text>")
    # Not every month label fits: show at most twelve, evenly spread.
    every = max(1, -(-len(labels) // 12))
    for index, label in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            parts.append(f'<text x="{_px(x_at(index))}" y="{height - bottom + 18}" text-anchor="middle" '
                         f'font-size="11" fill="#6c757d">{escape(label)}</text>')
    for number, (name, points) in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        coordinates = " ".join(f"{_px(x_at(i))},{_px(y_at(v))}" for i, (_x, v) in enumerate(points))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{coordinates}"/>')
        for i, (x_label, value) in enumerate(points):
            parts.append(f'<circle cx="{_px(x_at(i))}" cy="{_px(y_at(value))}" r="3" fill="{colour}">'
                         f"<title>{escape(name)} {escape(x_label)}: {escape(formatter(value))}</title></circle>")
        if legend_height:
            y = height + 20 * number + 4
            parts.append(f'<rect x="{left}" y="{y}" width="12" height="12" fill="{colour}"/>'
                         f'<text x="{left + 18}" y="{y + 11}" font-size="12">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


BAND_WIDTH, BAND_HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP, PAD_RIGHT = 640, 280, 70, 40, 15, 40


def band_chart(points: Sequence[tuple[Decimal, Decimal | None, Decimal | None]], *, marks: Sequence[Decimal] = (),
               title: str = "", testid: str = "") -> str:
    """y against x from (x, low, high) points: a line where low == high, a band where they differ, a gap at None.

    ``marks`` are x values drawn as dashed vertical lines (a rule set's tier bounds).
    """
    max_x = points[-1][0] or Decimal("1")
    max_y = max([high for _b, _low, high in points if high is not None] + [Decimal("1")]) * Decimal("1.1")
    plot_w, plot_h = BAND_WIDTH - PAD_LEFT - PAD_RIGHT, BAND_HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(value):
        return PAD_LEFT + float(value / max_x) * plot_w

    def y(value):
        return PAD_TOP + plot_h - float(value / max_y) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {BAND_WIDTH} {BAND_HEIGHT}" role="img" '
             f'class="w-100 border rounded bg-white" aria-label="{escape(title)}" data-testid="{escape(testid)}">']
    parts.append(f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{BAND_WIDTH - PAD_RIGHT}" '
                 f'y2="{PAD_TOP + plot_h}" stroke="#6c757d"/>')
    parts.append(f'<line x1="{PAD_LEFT}" y1="{PAD_TOP}" x2="{PAD_LEFT}" y2="{PAD_TOP + plot_h}" stroke="#6c757d"/>')
    for i in range(5):
        value_x, value_y = max_x * i / 4, max_y * i / 4
        parts.append(f'<text x="{x(value_x):.1f}" y="{BAND_HEIGHT - 18}" font-size="11" text-anchor="middle">'
                     f'{format_money(value_x)[:-3]}</text>')
        parts.append(f'<text x="{PAD_LEFT - 6}" y="{y(value_y) + 4:.1f}" font-size="11" text-anchor="end">'
                     f'{format_money(value_y)[:-3]}</text>')
    for mark in marks:
        parts.append(f'<line x1="{x(mark):.1f}" y1="{PAD_TOP}" x2="{x(mark):.1f}" '
                     f'y2="{PAD_TOP + plot_h}" stroke="#adb5bd" stroke-dasharray="4 3"/>')
    segment: list[tuple] = []
    segments = []
    for point in points:
        if point[1] is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append(point)
    if segment:
        segments.append(segment)
    for seg in segments:
        if any(low != high for _b, low, high in seg):
            outline = [f"{x(b):.1f},{y(high):.1f}" for b, _low, high in seg]
            outline += [f"{x(b):.1f},{y(low):.1f}" for b, low, _high in reversed(seg)]
            parts.append(f'<polygon points="{" ".join(outline)}" fill="#0d6efd" fill-opacity="0.25" '
                         'stroke="#0d6efd"/>')
        else:
            line = " ".join(f"{x(b):.1f},{y(low):.1f}" for b, low, _high in seg)
            parts.append(f'<polyline points="{line}" fill="none" stroke="#0d6efd" stroke-width="2"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built from escaped parts


@dataclass(frozen=True)
class Span:
    """One bar of a timeline row: from ``start`` to the day before ``end``."""

    start: dt.date
    end: dt.date
    colour: str
    text: str
    title: str
    url: str


def timeline_chart(rows: Sequence[tuple[str, Sequence[Span]]], *, start: dt.date, end: dt.date,
                   testid: str = "") -> str:
    """One row per (label, spans), years marked along the bottom; each span links to its page."""
    row_h, label_w = 34, 150
    width, height = 760, 30 + row_h * len(rows)
    length = (end - start).days or 1

    def x(day: dt.date) -> float:
        return label_w + (day - start).days / length * (width - label_w - 10)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="w-100 border rounded '
             f'bg-white" role="img" data-testid="{escape(testid)}">']
    for year in range(start.year, end.year + 1):
        day = dt.date(year, 1, 1)
        parts.append(f'<line x1="{x(day):.1f}" y1="0" x2="{x(day):.1f}" y2="{height - 20}" stroke="#dee2e6"/>')
        parts.append(f'<text x="{x(day):.1f}" y="{height - 6}" font-size="10" text-anchor="middle">{year}</text>')
    for row, (label, spans) in enumerate(rows):
        top = 6 + row * row_h
        parts.append(f'<text x="4" y="{top + 18}" font-size="12">{escape(str(label))}</text>')
        for span in spans:
            left, right = x(span.start), x(span.end)
            parts.append(f'<a href="{escape(span.url)}"><rect x="{left:.1f}" y="{top + 4}" '
                         f'width="{max(right - left, 2):.1f}" height="{row_h - 12}" rx="3" fill="{span.colour}" '
                         f'fill-opacity="0.8"><title>{escape(span.title)}</title></rect>'
                         f'<text x="{left + 4:.1f}" y="{top + 19}" font-size="11" fill="#fff">'
                         f'{escape(span.text)}</text></a>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - built from escaped parts
