"""Which rule set is in force, the engine rules built from it, and who sees which fund."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from funds.engine import Facts, evaluate
from funds.errors import NoRuleSetInForce
from funds.models import RuleSet
from funds.selectors import funds_visible_to, rule_set_in_force, rule_set_is_used, rules_of
from reliefdesk.errors import DomainError
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def shunyi_2017(shunyi_fund, medical):
    rule_set = f.RuleSetFactory(fund=shunyi_fund, category=medical, version_name="2017年版",
                                effective_from=dt.date(2017, 1, 1), effective_to=dt.date(2021, 12, 31))
    f.TierFactory(rule_set=rule_set, lower=D("20000"), upper=D("50000"), kind="rate", rate=D("10"))
    f.TierFactory(rule_set=rule_set, lower=D("50000"), upper=D("100000"), kind="rate", rate=D("15"))
    f.TierFactory(rule_set=rule_set, lower=D("100000"), upper=None, kind="fixed", rate=None, amount=D("30000"))
    return rule_set


def test_the_version_in_force_is_chosen_by_date_with_both_ends_of_a_period_inclusive(shunyi_2017, shunyi_rules):
    fund, medical = shunyi_rules.fund, shunyi_rules.category
    assert rule_set_in_force(fund=fund, category=medical, on=dt.date(2021, 12, 31)) == shunyi_2017
    assert rule_set_in_force(fund=fund, category=medical, on=dt.date(2022, 1, 1)) == shunyi_rules
    assert rule_set_in_force(fund="shunyi", category="medical", on=dt.date(2017, 1, 1)) == shunyi_2017


def test_a_decided_2021_case_and_a_2022_case_get_different_amounts_for_the_same_bill(shunyi_2017, shunyi_rules):
    old = rules_of(rule_set_in_force(fund=shunyi_rules.fund, category=shunyi_rules.category, on=dt.date(2021, 6, 1)))
    new = rules_of(rule_set_in_force(fund=shunyi_rules.fund, category=shunyi_rules.category, on=dt.date(2022, 6, 1)))
    assert evaluate(old, Facts(D("62000"), dt.date(2021, 6, 1), dt.date(2021, 6, 5))).amount == D("9300.00")
    assert evaluate(new, Facts(D("62000"), dt.date(2022, 6, 1), dt.date(2022, 6, 5))).amount == D("12400.00")


def test_no_version_in_force_is_a_clear_domain_error(shunyi_rules):
    with pytest.raises(NoRuleSetInForce) as caught:
        rule_set_in_force(fund=shunyi_rules.fund, category=shunyi_rules.category, on=dt.date(2016, 12, 31))
    assert isinstance(caught.value, DomainError)
    assert "2016-12-31" in str(caught.value)


def test_drafts_and_retired_versions_are_never_in_force(shunyi_fund, medical):
    f.RuleSetFactory(fund=shunyi_fund, category=medical, status=RuleSet.Status.DRAFT)
    with pytest.raises(NoRuleSetInForce):
        rule_set_in_force(fund=shunyi_fund, category=medical, on=dt.date(2022, 6, 1))


def test_rules_carry_parameter_values_as_of_the_date(shunyi_fund):
    living = f.AidCategoryFactory(code="living", name="生活救助")
    dibao = f.ParameterFactory()
    f.ParameterValueFactory(parameter=dibao, valid_from=dt.date(2021, 1, 1), value=D("1245"))
    f.ParameterValueFactory(parameter=dibao, valid_from=dt.date(2022, 1, 1), value=D("1320"))
    rule_set = f.RuleSetFactory(fund=shunyi_fund, category=living, basis="none", minimum_basis=None,
                                effective_from=dt.date(2018, 1, 1))
    f.TierFactory(rule_set=rule_set, lower=D("0"), upper=None, kind="parameter", rate=None, parameter=dibao,
                  multiplier=D("12"))
    rules_2021 = rules_of(rule_set, on=dt.date(2021, 7, 1))
    rules_2022 = rules_of(rule_set, on=dt.date(2022, 7, 1))
    assert evaluate(rules_2021, Facts(None, dt.date(2021, 7, 1), dt.date(2021, 7, 2))).amount == D("14940.00")
    assert evaluate(rules_2022, Facts(None, dt.date(2022, 7, 1), dt.date(2022, 7, 2))).amount == D("15840.00")


def test_rules_carry_the_disease_list_only_when_restricted(shunyi_rules):
    covered = f.DiseaseFactory(code="malignant-tumour-severe")
    shunyi_rules.diseases.add(covered)
    assert rules_of(shunyi_rules).disease_codes == frozenset()
    shunyi_rules.diseases_restricted = True
    shunyi_rules.save()
    assert rules_of(shunyi_rules).disease_codes == frozenset({"malignant-tumour-severe"})


def test_a_district_user_sees_his_districts_fund_and_city_wide_funds_only(
        shunyi_fund, daxing_fund, reviewer, daxing_reviewer, liaison1, admin_user):
    city = f.FundFactory(slug="city", name="市总工会困难职工帮扶", district=None)
    assert set(funds_visible_to(user=reviewer)) == {shunyi_fund, city}
    assert set(funds_visible_to(user=daxing_reviewer)) == {daxing_fund, city}
    assert set(funds_visible_to(user=liaison1)) == {shunyi_fund, city}
    assert set(funds_visible_to(user=admin_user)) == {shunyi_fund, daxing_fund, city}


def test_a_rule_set_is_used_once_a_submitted_case_was_estimated_under_it(shunyi_rules, station1, liaison1):
    draft = f.ApplicationFactory(fund=shunyi_rules.fund, station=station1, estimate_rule_set=shunyi_rules,
                                 status="draft")
    assert rule_set_is_used(rule_set=shunyi_rules) is False
    draft.status = "submitted"
    draft.save(update_fields=["status"])
    assert rule_set_is_used(rule_set=shunyi_rules) is True
