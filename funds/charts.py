"""Server-rendered SVG: aid against basis for a rule set, and the periods of a fund's rule sets."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe

from funds import engine

WIDTH, HEIGHT, PAD_LEFT, PAD_BOTTOM, PAD_TOP, PAD_RIGHT = 640, 280, 70, 40, 15, 40


def _facts_for(rules: engine.Rules, basis: Decimal) -> engine.Facts:
    day = rules.effective_from
    code = next(iter(sorted(rules.disease_codes)), None)
    return engine.Facts(basis_amount=basis, event_date=day, submission_date=day, disease_code=code)


def aid_curve(rules: engine.Rules, *, samples: int = 160) -> list[tuple[Decimal, Decimal | None, Decimal | None]]:
    """(basis, low, high) points; low == high except in a range tier, None when not eligible."""
    rules = dataclasses.replace(rules, effective_to=None, window_days=None, max_awards_per_year=None)
    bounds = [t.lower for t in rules.tiers] + [t.upper for t in rules.tiers if t.upper is not None]
    top = max(bounds + [Decimal("1000")]) * Decimal("1.5")
    step = top / samples
    points = sorted({(step * i).quantize(Decimal("0.01")) for i in range(samples + 1)}
                    | {b for b in bounds} | {(b - Decimal("0.01")) for b in bounds if b > 0})
    curve = []
    for basis in points:
        result = engine.evaluate(rules, _facts_for(rules, basis))
        if not result.eligible:
            curve.append((basis, None, None))
        elif result.amount is None:
            curve.append((basis, result.range_min, result.range_max))
        else:
            curve.append((basis, result.amount, result.amount))
    return curve


def aid_chart_svg(rules: engine.Rules, *, title: str = "") -> str:
    curve = aid_curve(rules)
    max_x = curve[-1][0] or Decimal("1")
    max_y = max([high for _b, _low, high in curve if high is not None] + [Decimal("1")]) * Decimal("1.1")
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM

    def x(value):
        return PAD_LEFT + float(value / max_x) * plot_w

    def y(value):
        return PAD_TOP + plot_h - float(value / max_y) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'class="w-100 border rounded bg-white" aria-label="{escape(title)}" data-testid="aid-chart">']
    parts.append(f'<line x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - PAD_RIGHT}" y2="{PAD_TOP + plot_h}" '
                 'stroke="#6c757d"/>')
    parts.append(f'<line x1="{PAD_LEFT}" y1="{PAD_TOP}" x2="{PAD_LEFT}" y2="{PAD_TOP + plot_h}" stroke="#6c757d"/>')
    for i in range(5):
        value_x, value_y = max_x * i / 4, max_y * i / 4
        parts.append(f'<text x="{x(value_x):.1f}" y="{HEIGHT - 18}" font-size="11" text-anchor="middle">'
                     f'{engine.money(value_x)[:-3]}</text>')
        parts.append(f'<text x="{PAD_LEFT - 6}" y="{y(value_y) + 4:.1f}" font-size="11" text-anchor="end">'
                     f'{engine.money(value_y)[:-3]}</text>')
    for tier in rules.tiers:
        if tier.lower > 0:
            parts.append(f'<line x1="{x(tier.lower):.1f}" y1="{PAD_TOP}" x2="{x(tier.lower):.1f}" '
                         f'y2="{PAD_TOP + plot_h}" stroke="#adb5bd" stroke-dasharray="4 3"/>')
    segment: list[tuple] = []
    segments = []
    for point in curve:
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
    return mark_safe("".join(parts))


def timeline_svg(rule_sets, *, today: dt.date) -> str:
    """One row per aid category, one bar per version over its period (open-ended: to next year)."""
    rule_sets = [rs for rs in rule_sets if rs.status != "retired"]
    if not rule_sets:
        return ""
    start = min(rs.effective_from for rs in rule_sets).replace(month=1, day=1)
    end = dt.date(max([today.year + 1] + [rs.effective_to.year + 1 for rs in rule_sets if rs.effective_to]), 1, 1)
    categories = []
    for rs in rule_sets:
        if rs.category not in categories:
            categories.append(rs.category)
    row_h, label_w = 34, 150
    width, height = 760, 30 + row_h * len(categories)
    span = (end - start).days or 1

    def x(day: dt.date) -> float:
        return label_w + (day - start).days / span * (width - label_w - 10)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="w-100 border rounded '
             f'bg-white" role="img" data-testid="timeline">']
    for year in range(start.year, end.year + 1):
        day = dt.date(year, 1, 1)
        parts.append(f'<line x1="{x(day):.1f}" y1="0" x2="{x(day):.1f}" y2="{height - 20}" stroke="#dee2e6"/>')
        parts.append(f'<text x="{x(day):.1f}" y="{height - 6}" font-size="10" text-anchor="middle">{year}</text>')
    for row, category in enumerate(categories):
        top = 6 + row * row_h
        parts.append(f'<text x="4" y="{top + 18}" font-size="12">{escape(category.name)}</text>')
        for rs in (r for r in rule_sets if r.category == category):
            until = (rs.effective_to + dt.timedelta(days=1)) if rs.effective_to else end
            colour = "#198754" if rs.status == "active" else "#adb5bd"
            left, right = x(rs.effective_from), x(until)
            parts.append(f'<a href="{escape(rs.url)}"><rect x="{left:.1f}" y="{top + 4}" width="{max(right - left, 2):.1f}" '
                         f'height="{row_h - 12}" rx="3" fill="{colour}" fill-opacity="0.8">'
                         f'<title>{escape(rs.version_name)} {rs.effective_from}–{rs.effective_to or ""}</title></rect>'
                         f'<text x="{left + 4:.1f}" y="{top + 19}" font-size="11" fill="#fff">'
                         f'{escape(rs.version_name)}</text></a>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
