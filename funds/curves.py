"""What the rule set pages draw: aid against basis sampled from the engine, and the periods of a fund's versions.

The drawing itself is reliefdesk.charts (one chart module for every page).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from funds import engine
from reliefdesk import charts


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
    """Aid against basis under ``rules``: a line, a band where the reviewer chooses within a range."""
    return charts.band_chart(aid_curve(rules), marks=[t.lower for t in rules.tiers if t.lower > 0], title=title,
                             testid="aid-chart")


def timeline_svg(rule_sets, *, today: dt.date) -> str:
    """One row per aid category, one bar per version over its period (open-ended: to next year)."""
    rule_sets = [rs for rs in rule_sets if rs.status != "retired"]
    if not rule_sets:
        return ""
    start = min(rs.effective_from for rs in rule_sets).replace(month=1, day=1)
    end = dt.date(max([today.year + 1] + [rs.effective_to.year + 1 for rs in rule_sets if rs.effective_to]), 1, 1)
    rows: dict = {}
    for rs in rule_sets:
        rows.setdefault(rs.category, []).append(charts.Span(
            start=rs.effective_from, end=(rs.effective_to + dt.timedelta(days=1)) if rs.effective_to else end,
            colour="#198754" if rs.status == "active" else "#adb5bd", text=rs.version_name,
            title=f"{rs.version_name} {rs.effective_from}–{rs.effective_to or ''}", url=rs.url))
    return charts.timeline_chart([(category.name, spans) for category, spans in rows.items()], start=start, end=end,
                                 testid="timeline")
