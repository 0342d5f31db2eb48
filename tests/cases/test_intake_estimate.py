import datetime as dt
from decimal import Decimal

import pytest

from cases.estimate import assess, refresh_estimate
from cases.models import Application
from tests import factories as f

S = Application.Status
pytestmark = pytest.mark.django_db


def make_case(station, fund, category, *, total, reimbursed="0", other="0", **kwargs):
    total, reimbursed, other = Decimal(total), Decimal(reimbursed), Decimal(other)
    return f.ApplicationFactory(station=station, fund=fund, category=category, total_cost=total,
                                reimbursed=reimbursed, other_aid=other, self_paid=total - reimbursed - other,
                                **kwargs)


def test_a_self_paid_of_62000_gets_20_percent_with_its_explanation(station1, shunyi_fund, medical, shunyi_rules):
    case = make_case(station1, shunyi_fund, medical, total="100000", reimbursed="38000")
    result = refresh_estimate(case)
    case.refresh_from_db()
    assert result.eligible
    assert case.estimate_rule_set == shunyi_rules
    assert case.estimate_eligible is True
    assert case.estimate_amount == Decimal("12400.00")
    assert "62,000.00" in case.estimate_explanation and "12,400.00" in case.estimate_explanation


def test_exactly_100000_self_paid_is_the_fixed_30000_tier(station1, shunyi_fund, medical, shunyi_rules):
    case = make_case(station1, shunyi_fund, medical, total="150000", reimbursed="50000")
    rule_set, result = assess(case)
    assert rule_set == shunyi_rules
    assert result.amount == Decimal("30000.00")


def test_below_the_lowest_tier_is_not_eligible_and_says_why(station1, shunyi_fund, medical, shunyi_rules):
    case = make_case(station1, shunyi_fund, medical, total="19999.99")
    refresh_estimate(case)
    case.refresh_from_db()
    assert case.estimate_eligible is False
    assert case.estimate_amount is None
    assert case.estimate_explanation


def test_without_a_rule_set_in_force_the_estimate_is_cleared_and_says_so(station1, shunyi_fund, medical,
                                                                        shunyi_rules):
    case = make_case(station1, shunyi_fund, medical, total="100000", event_date=dt.date(2021, 12, 31))
    assert refresh_estimate(case) is None
    case.refresh_from_db()
    assert case.estimate_rule_set is None and case.estimate_amount is None
    assert "2021-12-31" in case.estimate_explanation


def test_an_unsaved_case_can_be_assessed_for_the_live_estimate(station1, shunyi_fund, medical, shunyi_rules):
    member = f.MemberFactory()
    case = Application(fund=shunyi_fund, category=medical, member=member, station=station1,
                       district=station1.district, beneficiary_id_number=member.id_number,
                       event_date=dt.date(2022, 3, 1), self_paid=Decimal("45000.00"))
    _rule_set, result = assess(case)
    assert result.amount == Decimal("6750.00")
