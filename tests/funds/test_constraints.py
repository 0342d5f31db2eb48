"""The database itself refuses rule sets and tiers that would make the rules ambiguous."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from funds.models import ParameterValue, RuleSet, Tier
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


def test_two_active_versions_of_one_fund_and_category_cannot_overlap(shunyi_rules):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.RuleSetFactory(fund=shunyi_rules.fund, category=shunyi_rules.category, effective_from=dt.date(2023, 1, 1))


def test_a_period_that_ends_the_day_before_does_not_overlap(shunyi_rules):
    f.RuleSetFactory(fund=shunyi_rules.fund, category=shunyi_rules.category, effective_from=dt.date(2017, 1, 1),
                     effective_to=dt.date(2021, 12, 31))
    with pytest.raises(IntegrityError), transaction.atomic():
        f.RuleSetFactory(fund=shunyi_rules.fund, category=shunyi_rules.category, effective_from=dt.date(2018, 1, 1),
                         effective_to=dt.date(2022, 1, 1))


def test_drafts_and_other_categories_or_funds_may_share_a_period(shunyi_rules, daxing_fund):
    f.RuleSetFactory(fund=shunyi_rules.fund, category=shunyi_rules.category, status=RuleSet.Status.DRAFT)
    f.RuleSetFactory(fund=shunyi_rules.fund, category=f.AidCategoryFactory(code="living"))
    f.RuleSetFactory(fund=daxing_fund, category=shunyi_rules.category)
    assert RuleSet.objects.count() == 4


def test_a_period_cannot_end_before_it_starts(shunyi_fund, medical):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.RuleSetFactory(fund=shunyi_fund, category=medical, effective_from=dt.date(2022, 1, 1),
                         effective_to=dt.date(2021, 12, 31))


def test_overlapping_tiers_of_one_rule_set_are_refused(shunyi_rules):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.TierFactory(rule_set=shunyi_rules, lower=D("49999.99"), upper=D("50000.01"), kind="rate", rate=D("1"))


def test_adjacent_tiers_meet_at_the_bound_without_overlapping(shunyi_fund, medical):
    rule_set = f.RuleSetFactory(fund=shunyi_fund, category=medical, status=RuleSet.Status.DRAFT)
    f.TierFactory(rule_set=rule_set, lower=D("0"), upper=D("100"))
    f.TierFactory(rule_set=rule_set, lower=D("100"), upper=None)
    assert rule_set.tiers.count() == 2


@pytest.mark.parametrize("values", [
    {"rate": D("100.001")},
    {"rate": D("-1")},
    {"upper": D("20000"), "lower": D("20000")},
    {"upper": D("10000"), "lower": D("20000")},
    {"lower": D("-1")},
    {"kind": "fixed", "rate": None, "amount": D("-5")},
    {"kind": "fixed", "rate": None, "amount": None},
    {"kind": "range", "rate": None, "range_min": D("10000"), "range_max": D("5000")},
    {"kind": "parameter", "rate": None, "multiplier": D("12")},
])
def test_the_database_refuses_a_tier_that_makes_no_sense(shunyi_fund, medical, values):
    rule_set = f.RuleSetFactory(fund=shunyi_fund, category=medical, status=RuleSet.Status.DRAFT)
    with pytest.raises(IntegrityError), transaction.atomic():
        f.TierFactory(rule_set=rule_set, **values)
    assert Tier.objects.count() == 0


@pytest.mark.parametrize("field", ["case_cap", "annual_cap", "minimum_basis"])
def test_negative_caps_are_refused(shunyi_fund, medical, field):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.RuleSetFactory(fund=shunyi_fund, category=medical, **{field: D("-1")})


def test_a_parameter_value_is_never_negative_and_one_per_date(db):
    dibao = f.ParameterFactory()
    f.ParameterValueFactory(parameter=dibao, valid_from=dt.date(2022, 1, 1), value=D("1320"))
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ParameterValueFactory(parameter=dibao, valid_from=dt.date(2022, 1, 1), value=D("1330"))
    with pytest.raises(IntegrityError), transaction.atomic():
        f.ParameterValueFactory(parameter=dibao, valid_from=dt.date(2023, 1, 1), value=D("-1"))
    assert ParameterValue.objects.count() == 1
