"""Charts drawn on the server as SVG: no JavaScript library, nothing from a CDN.

Pure functions: figures in, an SVG string out. Geometry is computed with
Decimal like the money it shows; every label is escaped.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from html import escape

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
               width: int = 640, height: int = 240) -> str:
    """One line per (name, [(x label, value), …]); all series share the x labels of the first."""
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
                     f"{escape(format_money(value))}</text>")
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
                         f"<title>{escape(name)} {escape(x_label)}: {escape(format_money(value))}</title></circle>")
        if legend_height:
            y = height + 20 * number + 4
            parts.append(f'<rect x="{left}" y="{y}" width="12" height="12" fill="{colour}"/>'
                         f'<text x="{left + 18}" y="{y + 11}" font-size="12">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
