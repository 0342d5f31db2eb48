"""The benefit engine, without a database: every figure a reviewer or the bank would check."""
from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funds.engine import Facts, Rules, TierRule, bounds_label, evaluate
from funds.errors import ChosenAmountOutsideRange

D = Decimal
EVENT = dt.date(2022, 3, 1)
SUBMITTED = dt.date(2022, 3, 20)


def shunyi_2022(**changes) -> Rules:
    rules = Rules(
        rule_set_id=1, version_name="2022年修订", basis="self_paid", minimum_basis=D("20000"), case_cap=None,
        annual_cap=None, case_minimum=None, max_awards_per_year=None, window_days=None, membership_required=True,
        diseases_restricted=False, disease_codes=frozenset(), rounding="cent",
        tiers=(
            TierRule(lower=D("20000"), upper=D("50000"), kind="rate", rate=D("15")),
            TierRule(lower=D("50000"), upper=D("100000"), kind="rate", rate=D("20")),
            TierRule(lower=D("100000"), upper=None, kind="fixed", amount=D("30000")),
        ),
        effective_from=dt.date(2022, 1, 1), effective_to=None, date_basis="event",
    )
    return dataclasses.replace(rules, **changes)


def facts(basis="62000", **changes) -> Facts:
    return dataclasses.replace(Facts(basis_amount=D(basis) if basis is not None else None, event_date=EVENT,
                                     submission_date=SUBMITTED), **changes)


def amount_for(basis: str, rules: Rules | None = None) -> Decimal | None:
    return evaluate(rules or shunyi_2022(), facts(basis)).amount


@pytest.mark.parametrize(("basis", "expected"), [
    ("20000.00", "3000.00"),
    ("20000.01", "3000.00"),
    ("49999.99", "7500.00"),       # 7,499.9985 rounds half-up to the cent
    ("50000.00", "10000.00"),
    ("62000.00", "12400.00"),
    ("99999.99", "20000.00"),      # 19,999.998 → 20,000.00
    ("100000.00", "30000.00"),     # "以上" includes the figure itself
    ("710000.00", "30000.00"),
])
def test_every_shunyi_2022_tier_edge_gives_the_published_amount(basis, expected):
    assert amount_for(basis) == D(expected)


def test_just_below_the_lowest_tier_is_not_eligible_and_says_why():
    result = evaluate(shunyi_2022(), facts("19999.99"))
    assert result.eligible is False
    assert result.amount is None
    assert "低于起付标准 20,000.00 元" in result.reasons[0]
    assert "below the minimum" in result.reasons_en[0]


def test_below_the_lowest_tier_without_a_minimum_basis_is_also_refused():
    result = evaluate(shunyi_2022(minimum_basis=None), facts("19999.99"))
    assert result.eligible is False
    assert "低于最低档 20,000.00 元" in result.reasons[0]


def test_the_explanation_names_the_tier_the_rate_and_the_amount():
    result = evaluate(shunyi_2022(), facts("62000"))
    assert result.explanation == "自付 62,000.00 元，属 5万–10万 档，按 20% 计 12,400.00 元"
    assert result.explanation_en == "Self-paid 62,000.00 yuan, tier 50,000–100,000; 20% gives 12,400.00 yuan"
    assert result.tier_index == 1
    assert result.tier_label == "5万–10万"


def test_the_top_tier_is_a_fixed_amount_and_says_so():
    result = evaluate(shunyi_2022(), facts("100000"))
    assert result.explanation == "自付 100,000.00 元，属 10万以上 档，定额 30,000.00 元"
    assert result.tier_index == 2


def test_a_tier_label_set_by_the_rule_set_is_used_in_the_explanation():
    tiers = (TierRule(lower=D("0"), upper=None, kind="rate", rate=D("50"), label="剩余自付部分"),)
    result = evaluate(shunyi_2022(tiers=tiers, minimum_basis=None), facts("1000"))
    assert result.explanation.startswith("自付 1,000.00 元，属 剩余自付部分 档")


def test_bounds_labels_read_like_the_notice():
    assert bounds_label(D("20000"), D("50000")) == "2万–5万"
    assert bounds_label(D("15000"), D("20000")) == "1.5万–2万"
    assert bounds_label(D("100000"), None) == "10万以上"
    assert bounds_label(D("0"), D("800")) == "0–800"


def test_the_case_cap_limits_the_amount_and_the_explanation_says_so():
    city = shunyi_2022(minimum_basis=None, case_cap=D("50000"),
                       tiers=(TierRule(lower=D("0"), upper=None, kind="rate", rate=D("50")),))
    result = evaluate(city, facts("710000"))
    assert result.amount == D("50000.00")
    assert result.caps_applied == ("case_cap",)
    assert "超过每案上限，按 50,000.00 元" in result.explanation
    assert "per-case limit of 50,000.00" in result.explanation_en


def test_the_annual_cap_leaves_only_what_remains_this_year():
    rules = shunyi_2022(annual_cap=D("35000"))
    result = evaluate(rules, facts("62000", awarded_this_year=D("30000")))
    assert result.amount == D("5000.00")
    assert result.caps_applied == ("annual_cap",)
    assert "按剩余 5,000.00 元" in result.explanation


def test_an_exhausted_annual_cap_is_not_eligible_rather_than_a_zero_award():
    result = evaluate(shunyi_2022(annual_cap=D("30000")), facts("62000", awarded_this_year=D("30000")))
    assert result.eligible is False
    assert "已达年度上限" in result.reasons[0]


def test_the_case_cap_applies_before_the_annual_cap():
    rules = shunyi_2022(case_cap=D("10000"), annual_cap=D("15000"))
    result = evaluate(rules, facts("62000", awarded_this_year=D("8000")))
    assert result.amount == D("7000.00")
    assert result.caps_applied == ("case_cap", "annual_cap")


def test_the_case_minimum_raises_a_small_award_but_never_above_a_cap():
    daxing = shunyi_2022(minimum_basis=None, case_minimum=D("1000"), case_cap=D("50000"),
                         tiers=(TierRule(lower=D("0"), upper=None, kind="rate", rate=D("10")),))
    assert evaluate(daxing, facts("3000")).amount == D("1000.00")
    assert evaluate(daxing, facts("3000")).caps_applied == ("case_minimum",)
    capped = dataclasses.replace(daxing, annual_cap=D("50000"))
    assert evaluate(capped, facts("3000", awarded_this_year=D("49500"))).amount == D("500.00")


def test_rounding_to_the_whole_yuan_rounds_half_up():
    rules = shunyi_2022(rounding="yuan")
    assert amount_for("62003.33", rules) == D("12401.00")   # 12,400.666
    assert amount_for("20003.33", rules) == D("3000.00")    # 3,000.4995
    assert amount_for("20003.34", rules) == D("3001.00")    # 3,000.501
    assert "取整到元" in evaluate(rules, facts("62003.33")).explanation


def test_rounding_to_the_cent_rounds_half_up():
    assert amount_for("20000.10") == D("3000.02")   # 3,000.015


def test_an_application_within_the_window_is_eligible_and_one_day_late_is_not():
    rules = shunyi_2022(window_days=90)
    on_time = facts("62000", event_date=dt.date(2022, 1, 1), submission_date=dt.date(2022, 4, 1))  # 90 days
    late = facts("62000", event_date=dt.date(2022, 1, 1), submission_date=dt.date(2022, 4, 2))
    assert evaluate(rules, on_time).eligible is True
    result = evaluate(rules, late)
    assert result.eligible is False
    assert "超过申请时限：发生后 91 天申请，限 90 天内" in result.reasons


def test_a_submission_before_the_event_is_refused():
    rules = shunyi_2022(window_days=90)
    result = evaluate(rules, facts("62000", event_date=dt.date(2022, 3, 2), submission_date=dt.date(2022, 3, 1)))
    assert result.eligible is False


def test_a_missing_date_cannot_pass_a_window():
    result = evaluate(shunyi_2022(window_days=90), facts("62000", submission_date=None))
    assert result.eligible is False


def test_a_non_member_is_refused_when_membership_is_required():
    assert evaluate(shunyi_2022(), facts("62000", is_member=False)).eligible is False
    assert evaluate(shunyi_2022(membership_required=False), facts("62000", is_member=False)).amount == D("12400.00")


def test_a_family_member_is_refused_under_a_member_only_rule_and_says_why():
    member_only = evaluate(shunyi_2022(family_allowed=False), facts("62000", is_family_member=True))
    assert member_only.eligible is False and member_only.amount is None
    assert member_only.reasons == ("本细则只救助会员本人，不含家属",)
    assert evaluate(shunyi_2022(family_allowed=False), facts("62000")).amount == D("12400.00")
    assert evaluate(shunyi_2022(family_allowed=True), facts("62000", is_family_member=True)).amount == D("12400.00")


def test_only_listed_diseases_are_covered_when_the_list_is_restricted():
    rules = shunyi_2022(diseases_restricted=True, disease_codes=frozenset({"malignant-tumour"}))
    assert evaluate(rules, facts("62000", disease_code="malignant-tumour")).amount == D("12400.00")
    other = evaluate(rules, facts("62000", disease_code="flu"))
    assert other.eligible is False
    assert "所患疾病不在本细则病种目录内" in other.reasons
    assert evaluate(rules, facts("62000", disease_code=None)).eligible is False
    assert evaluate(shunyi_2022(), facts("62000", disease_code="flu")).eligible is True


def test_the_most_awards_per_year_is_enforced():
    rules = shunyi_2022(max_awards_per_year=1)
    assert evaluate(rules, facts("62000", awards_this_year=0)).eligible is True
    result = evaluate(rules, facts("62000", awards_this_year=1))
    assert result.eligible is False
    assert "每年至多 1 次" in result.reasons[0]


def test_a_date_outside_the_rule_sets_period_is_refused():
    rules = shunyi_2022(effective_to=dt.date(2022, 12, 31))
    assert evaluate(rules, facts("62000", event_date=dt.date(2021, 12, 31))).eligible is False
    assert evaluate(rules, facts("62000", event_date=dt.date(2022, 12, 31))).eligible is True
    assert evaluate(rules, facts("62000", event_date=dt.date(2023, 1, 1))).eligible is False


def test_the_submission_date_decides_when_the_rule_set_says_so():
    rules = shunyi_2022(date_basis="submission")
    late_event = facts("62000", event_date=dt.date(2021, 12, 20), submission_date=dt.date(2022, 1, 5))
    assert evaluate(rules, late_event).eligible is True


def test_every_reason_is_listed_when_several_conditions_fail():
    rules = shunyi_2022(window_days=30)
    result = evaluate(rules, facts("10000", is_member=False, submission_date=dt.date(2022, 6, 1)))
    assert len(result.reasons) == 3
    assert len(result.reasons_en) == 3
    assert result.explanation.startswith("不符合条件：")


def test_a_missing_or_negative_basis_is_refused():
    assert evaluate(shunyi_2022(), facts(None)).eligible is False
    assert evaluate(shunyi_2022(), facts("-1")).eligible is False


def daxing_emergency(**changes) -> Rules:
    return shunyi_2022(basis="assessed_loss", minimum_basis=None, case_cap=D("50000"),
                       tiers=(TierRule(lower=D("0"), upper=None, kind="range", range_min=D("5000"),
                                       range_max=D("10000")),), **changes)


def test_a_range_tier_leaves_the_amount_to_the_reviewer():
    result = evaluate(daxing_emergency(), facts("30000"))
    assert result.eligible is True
    assert result.amount is None
    assert (result.range_min, result.range_max) == (D("5000.00"), D("10000.00"))
    assert result.explanation == "核定损失 30,000.00 元，属 0以上 档，由审核人在 5,000.00–10,000.00 元内确定"


def test_the_reviewers_pick_inside_the_range_is_the_amount():
    result = evaluate(daxing_emergency(), facts("30000"), chosen_amount=D("8000"))
    assert result.amount == D("8000.00")
    assert "审核确定 8,000.00 元" in result.explanation


@pytest.mark.parametrize("chosen", ["4999.99", "10000.01"])
def test_a_pick_outside_the_range_is_refused_with_the_range(chosen):
    with pytest.raises(ChosenAmountOutsideRange) as caught:
        evaluate(daxing_emergency(), facts("30000"), chosen_amount=D(chosen))
    assert caught.value.field == "proposed_amount"
    assert (caught.value.low, caught.value.high) == (D("5000.00"), D("10000.00"))


def test_the_range_is_narrowed_by_what_is_left_of_the_annual_cap():
    result = evaluate(daxing_emergency(annual_cap=D("50000")), facts("30000", awarded_this_year=D("43000")))
    assert (result.range_min, result.range_max) == (D("5000.00"), D("7000.00"))
    assert "annual_cap" in result.caps_applied


def city_living(value="1320.00") -> Rules:
    return shunyi_2022(basis="none", minimum_basis=None, tiers=(
        TierRule(lower=D("0"), upper=None, kind="parameter", parameter_code="dibao_monthly", multiplier=D("12"),
                 parameter_value=D(value) if value else None, parameter_name="低保标准"),))


def test_a_parameter_tier_is_the_multiple_of_the_parameter_value():
    result = evaluate(city_living(), facts(None))
    assert result.amount == D("15840.00")
    assert result.explanation == "属 0以上 档，按 12 × 低保标准（1,320.00 元）计 15,840.00 元"


def test_a_parameter_without_a_value_on_the_date_is_refused():
    assert evaluate(city_living(None), facts(None)).eligible is False


def test_a_fixed_award_with_no_basis_ignores_the_basis_amount():
    pinggu = shunyi_2022(basis="none", minimum_basis=None,
                         tiers=(TierRule(lower=D("0"), upper=None, kind="fixed", amount=D("20000")),))
    assert evaluate(pinggu, facts(None)).amount == D("20000.00")
    assert evaluate(pinggu, facts("5")).amount == D("20000.00")


# ------------------------------------------------------------------ properties

money_values = st.decimals(min_value=D("0"), max_value=D("2000000"), places=2, allow_nan=False, allow_infinity=False)
caps = st.one_of(st.none(), st.decimals(min_value=D("0"), max_value=D("100000"), places=2))


@settings(max_examples=300, deadline=None)
@given(basis=money_values, case_cap=caps, annual_cap=caps, awarded=money_values, rounding=st.sampled_from(["cent", "yuan"]))
def test_the_amount_is_never_negative_and_never_above_a_cap(basis, case_cap, annual_cap, awarded, rounding):
    rules = shunyi_2022(case_cap=case_cap, annual_cap=annual_cap, rounding=rounding, minimum_basis=None,
                        case_minimum=D("1000"))
    result = evaluate(rules, facts(str(basis), awarded_this_year=awarded))
    if not result.eligible:
        return
    assert result.amount >= 0
    assert result.amount == result.amount.quantize(D("0.01"))
    if case_cap is not None:
        assert result.amount <= case_cap
    if annual_cap is not None:
        assert result.amount + awarded <= annual_cap


@settings(max_examples=200, deadline=None)
@given(a=st.decimals(min_value=D("50000"), max_value=D("99999.99"), places=2),
       b=st.decimals(min_value=D("50000"), max_value=D("99999.99"), places=2))
def test_within_a_rate_tier_the_aid_is_proportional_to_the_basis(a, b):
    result_a, result_b = amount_for(str(a)), amount_for(str(b))
    assert abs(result_a - a * D("0.2")) <= D("0.005")
    assert abs(result_b - b * D("0.2")) <= D("0.005")
    if a <= b:
        assert result_a <= result_b


@settings(max_examples=200, deadline=None)
@given(basis=money_values)
def test_a_higher_tier_never_pays_less_than_the_top_of_the_one_below_in_shunyi_2022(basis):
    result = evaluate(shunyi_2022(), facts(str(basis)))
    assert result.eligible == (basis >= D("20000"))
    if result.eligible:
        assert D("3000") <= result.amount <= D("30000")
