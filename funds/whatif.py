"""What-if: every decided case of a period judged again under a draft rule set.

One query streams the facts of the decided cases (``values_list`` +
``iterator``); the pure engine judges them in Python. Parameter values are
looked up per case date from one query, and earlier cases of the same person
in a year count toward the draft's annual cap and award limit, as they would
have if the draft had been in force.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from funds import engine
from funds.errors import ChosenAmountOutsideRange
from funds.models import ParameterValue, RuleSet
from funds.selectors import rules_of
from reliefdesk.registry import Registry

ZERO = Decimal("0.00")
TOP = 20


@dataclass(frozen=True)
class CaseChange:
    application_id: int
    reference: str
    basis: Decimal | None
    granted: Decimal
    draft: Decimal
    tier_label: str
    eligible: bool

    @property
    def difference(self) -> Decimal:
        return self.draft - self.granted


@dataclass
class TierShare:
    label: str
    count: int = 0
    granted: Decimal = ZERO
    draft: Decimal = ZERO


@dataclass
class WhatIf:
    rule_set: RuleSet
    date_from: dt.date
    date_to: dt.date
    count: int = 0
    total_granted: Decimal = ZERO
    total_draft: Decimal = ZERO
    not_eligible: int = 0
    tiers: list[TierShare] = field(default_factory=list)
    biggest_changes: list[CaseChange] = field(default_factory=list)

    @property
    def difference(self) -> Decimal:
        return self.total_draft - self.total_granted


# Where decided cases come from: name → cases(rule_set, date_from, date_to) yielding tuples of
# (id, reference, person id, self-paid, assessed loss, event date, submitted at, disease code, is member,
# amount granted), ordered by person and date; registered by the apps that decide cases (cases).
DECIDED_CASES: Registry = Registry("decided cases")


def register_decided_cases(sources: dict) -> None:
    DECIDED_CASES.update(sources)


def decided_cases(rule_set: RuleSet, date_from: dt.date, date_to: dt.date):
    """The facts of every approved or paid case of the draft's fund and category in the period, as tuples."""
    for source in DECIDED_CASES.values():
        yield from source(rule_set, date_from, date_to)


class _RulesByDate:
    """Engine rules with the parameter values valid on each date, built once per distinct set of values."""

    def __init__(self, rule_set: RuleSet, rules: engine.Rules):
        self.rules = dataclasses.replace(rules, effective_from=dt.date.min, effective_to=None)
        codes = {t.parameter_code for t in rules.tiers if t.parameter_code}
        self.series: dict[str, tuple[list[dt.date], list[Decimal]]] = {}
        if codes:
            rows = (ParameterValue.objects.filter(parameter__code__in=codes).order_by("valid_from")
                    .values_list("parameter__code", "valid_from", "value"))
            collected: dict[str, tuple[list, list]] = defaultdict(lambda: ([], []))
            for code, valid_from, value in rows:
                collected[code][0].append(valid_from)
                collected[code][1].append(value)
            self.series = dict(collected)
        self.cache: dict[tuple, engine.Rules] = {}

    def on(self, day: dt.date | None) -> engine.Rules:
        if not self.series or day is None:
            return self.rules
        key = tuple(self._value(code, day) for code in sorted(self.series))
        cached = self.cache.get(key)
        if cached is None:
            values = dict(zip(sorted(self.series), key))
            tiers = tuple(dataclasses.replace(t, parameter_value=values.get(t.parameter_code, t.parameter_value))
                          if t.parameter_code else t for t in self.rules.tiers)
            cached = self.cache[key] = dataclasses.replace(self.rules, tiers=tiers)
        return cached

    def _value(self, code: str, day: dt.date) -> Decimal | None:
        dates, values = self.series[code]
        index = bisect_right(dates, day)
        return values[index - 1] if index else None


def run_whatif(rule_set: RuleSet, *, date_from: dt.date, date_to: dt.date, rows=None) -> WhatIf:
    rules_source = _RulesByDate(rule_set, rules_of(rule_set, on=date_to))
    base = rules_source.rules
    result = WhatIf(rule_set=rule_set, date_from=date_from, date_to=date_to)
    shares: dict[int | None, TierShare] = {}
    for index, tier in enumerate(base.tiers):
        shares[index] = TierShare(label=tier.label or engine.bounds_label(tier.lower, tier.upper))
    shares[None] = TierShare(label="不符合条件")
    awarded_by_person_year: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    awards_by_person_year: dict[tuple[int, int], int] = defaultdict(int)
    changes: list[CaseChange] = []
    use_submission = base.date_basis == "submission"

    for (app_id, reference, member_id, self_paid, assessed_loss, event_date, submitted_at, disease_code, is_member,
         granted) in (rows if rows is not None else decided_cases(rule_set, date_from, date_to)):
        submitted = timezone.localtime(submitted_at).date() if submitted_at else None
        day = submitted if use_submission else event_date
        basis = self_paid if base.basis == "self_paid" else assessed_loss if base.basis == "assessed_loss" else None
        year_key = (member_id, (day or date_from).year)
        facts = engine.Facts(
            basis_amount=basis, event_date=event_date, submission_date=submitted or event_date,
            disease_code=disease_code, is_member=bool(is_member),
            awarded_this_year=awarded_by_person_year[year_key], awards_this_year=awards_by_person_year[year_key],
        )
        rules = rules_source.on(day)
        outcome = engine.evaluate(rules, facts)
        if outcome.eligible and outcome.amount is None:
            # A range tier: keep the amount granted then, moved inside the draft's range.
            chosen = min(max(granted, outcome.range_min), outcome.range_max)
            try:
                outcome = engine.evaluate(rules, facts, chosen_amount=chosen)
            except ChosenAmountOutsideRange:  # pragma: no cover - chosen is clamped into the range
                pass
        draft = outcome.amount if outcome.eligible and outcome.amount is not None else ZERO
        if draft > 0:
            awarded_by_person_year[year_key] += draft
            awards_by_person_year[year_key] += 1
        result.count += 1
        result.total_granted += granted
        result.total_draft += draft
        if not outcome.eligible:
            result.not_eligible += 1
        share = shares[outcome.tier_index if outcome.eligible else None]
        share.count += 1
        share.granted += granted
        share.draft += draft
        change = CaseChange(app_id, reference, basis, granted, draft, outcome.tier_label, outcome.eligible)
        changes.append(change)
        if len(changes) > 5000:
            changes = heapq.nlargest(TOP, changes, key=lambda c: (abs(c.difference), -c.application_id))
    result.biggest_changes = heapq.nlargest(TOP, changes, key=lambda c: (abs(c.difference), -c.application_id))
    result.tiers = [share for share in shares.values() if share.count or share.label != "不符合条件"]
    return result
