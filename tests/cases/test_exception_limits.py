"""Exception amounts are bounded by what an administrator set on the fund; the approver still confirms them.

The trust walk had 900,000 accepted against a 30,000 tier.
"""
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Application
from cases.services import review
from funds import engine
from funds.models import Fund
from reliefdesk.errors import DomainError
from tests import factories as f

S = Application.Status


def rules(**kwargs):
    values = dict(rule_set_id=None, version_name="v", basis="self_paid", minimum_basis=None, case_cap=None,
                  annual_cap=None, case_minimum=None, max_awards_per_year=None, window_days=None,
                  membership_required=False, diseases_restricted=False, disease_codes=frozenset(), rounding="cent",
                  tiers=(), effective_from=dt.date(2022, 1, 1), effective_to=None)
    return engine.Rules(**{**values, **kwargs})


SHUNYI_TIERS = (
    engine.TierRule(lower=Decimal("20000"), upper=Decimal("50000"), kind="rate", rate=Decimal("15")),
    engine.TierRule(lower=Decimal("50000"), upper=Decimal("100000"), kind="rate", rate=Decimal("20")),
    engine.TierRule(lower=Decimal("100000"), upper=None, kind="fixed", amount=Decimal("30000")),
)


def test_the_rules_cap_is_the_cap_per_case_or_else_the_highest_tier():
    assert engine.rule_cap(rules(tiers=SHUNYI_TIERS)) == Decimal("30000.00")
    assert engine.rule_cap(rules(tiers=SHUNYI_TIERS, case_cap=Decimal("50000"))) == Decimal("50000")
    open_rate = (engine.TierRule(lower=Decimal("0"), upper=None, kind="rate", rate=Decimal("50")),)
    assert engine.rule_cap(rules(tiers=open_rate)) is None
    living = (engine.TierRule(lower=Decimal("0"), upper=None, kind="parameter", multiplier=Decimal("12"),
                              parameter_value=Decimal("1320")),)
    assert engine.rule_cap(rules(tiers=living)) == Decimal("15840.00")


@pytest.fixture
def in_review(station1, shunyi_rules, liaison1, reviewer):
    case = f.ApplicationFactory(station=station1, fund=shunyi_rules.fund, category=shunyi_rules.category,
                                status=S.SUBMITTED, created_by=liaison1)
    return review.application_take(application=case, actor=reviewer)


def save(case, reviewer, amount):
    return review.application_save_review(application=case, actor=reviewer,
                                          checklist={code: True for code in case.category.checklist},
                                          amount=Decimal(amount), amount_reason="家庭特别困难",
                                          override_code="hardship_exceptional")


@pytest.mark.django_db
def test_an_exception_above_twice_the_rules_cap_is_refused_beside_the_amount(in_review, reviewer, shunyi_fund):
    Fund.objects.filter(pk=shunyi_fund.pk).update(exception_cap_multiple=Decimal("2"))
    with pytest.raises(DomainError) as excinfo:
        save(in_review, reviewer, "900000")
    assert excinfo.value.field == "amount" and "60,000.00" in excinfo.value.message
    in_review.refresh_from_db()
    assert in_review.proposed_amount is None and not in_review.is_override


@pytest.mark.django_db
def test_an_exception_within_the_bound_is_kept_and_waits_for_the_approvers_confirmation(in_review, reviewer,
                                                                                       approver, shunyi_fund):
    Fund.objects.filter(pk=shunyi_fund.pk).update(exception_cap_multiple=Decimal("2"))
    save(in_review, reviewer, "60000")
    in_review.refresh_from_db()
    assert in_review.is_override and in_review.proposed_amount == Decimal("60000.00")
    assert in_review.override_confirmed_at is None


@pytest.mark.django_db
def test_the_lower_of_the_funds_maximum_and_its_multiple_applies(in_review, reviewer, shunyi_fund):
    Fund.objects.filter(pk=shunyi_fund.pk).update(exception_cap_multiple=Decimal("2"),
                                                  exception_max_amount=Decimal("40000"))
    with pytest.raises(DomainError) as excinfo:
        save(in_review, reviewer, "45000")
    assert "40,000.00" in excinfo.value.message
    save(in_review, reviewer, "40000")


@pytest.mark.django_db
def test_the_approver_cannot_confirm_an_exception_above_a_bound_lowered_since(in_review, reviewer, approver,
                                                                            shunyi_fund):
    save(in_review, reviewer, "90000")
    Application.objects.filter(pk=in_review.pk).update(status=S.VERIFIED)
    Fund.objects.filter(pk=shunyi_fund.pk).update(exception_max_amount=Decimal("50000"))
    with pytest.raises(DomainError) as excinfo:
        review.application_confirm_override(application=in_review, actor=approver)
    assert excinfo.value.field == "amount"
    in_review.refresh_from_db()
    assert in_review.override_confirmed_at is None


@pytest.mark.django_db
def test_the_review_page_shows_the_refusal_and_the_bound_beside_the_amount(client, in_review, reviewer,
                                                                          shunyi_fund):
    Fund.objects.filter(pk=shunyi_fund.pk).update(exception_cap_multiple=Decimal("2"))
    client.force_login(reviewer)
    page = client.get(reverse("cases:review", args=[in_review.pk])).content.decode()
    assert "60,000.00" in page
    response = client.post(reverse("cases:review-save", args=[in_review.pk]), {
        "checklist": list(in_review.category.checklist), "amount": "900000", "amount_reason": "家庭特别困难",
        "override_code": "hardship_exceptional"})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["amount"]
    assert "900000" in response.content.decode()


@pytest.mark.django_db
def test_an_administrator_sets_the_bounds_on_the_funds_admin_page(client, admin_user, shunyi_fund):
    client.force_login(admin_user)
    html = client.get(reverse("admin:funds_fund_change", args=[shunyi_fund.pk])).content.decode()
    assert 'name="exception_max_amount"' in html and 'name="exception_cap_multiple"' in html
