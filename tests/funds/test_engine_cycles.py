"""The amount of a recurring programme's cycle, per unit, with its explanation: no database."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from funds import engine

D = Decimal


def rules(*tiers, case_cap=None, rounding="cent", effective_to=None):
    return engine.Rules(rule_set_id=1, version_name="2023年版", basis="none", minimum_basis=None, case_cap=case_cap,
                        annual_cap=None, case_minimum=None, max_awards_per_year=None, window_days=None,
                        membership_required=False, diseases_restricted=False, disease_codes=frozenset(),
                        rounding=rounding, tiers=tuple(tiers), effective_from=dt.date(2023, 1, 1),
                        effective_to=effective_to)


def dibao(multiplier, value):
    return engine.TierRule(lower=D("0"), upper=None, kind="parameter", parameter_code="dibao_monthly",
                           multiplier=D(multiplier), parameter_value=None if value is None else D(value),
                           parameter_name="低保标准", parameter_name_en="monthly minimum living standard")


def test_one_standard_a_month_is_the_standard_in_force_with_its_date():
    result = engine.cycle_amount(rules(dibao("1", "1395")),
                                 engine.CycleFacts(cycle_date=dt.date(2024, 3, 1), parameter_since=dt.date(2023, 9, 1)))
    assert result.eligible and result.amount == D("1395.00")
    assert result.explanation == "1 × 低保标准 1,395.00 元（2023-09-01 起）= 1,395.00 元"
    assert result.explanation_en == ("1 × monthly minimum living standard 1,395.00 yuan (from 2023-09-01) = "
                                     "1,395.00 yuan")


def test_ten_standards_a_year_for_a_chaoyang_student():
    result = engine.cycle_amount(rules(dibao("10", "1420")), engine.CycleFacts(cycle_date=dt.date(2024, 9, 1)))
    assert result.amount == D("14200.00")
    assert result.explanation == "10 × 低保标准 1,420.00 元 = 14,200.00 元"


def test_a_fixed_amount_per_household():
    tier = engine.TierRule(lower=D("0"), upper=None, kind="fixed", amount=D("1000"))
    result = engine.cycle_amount(rules(tier), engine.CycleFacts(cycle_date=dt.date(2024, 10, 1)))
    assert (result.amount, result.explanation, result.explanation_en) == \
        (D("1000.00"), "定额 1,000.00 元", "a fixed 1,000.00 yuan")


def test_a_half_standard_rounded_to_the_yuan():
    result = engine.cycle_amount(rules(dibao("0.5", "1395"), rounding="yuan"),
                                 engine.CycleFacts(cycle_date=dt.date(2024, 3, 1)))
    assert result.amount == D("698.00")  # 697.50 half up
    assert result.explanation.endswith("（取整到元）")


def test_the_cap_caps_the_amount():
    result = engine.cycle_amount(rules(dibao("2", "1395"), case_cap=D("2000")),
                                 engine.CycleFacts(cycle_date=dt.date(2024, 3, 1)))
    assert result.amount == D("2000.00") and result.caps_applied == (engine.CASE_CAP,)


def test_no_value_of_the_parameter_on_the_date_gives_no_amount():
    result = engine.cycle_amount(rules(dibao("1", None)), engine.CycleFacts(cycle_date=dt.date(2022, 3, 1)))
    assert not result.eligible
    assert "低保标准" in result.explanation and "2022-03-01" in result.explanation


def test_a_date_outside_the_rule_sets_period_gives_no_amount():
    result = engine.cycle_amount(rules(dibao("1", "1395"), effective_to=dt.date(2023, 12, 31)),
                                 engine.CycleFacts(cycle_date=dt.date(2024, 1, 1)))
    assert not result.eligible and "有效期" in result.explanation


def test_a_range_needs_a_reviewer_and_is_not_a_cycle_amount():
    tier = engine.TierRule(lower=D("0"), upper=None, kind="range", range_min=D("500"), range_max=D("2000"))
    assert not engine.cycle_amount(rules(tier), engine.CycleFacts(cycle_date=dt.date(2024, 3, 1))).eligible
