"""The figures against the hand-built quarter in conftest.py."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from reports import selectors
from reports.periods import Period

pytestmark = pytest.mark.django_db

Q1 = Period.quarter(2022, 1)


def test_a_district_reviewer_gets_the_quarters_application_counts(quarter, reviewer):
    o = selectors.application_overview(reviewer, Q1)
    assert (o["received"], o["verified"], o["approved"], o["rejected"], o["returned"], o["withdrawn"]) == (
        7, 3, 3, 1, 1, 1)


def test_paid_count_and_amount_are_to_the_cent_and_ignore_the_failed_payout(quarter, reviewer):
    o = selectors.application_overview(reviewer, Q1)
    assert o["paid_count"] == 4
    assert o["paid_amount"] == Decimal("55400.55")


def test_median_and_90th_percentile_days_from_submission_to_payment(quarter, reviewer):
    # Days 26, 38, 46 and 82 (A9 was submitted at 00:30 Beijing time: 82 days, not 83).
    o = selectors.application_overview(reviewer, Q1)
    assert o["median_days"] == Decimal("42.0")
    assert o["p90_days"] == Decimal("71.2")


def test_figures_by_category(quarter, reviewer):
    rows = {r["category__code"]: r for r in selectors.by_category(reviewer, Q1)}
    medical, emergency = rows["medical"], rows["emergency"]
    assert (medical["received"], medical["verified"], medical["rejected"], medical["returned"]) == (6, 2, 1, 1)
    assert (medical["paid_count"], medical["paid_amount"]) == (3, Decimal("47400.00"))
    assert (emergency["received"], emergency["verified"], emergency["withdrawn"]) == (1, 1, 1)
    assert (emergency["paid_count"], emergency["paid_amount"]) == (1, Decimal("8000.55"))
    assert list(rows) == ["medical", "emergency"]


def test_figures_by_station(quarter, reviewer):
    rows = {r["station__code"]: r for r in selectors.by_station(reviewer, Q1)}
    assert set(rows) == {"SY01", "SY02"}
    sy01, sy02 = rows["SY01"], rows["SY02"]
    assert (sy01["received"], sy01["verified"], sy01["approved"], sy01["returned"]) == (4, 2, 2, 1)
    assert (sy01["paid_count"], sy01["paid_amount"]) == (3, Decimal("47400.00"))
    assert (sy02["received"], sy02["verified"], sy02["rejected"], sy02["withdrawn"]) == (3, 1, 1, 1)
    assert (sy02["paid_count"], sy02["paid_amount"]) == (1, Decimal("8000.55"))


def test_a_liaisons_figures_are_those_of_his_station_only(quarter, liaison1):
    o = selectors.application_overview(liaison1, Q1)
    assert (o["received"], o["verified"], o["returned"], o["rejected"], o["withdrawn"]) == (4, 2, 1, 0, 0)
    assert (o["paid_count"], o["paid_amount"]) == (3, Decimal("47400.00"))
    assert (o["median_days"], o["p90_days"]) == (Decimal("46.0"), Decimal("74.8"))
    assert [r["station__code"] for r in selectors.by_station(liaison1, Q1)] == ["SY01"]


def test_a_liaison_sees_no_district_donations_or_ledger(quarter, liaison1):
    assert selectors.donations_by_campaign(liaison1, Q1) == []
    assert selectors.donations_by_unit(liaison1, Q1) == []
    assert selectors.balance_over_time(liaison1, Q1) == []


def test_a_daxing_reviewer_sees_none_of_shunyi(quarter, daxing_reviewer):
    o = selectors.application_overview(daxing_reviewer, Q1)
    assert (o["received"], o["verified"], o["paid_count"], o["paid_amount"]) == (1, 1, 1, Decimal("50000.00"))
    assert [r["station__code"] for r in selectors.by_station(daxing_reviewer, Q1)] == ["DX01"]
    assert selectors.donation_totals(daxing_reviewer, Q1) == {"count": 1, "amount": Decimal("3000.00")}
    assert [s.fund_name for s in selectors.balance_over_time(daxing_reviewer, Q1)] == [
        "大兴区职工应急救助专项温暖基金"]


def test_the_administrator_sees_every_district(quarter, admin_user):
    o = selectors.application_overview(admin_user, Q1)
    assert (o["received"], o["paid_count"], o["paid_amount"]) == (8, 5, Decimal("105400.55"))


def test_the_fund_filter_keeps_one_fund(quarter, admin_user, daxing_fund):
    o = selectors.application_overview(admin_user, Q1, fund=daxing_fund)
    assert (o["received"], o["paid_amount"]) == (1, Decimal("50000.00"))


def test_a_submission_at_2330_on_31_march_is_in_q1_and_one_at_0010_on_1_april_in_q2(quarter, reviewer):
    q1 = {r["category__code"]: r["received"] for r in selectors.by_category(reviewer, Q1)}
    q2 = {r["category__code"]: r["received"] for r in selectors.by_category(reviewer, Period.quarter(2022, 2))}
    assert q1["emergency"] == 1  # A7 only: A4 arrived at 00:10 on 1 April
    assert q2 == {"medical": 0, "emergency": 1}  # A3 is Q1's although verified in Q2
    assert selectors.application_overview(reviewer, Period.quarter(2022, 2))["verified"] == 1


def test_a_month_and_custom_dates_count_their_own_days(quarter, reviewer):
    march = selectors.application_overview(reviewer, Period.month(2022, 3))
    assert (march["received"], march["paid_count"], march["paid_amount"]) == (1, 2, Decimal("35000.00"))
    custom = selectors.application_overview(reviewer, Period.custom(dt.date(2022, 1, 1), dt.date(2022, 2, 15)))
    assert (custom["received"], custom["verified"], custom["paid_amount"]) == (5, 3, Decimal("8000.55"))


def test_donations_by_campaign_count_confirmed_donations_received_in_the_period(quarter, finance):
    assert selectors.donation_totals(finance, Q1) == {"count": 3, "amount": Decimal("1350.50")}
    rows = [(r["campaign_name"], r["count"], r["amount"]) for r in selectors.donations_by_campaign(finance, Q1)]
    assert rows == [("无募捐活动", 1, Decimal("1000.00")), ("一元捐、十元捐 2022", 2, Decimal("350.50"))]


def test_donations_by_unit_name_the_unit_an_individual_gave_through(quarter, finance):
    rows = [(r["unit"], r["count"], r["amount"]) for r in selectors.donations_by_unit(finance, Q1)]
    assert rows == [("匿名", 1, Decimal("1000.00")), ("顺义区医院", 1, Decimal("250.50")),
                    ("爱心单位甲", 1, Decimal("100.00"))]


def test_the_fund_balance_runs_month_by_month_from_the_opening_balance(quarter, finance, shunyi_fund):
    (series,) = selectors.balance_over_time(finance, Q1, fund=shunyi_fund)
    assert series.opening == Decimal("1000000.00")
    assert series.months == [
        (dt.date(2022, 1, 1), Decimal("-7000.55"), Decimal("992999.45")),
        (dt.date(2022, 2, 1), Decimal("-12400.00"), Decimal("980599.45")),
        (dt.date(2022, 3, 1), Decimal("-34649.50"), Decimal("945949.95")),
    ]


def test_a_month_without_ledger_entries_carries_the_balance_forward(quarter, finance, shunyi_fund):
    (series,) = selectors.balance_over_time(finance, Period.custom(dt.date(2022, 3, 1), dt.date(2022, 5, 31)),
                                            fund=shunyi_fund)
    assert [balance for _month, _net, balance in series.months] == [
        Decimal("945949.95"), Decimal("946025.95"), Decimal("946025.95")]
