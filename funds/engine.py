"""The benefit engine: rules and facts in, an amount with its explanation out.

Pure on purpose: no ORM, no clock. Everything it needs arrives in ``Rules``
and ``Facts`` (today included), so it can be tested by the thousand and run
over a hundred thousand decided cases in a what-if without a query.

Bounds follow Chinese legal usage: a tier's lower bound is inclusive and its
upper bound exclusive ("10万以上" starts at exactly 100,000).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from funds.errors import ChosenAmountOutsideRange
from reliefdesk.money import format_money

CENT = Decimal("0.01")
YUAN = Decimal("1")
ZERO = Decimal("0.00")
HUNDRED = Decimal("100")
TEN_THOUSAND = Decimal("10000")

BASIS_WORDS = {"self_paid": ("自付", "Self-paid"), "assessed_loss": ("核定损失", "Assessed loss"), "none": ("", "")}

CASE_CAP = "case_cap"
ANNUAL_CAP = "annual_cap"
CASE_MINIMUM = "case_minimum"


@dataclass(frozen=True)
class TierRule:
    lower: Decimal
    upper: Decimal | None
    kind: str  # "rate" | "fixed" | "range" | "parameter"
    rate: Decimal | None = None
    amount: Decimal | None = None
    range_min: Decimal | None = None
    range_max: Decimal | None = None
    parameter_code: str | None = None
    multiplier: Decimal | None = None
    parameter_value: Decimal | None = None
    label: str = ""
    parameter_name: str = ""
    parameter_name_en: str = ""

    def contains(self, value: Decimal) -> bool:
        return value >= self.lower and (self.upper is None or value < self.upper)


@dataclass(frozen=True)
class Rules:
    rule_set_id: int | None
    version_name: str
    basis: str  # "self_paid" | "assessed_loss" | "none"
    minimum_basis: Decimal | None
    case_cap: Decimal | None
    annual_cap: Decimal | None
    case_minimum: Decimal | None
    max_awards_per_year: int | None
    window_days: int | None
    membership_required: bool
    diseases_restricted: bool
    disease_codes: frozenset[str]
    rounding: str  # "cent" | "yuan"
    tiers: tuple[TierRule, ...]
    effective_from: date
    effective_to: date | None
    date_basis: str = "event"  # "event" | "submission"
    family_allowed: bool = True  # may a family member of the worker benefit

    def decisive_date(self, facts: Facts) -> date | None:
        return facts.submission_date if self.date_basis == "submission" else facts.event_date


@dataclass(frozen=True)
class Facts:
    basis_amount: Decimal | None
    event_date: date | None
    submission_date: date | None
    disease_code: str | None = None
    is_member: bool = True
    is_family_member: bool = False  # the beneficiary is the worker's spouse, child or parent
    awarded_this_year: Decimal = Decimal("0")
    awards_this_year: int = 0


@dataclass(frozen=True)
class Result:
    eligible: bool
    reasons: tuple[str, ...] = ()
    reasons_en: tuple[str, ...] = ()
    amount: Decimal | None = None
    range_min: Decimal | None = None
    range_max: Decimal | None = None
    tier_label: str = ""
    tier_index: int | None = None
    caps_applied: tuple[str, ...] = ()
    explanation: str = ""
    explanation_en: str = ""

    @property
    def is_range(self) -> bool:
        return self.eligible and self.amount is None and self.range_min is not None


def rule_cap(rules: Rules) -> Decimal | None:
    """The most the rules give any one case: the cap per case, else the highest tier (None if unbounded).

    A rate tier without an upper bound, or a parameter tier without the parameter's value, has no highest
    amount, so then neither do the rules (unless a cap per case bounds them).
    """
    if rules.case_cap is not None:
        return rules.case_cap
    highest = None
    for tier in rules.tiers:
        if tier.kind == "fixed":
            top = tier.amount
        elif tier.kind == "range":
            top = tier.range_max
        elif tier.kind == "rate":
            top = tier.upper * tier.rate / HUNDRED if tier.upper is not None and tier.rate is not None else None
        elif tier.kind == "parameter":
            top = tier.parameter_value * tier.multiplier if tier.parameter_value is not None \
                and tier.multiplier is not None else None
        else:
            top = None
        if top is None:
            return None
        highest = top if highest is None else max(highest, top)
    return round_amount(highest, rules.rounding) if highest is not None else None


# ---------------------------------------------------------------- formatting

def _plain(value: Decimal) -> str:
    """20.000 → '20', 12.500 → '12.5' (rates and multipliers as people write them)."""
    text = format(Decimal(value).normalize(), "f")
    return text


def _wan(value: Decimal) -> str:
    """50000 → '5万', 15000 → '1.5万', 800 → '800'."""
    if value >= TEN_THOUSAND and value % Decimal("1000") == 0:
        return f"{_plain(value / TEN_THOUSAND)}万"
    return _plain(value) if value == value.to_integral_value() else format_money(value)


def _thousands(value: Decimal) -> str:
    return f"{int(value):,}" if value == value.to_integral_value() else format_money(value)


def bounds_label(lower: Decimal, upper: Decimal | None) -> str:
    """Chinese tier name from its bounds: '5万–10万', '10万以上'."""
    if upper is None:
        return f"{_wan(lower)}以上"
    return f"{_wan(lower)}–{_wan(upper)}"


def bounds_label_en(lower: Decimal, upper: Decimal | None) -> str:
    if upper is None:
        return f"from {_thousands(lower)}"
    return f"{_thousands(lower)}–{_thousands(upper)}"


def round_amount(value: Decimal, rounding: str) -> Decimal:
    step = YUAN if rounding == "yuan" else CENT
    return Decimal(value).quantize(step, rounding=ROUND_HALF_UP).quantize(CENT)


# ---------------------------------------------------------------- evaluation

@dataclass
class _Reasons:
    zh: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)

    def add(self, zh: str, en: str) -> None:
        self.zh.append(zh)
        self.en.append(en)


def _not_eligible(reasons: _Reasons, *, tier_label: str = "", tier_index: int | None = None) -> Result:
    return Result(
        eligible=False,
        reasons=tuple(reasons.zh),
        reasons_en=tuple(reasons.en),
        tier_label=tier_label,
        tier_index=tier_index,
        explanation="不符合条件：" + "；".join(reasons.zh),
        explanation_en="Not eligible: " + "; ".join(reasons.en),
    )


def _check_conditions(rules: Rules, facts: Facts, reasons: _Reasons) -> None:
    if rules.membership_required and not facts.is_member:
        reasons.add("受助人所属职工不是工会会员", "the worker is not a union member")

    if facts.is_family_member and not rules.family_allowed:
        reasons.add("本细则只救助会员本人，不含家属", "this rule set covers only the member himself, not his family")

    if rules.diseases_restricted:
        if not facts.disease_code:
            reasons.add("未填写疾病名称", "no disease given")
        elif facts.disease_code not in rules.disease_codes:
            reasons.add("所患疾病不在本细则病种目录内", "the disease is not on this rule set's list")

    decisive = rules.decisive_date(facts)
    if decisive is not None:
        if decisive < rules.effective_from or (rules.effective_to is not None and decisive > rules.effective_to):
            reasons.add(f"{decisive.isoformat()} 不在细则“{rules.version_name}”的有效期内",
                        f"{decisive.isoformat()} is outside the period of rule set “{rules.version_name}”")

    if rules.window_days is not None:
        if facts.event_date is None or facts.submission_date is None:
            reasons.add("缺少发生日期或申请日期，无法核对申请时限",
                        "the event or submission date is missing, so the window cannot be checked")
        else:
            days = (facts.submission_date - facts.event_date).days
            if days < 0:
                reasons.add("申请日期早于发生日期", "the submission date is before the event date")
            elif days > rules.window_days:
                reasons.add(f"超过申请时限：发生后 {days} 天申请，限 {rules.window_days} 天内",
                            f"too late: submitted {days} days after the event, the limit is {rules.window_days} days")

    if rules.max_awards_per_year is not None and facts.awards_this_year >= rules.max_awards_per_year:
        reasons.add(f"本年度已获救助 {facts.awards_this_year} 次，每年至多 {rules.max_awards_per_year} 次",
                    f"already {facts.awards_this_year} award(s) this year, at most {rules.max_awards_per_year} a year")

    if rules.annual_cap is not None and Decimal(facts.awarded_this_year) >= rules.annual_cap:
        reasons.add(f"本年度已获 {format_money(facts.awarded_this_year)} 元，已达年度上限 {format_money(rules.annual_cap)} 元",
                    f"{format_money(facts.awarded_this_year)} yuan already awarded this year, "
                    f"the annual limit of {format_money(rules.annual_cap)} is reached")


def _find_tier(rules: Rules, value: Decimal) -> tuple[int, TierRule] | None:
    for index, tier in enumerate(rules.tiers):
        if tier.contains(value):
            return index, tier
    return None


def evaluate(rules: Rules, facts: Facts, *, chosen_amount: Decimal | None = None) -> Result:
    """Judge ``facts`` under ``rules``.

    ``chosen_amount`` is the reviewer's pick inside a range tier; it must lie
    inside the (capped) range and is still capped. Raises
    :class:`funds.errors.ChosenAmountOutsideRange` when it does not.
    """
    reasons = _Reasons()
    basis_zh, basis_en = BASIS_WORDS.get(rules.basis, ("", ""))

    if rules.basis == "none":
        value = ZERO
    elif facts.basis_amount is None:
        reasons.add(f"未填写{basis_zh}金额", f"no {basis_en.lower()} amount given")
        value = None
    elif Decimal(facts.basis_amount) < 0:
        reasons.add(f"{basis_zh}金额不能为负数", f"the {basis_en.lower()} amount cannot be negative")
        value = None
    else:
        value = Decimal(facts.basis_amount)

    _check_conditions(rules, facts, reasons)

    if value is not None and rules.basis != "none":
        if rules.minimum_basis is not None and value < rules.minimum_basis:
            reasons.add(f"{basis_zh} {format_money(value)} 元，低于起付标准 {format_money(rules.minimum_basis)} 元",
                        f"{basis_en} {format_money(value)} yuan is below the minimum of {format_money(rules.minimum_basis)} yuan")
            value = None

    found = _find_tier(rules, value) if value is not None else None
    if value is not None and found is None:
        lowest = min((t.lower for t in rules.tiers), default=None)
        if lowest is None:
            reasons.add("本细则没有任何档次", "the rule set has no tiers")
        elif value < lowest:
            reasons.add(f"{basis_zh} {format_money(value)} 元，低于最低档 {format_money(lowest)} 元",
                        f"{basis_en} {format_money(value)} yuan is below the lowest tier of {format_money(lowest)} yuan")
        else:
            reasons.add(f"{basis_zh} {format_money(value)} 元，不属于任何档次",
                        f"{basis_en} {format_money(value)} yuan falls in no tier")

    tier_index, tier = found if found else (None, None)
    label = (tier.label or bounds_label(tier.lower, tier.upper)) if tier else ""
    label_en = bounds_label_en(tier.lower, tier.upper) if tier else ""

    if tier is not None and tier.kind == "parameter" and tier.parameter_value is None:
        reasons.add(f"参数 {tier.parameter_code} 在该日期没有取值",
                    f"parameter {tier.parameter_code} has no value on that date")

    if reasons.zh:
        return _not_eligible(reasons, tier_label=label, tier_index=tier_index)

    # The ceiling every amount must respect: the case cap, then what is left of the annual cap.
    ceiling: Decimal | None = rules.case_cap
    remaining: Decimal | None = None
    if rules.annual_cap is not None:
        remaining = max(rules.annual_cap - Decimal(facts.awarded_this_year), ZERO)
        ceiling = remaining if ceiling is None else min(ceiling, remaining)

    head_zh = f"{basis_zh} {format_money(value)} 元，属 {label} 档" if basis_zh else f"属 {label} 档"
    head_en = f"{basis_en} {format_money(value)} yuan, tier {label_en}" if basis_en else f"tier {label_en}"

    if tier.kind == "range":
        low, high = Decimal(tier.range_min), Decimal(tier.range_max)
        if ceiling is not None:
            high = min(high, ceiling)
            low = min(low, high)
        low, high = round_amount(low, rules.rounding), round_amount(high, rules.rounding)
        range_zh = f"由审核人在 {format_money(low)}–{format_money(high)} 元内确定"
        range_en = f"the reviewer decides within {format_money(low)}–{format_money(high)} yuan"
        if chosen_amount is None:
            return Result(
                eligible=True, amount=None, range_min=low, range_max=high, tier_label=label, tier_index=tier_index,
                caps_applied=_range_caps(tier, rules, remaining, high),
                explanation=f"{head_zh}，{range_zh}", explanation_en=f"{head_en}; {range_en}",
            )
        chosen = Decimal(chosen_amount)
        if chosen < low or chosen > high:
            raise ChosenAmountOutsideRange(low, high)
        raw = chosen
        step_zh = f"{range_zh}，审核确定 {format_money(chosen)} 元"
        step_en = f"{range_en}, the reviewer chose {format_money(chosen)} yuan"
    elif tier.kind == "rate":
        rate = Decimal(tier.rate)
        raw = value * rate / HUNDRED
        step_zh = f"按 {_plain(rate)}% 计 {format_money(round_amount(raw, rules.rounding))} 元"
        step_en = f"{_plain(rate)}% gives {format_money(round_amount(raw, rules.rounding))} yuan"
    elif tier.kind == "fixed":
        raw = Decimal(tier.amount)
        step_zh = f"定额 {format_money(raw)} 元"
        step_en = f"a fixed {format_money(raw)} yuan"
    elif tier.kind == "parameter":
        multiplier, unit = Decimal(tier.multiplier), Decimal(tier.parameter_value)
        raw = multiplier * unit
        name = tier.parameter_name or tier.parameter_code or ""
        step_zh = f"按 {_plain(multiplier)} × {name}（{format_money(unit)} 元）计 {format_money(round_amount(raw, rules.rounding))} 元"
        step_en = (f"{_plain(multiplier)} × {name} ({format_money(unit)} yuan) gives "
                   f"{format_money(round_amount(raw, rules.rounding))} yuan")
    else:
        raise ValueError(f"unknown tier kind {tier.kind!r}")

    amount = round_amount(raw, rules.rounding)
    caps: list[str] = []
    tail_zh: list[str] = []
    tail_en: list[str] = []
    if rules.case_cap is not None and amount > rules.case_cap:
        amount = round_amount(rules.case_cap, "cent")
        caps.append(CASE_CAP)
        tail_zh.append(f"超过每案上限，按 {format_money(amount)} 元")
        tail_en.append(f"capped at the per-case limit of {format_money(amount)} yuan")
    if remaining is not None and amount > remaining:
        amount = round_amount(remaining, "cent")
        caps.append(ANNUAL_CAP)
        tail_zh.append(f"本年度已获 {format_money(facts.awarded_this_year)} 元，年度上限 {format_money(rules.annual_cap)} 元，"
                       f"按剩余 {format_money(amount)} 元")
        tail_en.append(f"{format_money(facts.awarded_this_year)} yuan already awarded this year under an annual limit of "
                       f"{format_money(rules.annual_cap)}, so the remaining {format_money(amount)} yuan")
    if rules.case_minimum is not None and amount < rules.case_minimum:
        floor = rules.case_minimum if ceiling is None else min(rules.case_minimum, ceiling)
        if floor > amount:
            amount = round_amount(floor, "cent")
            caps.append(CASE_MINIMUM)
            tail_zh.append(f"低于每案最低额，按 {format_money(amount)} 元")
            tail_en.append(f"raised to the per-case minimum of {format_money(amount)} yuan")

    explanation = "，".join([head_zh, step_zh, *tail_zh])
    explanation_en = "; ".join([head_en, step_en, *tail_en])
    if rules.rounding == "yuan" and tier.kind in ("rate", "parameter"):
        explanation += "（取整到元）"
        explanation_en += " (rounded to the yuan)"
    return Result(
        eligible=True, amount=amount, range_min=None, range_max=None, tier_label=label, tier_index=tier_index,
        caps_applied=tuple(caps), explanation=explanation, explanation_en=explanation_en,
    )


def _range_caps(tier: TierRule, rules: Rules, remaining: Decimal | None, high: Decimal) -> tuple[str, ...]:
    caps = []
    if rules.case_cap is not None and Decimal(tier.range_max) > rules.case_cap:
        caps.append(CASE_CAP)
    if remaining is not None and high >= remaining and Decimal(tier.range_max) > remaining:
        caps.append(ANNUAL_CAP)
    return tuple(caps)


# ---------------------------------------------------------------- recurring aid

@dataclass(frozen=True)
class CycleFacts:
    """What a cycle's amount depends on: its date, and the day the parameter value in force then began."""

    cycle_date: date
    parameter_since: date | None = None


def cycle_amount(rules: Rules, facts: CycleFacts) -> Result:
    """The amount per unit (household or pupil) of a programme's cycle on ``facts.cycle_date``.

    A programme's rule set has basis "none" and one tier that holds for every unit: a fixed amount, or a
    multiple of a dated parameter (the monthly 低保标准) whose value on the cycle's date is in the tier. A
    range or a rate needs a case and is refused here. The cap per case, if any, caps the amount.
    """
    reasons = _Reasons()
    day = facts.cycle_date
    if day < rules.effective_from or (rules.effective_to is not None and day > rules.effective_to):
        reasons.add(f"{day.isoformat()} 不在细则“{rules.version_name}”的有效期内",
                    f"{day.isoformat()} is outside the period of rule set “{rules.version_name}”")
    if rules.basis != "none":
        reasons.add("周期性帮扶的细则不按金额基数计算", "a recurring programme's rule set has no basis amount")
    found = _find_tier(rules, ZERO)
    if found is None:
        reasons.add("本细则没有任何档次", "the rule set has no tiers")
    tier_index, tier = found if found else (None, None)
    if tier is not None and tier.kind not in ("fixed", "parameter"):
        reasons.add("周期性帮扶只按定额或参数倍数计算", "recurring aid is a fixed amount or a multiple of a parameter")
    if tier is not None and tier.kind == "parameter" and tier.parameter_value is None:
        reasons.add(f"参数 {tier.parameter_name or tier.parameter_code} 在 {day.isoformat()} 没有取值",
                    f"parameter {tier.parameter_name_en or tier.parameter_code} has no value on {day.isoformat()}")
    if reasons.zh:
        return _not_eligible(reasons, tier_index=tier_index)

    if tier.kind == "fixed":
        amount = round_amount(Decimal(tier.amount), "cent")
        explanation = f"定额 {format_money(amount)} 元"
        explanation_en = f"a fixed {format_money(amount)} yuan"
    else:
        multiplier, unit = Decimal(tier.multiplier), Decimal(tier.parameter_value)
        amount = round_amount(multiplier * unit, rules.rounding)
        name = tier.parameter_name or tier.parameter_code or ""
        name_en = tier.parameter_name_en or tier.parameter_code or ""
        since = f"（{facts.parameter_since.isoformat()} 起）" if facts.parameter_since else ""
        since_en = f" (from {facts.parameter_since.isoformat()})" if facts.parameter_since else ""
        explanation = f"{_plain(multiplier)} × {name} {format_money(unit)} 元{since or ' '}= {format_money(amount)} 元"
        explanation_en = (f"{_plain(multiplier)} × {name_en} {format_money(unit)} yuan{since_en} = "
                          f"{format_money(amount)} yuan")
        if rules.rounding == "yuan":
            explanation += "（取整到元）"
            explanation_en += " (rounded to the yuan)"
    caps = []
    if rules.case_cap is not None and amount > rules.case_cap:
        amount = round_amount(rules.case_cap, "cent")
        caps.append(CASE_CAP)
        explanation += f"，超过每次上限，按 {format_money(amount)} 元"
        explanation_en += f"; capped at {format_money(amount)} yuan"
    if amount <= 0:
        return _not_eligible(_Reasons(["金额为零"], ["the amount is zero"]), tier_index=tier_index)
    return Result(eligible=True, amount=amount, tier_label=tier.label, tier_index=tier_index,
                  caps_applied=tuple(caps), explanation=explanation, explanation_en=explanation_en)
