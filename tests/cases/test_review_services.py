import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.models import Application
from cases.services import review
from funds.models import RuleSet, Tier
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import history_for
from tests import factories as f

pytestmark = pytest.mark.django_db

S = Application.Status


@pytest.fixture
def submitted(station1, shunyi_rules, liaison1):
    # Self-paid 62,000: the 5万–10万 tier at 20 % gives 12,400.
    return f.ApplicationFactory(station=station1, fund=shunyi_rules.fund, category=shunyi_rules.category,
                                status=S.SUBMITTED, created_by=liaison1)


@pytest.fixture
def in_review(submitted, reviewer):
    return review.application_take(application=submitted, actor=reviewer)


def tick_all(application):
    return {code: True for code in application.category.checklist}


@pytest.fixture
def emergency_rules(shunyi_fund):
    category = f.AidCategoryFactory(code="emergency", name="突发事件及意外灾害救助", name_en="Sudden events",
                                    checklist=["documents_seen", "home_visit", "civil_affairs_check", "loss_assessed"])
    rule_set = f.RuleSetFactory(fund=shunyi_fund, category=category, basis=RuleSet.Basis.ASSESSED_LOSS,
                                minimum_basis=None, version_name="2022 突发事件")
    f.TierFactory(rule_set=rule_set, lower=Decimal("0"), upper=None, kind=Tier.Kind.RANGE, rate=None,
                  range_min=Decimal("5000"), range_max=Decimal("10000"))
    return rule_set


def test_taking_a_case_puts_it_in_review_with_the_reviewer_and_one_history_row(submitted, reviewer):
    review.application_take(application=submitted, actor=reviewer)
    submitted.refresh_from_db()
    assert submitted.status == S.IN_REVIEW
    assert submitted.assigned_reviewer == reviewer
    events = list(history_for(submitted))
    assert [(e.action, e.from_status, e.to_status, e.actor) for e in events] == [
        ("application.taken", S.SUBMITTED, S.IN_REVIEW, reviewer)]


def test_a_reviewer_of_another_district_gets_404_and_the_case_stays_submitted(submitted, daxing_reviewer):
    with pytest.raises(Http404):
        review.application_take(application=submitted, actor=daxing_reviewer)
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    assert not history_for(submitted).exists()


def test_a_liaison_cannot_take_a_case_for_review(submitted, liaison1):
    with pytest.raises(PermissionDenied):
        review.application_take(application=submitted, actor=liaison1)


def test_a_case_already_in_review_cannot_be_taken_again(in_review, reviewer):
    with pytest.raises(TransitionNotAllowed):
        review.application_take(application=in_review, actor=reviewer)
    assert history_for(in_review).count() == 1


def test_the_computed_amount_is_proposed_with_the_rule_explanation(in_review, reviewer):
    review.application_save_review(application=in_review, actor=reviewer, checklist=tick_all(in_review))
    in_review.refresh_from_db()
    assert in_review.proposed_amount == Decimal("12400.00")
    assert not in_review.is_override
    assert "12,400.00" in in_review.estimate_explanation
    assert "20%" in in_review.estimate_explanation
    assert in_review.checklist == {"documents_seen": True, "membership_confirmed": True, "amounts_match": True,
                                   "disease_covered": True}


def test_an_amount_above_the_rule_without_a_reason_code_is_refused(in_review, reviewer):
    with pytest.raises(DomainError) as info:
        review.application_save_review(application=in_review, actor=reviewer, checklist=tick_all(in_review),
                                       amount=Decimal("20000"), amount_reason="家庭特别困难")
    assert info.value.field == "override_code"
    in_review.refresh_from_db()
    assert in_review.proposed_amount is None


def test_an_exception_amount_needs_a_written_reason(in_review, reviewer):
    with pytest.raises(DomainError) as info:
        review.application_save_review(application=in_review, actor=reviewer, checklist=tick_all(in_review),
                                       amount=Decimal("20000"), override_code="hardship_exceptional")
    assert info.value.field == "amount_reason"


def test_an_exception_amount_with_code_and_reason_is_flagged_as_an_override(in_review, reviewer):
    review.application_save_review(application=in_review, actor=reviewer, checklist=tick_all(in_review),
                                   amount=Decimal("20000"), override_code="hardship_exceptional",
                                   amount_reason="两名家庭成员同时患病")
    in_review.refresh_from_db()
    assert in_review.proposed_amount == Decimal("20000.00")
    assert in_review.is_override
    assert in_review.override_code == "hardship_exceptional"
    assert in_review.override_confirmed_at is None


def test_an_ineligible_case_needs_an_exception_amount(station1, shunyi_rules, reviewer):
    low = f.ApplicationFactory(station=station1, fund=shunyi_rules.fund, category=shunyi_rules.category,
                               status=S.IN_REVIEW, total_cost=Decimal("15000"), reimbursed=Decimal("0"))
    with pytest.raises(DomainError) as info:
        review.application_save_review(application=low, actor=reviewer, checklist=tick_all(low))
    assert info.value.field == "amount"


def test_a_range_tier_takes_the_chosen_amount_with_a_reason(station1, emergency_rules, reviewer):
    case = f.ApplicationFactory(station=station1, fund=emergency_rules.fund, category=emergency_rules.category,
                                status=S.IN_REVIEW, total_cost=Decimal("0"), reimbursed=Decimal("0"),
                                assessed_loss=Decimal("80000"))
    checklist = tick_all(case)
    with pytest.raises(DomainError) as info:
        review.application_save_review(application=case, actor=reviewer, checklist=checklist)
    assert info.value.field == "amount"
    with pytest.raises(DomainError) as info:
        review.application_save_review(application=case, actor=reviewer, checklist=checklist,
                                       amount=Decimal("8000"))
    assert info.value.field == "amount_reason"
    review.application_save_review(application=case, actor=reviewer, checklist=checklist, amount=Decimal("8000"),
                                   amount_reason="房屋受损严重，家庭收入低")
    case.refresh_from_db()
    assert case.proposed_amount == Decimal("8000.00")
    assert not case.is_override
    assert case.checklist["home_visit"] and case.checklist["civil_affairs_check"]


def test_above_the_range_is_an_exception_amount(station1, emergency_rules, reviewer):
    case = f.ApplicationFactory(station=station1, fund=emergency_rules.fund, category=emergency_rules.category,
                                status=S.IN_REVIEW, total_cost=Decimal("0"), reimbursed=Decimal("0"),
                                assessed_loss=Decimal("80000"))
    review.application_save_review(application=case, actor=reviewer, checklist=tick_all(case),
                                   amount=Decimal("12000"), override_code="committee_instruction",
                                   amount_reason="评审委员会指示")
    case.refresh_from_db()
    assert case.is_override and case.proposed_amount == Decimal("12000.00")


def test_verify_is_refused_until_every_checklist_item_is_ticked(in_review, reviewer):
    review.application_save_review(application=in_review, actor=reviewer, checklist=["documents_seen"])
    with pytest.raises(TransitionNotAllowed) as info:
        review.application_verify(application=in_review, actor=reviewer)
    assert info.value.field == "checklist"
    in_review.refresh_from_db()
    assert in_review.status == S.IN_REVIEW
    assert in_review.verified_at is None


def test_verify_is_refused_without_an_amount(in_review, reviewer):
    with pytest.raises(TransitionNotAllowed):
        review.application_verify(application=in_review, actor=reviewer)
    assert Application.objects.get(pk=in_review.pk).status == S.IN_REVIEW


def test_a_reviewed_case_is_verified_with_one_history_row(in_review, reviewer):
    review.application_save_review(application=in_review, actor=reviewer, checklist=tick_all(in_review))
    before = history_for(in_review).count()
    review.application_verify(application=in_review, actor=reviewer)
    in_review.refresh_from_db()
    assert in_review.status == S.VERIFIED
    assert in_review.verified_at is not None
    assert history_for(in_review).count() == before + 1
    assert history_for(in_review).last().action == "application.verified"


def test_a_double_invoice_must_be_acknowledged_before_verifying(in_review, reviewer, station2, shunyi_rules):
    other = f.ApplicationFactory(station=station2, fund=shunyi_rules.fund, category=shunyi_rules.category,
                                 status=S.SUBMITTED)
    f.InvoiceNumberFactory(application=in_review, number="1100221234567")
    f.InvoiceNumberFactory(application=other, number="1100221234567")
    review.application_save_review(application=in_review, actor=reviewer, checklist=tick_all(in_review))
    with pytest.raises(TransitionNotAllowed):
        review.application_verify(application=in_review, actor=reviewer)
    assert Application.objects.get(pk=in_review.pk).status == S.IN_REVIEW
    review.application_acknowledge_invoices(application=in_review, actor=reviewer)
    review.application_verify(application=in_review, actor=reviewer)
    in_review.refresh_from_db()
    assert in_review.status == S.VERIFIED
    assert in_review.invoices_acknowledged_by == reviewer


def test_acknowledging_is_refused_when_no_invoice_is_shared(in_review, reviewer):
    with pytest.raises(DomainError):
        review.application_acknowledge_invoices(application=in_review, actor=reviewer)


def test_returning_needs_a_reason_and_the_liaison_sees_it(in_review, reviewer):
    with pytest.raises(TransitionNotAllowed):
        review.application_return(application=in_review, actor=reviewer, reason="  ")
    assert Application.objects.get(pk=in_review.pk).status == S.IN_REVIEW
    review.application_return(application=in_review, actor=reviewer, reason="缺少医保结算单")
    in_review.refresh_from_db()
    assert in_review.status == S.RETURNED
    assert in_review.last_reason == "缺少医保结算单"


def test_rejecting_records_the_reason(in_review, reviewer):
    review.application_reject(application=in_review, actor=reviewer, reason="非工会会员")
    in_review.refresh_from_db()
    assert in_review.status == S.REJECTED
    event = history_for(in_review).last()
    assert (event.action, event.reason) == ("application.rejected", "非工会会员")


def test_the_approver_confirms_an_exception_amount(station1, shunyi_rules, approver, reviewer):
    case = f.reviewed_application(station=station1, fund=shunyi_rules.fund, category=shunyi_rules.category,
                                  proposed_amount=Decimal("20000"), is_override=True,
                                  override_code="hardship_exceptional", amount_reason="特别困难")
    with pytest.raises(PermissionDenied):
        review.application_confirm_override(application=case, actor=reviewer)
    review.application_confirm_override(application=case, actor=approver)
    case.refresh_from_db()
    assert case.override_confirmed_by == approver
    with pytest.raises(DomainError):
        review.application_confirm_override(application=case, actor=approver)


def test_changing_a_confirmed_exception_amount_needs_a_new_confirmation(in_review, reviewer, approver):
    review.application_save_review(application=in_review, actor=reviewer, checklist=tick_all(in_review),
                                   amount=Decimal("20000"), override_code="rule_gap", amount_reason="规则未覆盖")
    # Confirmed earlier, then the case came back to review after an objection.
    Application.objects.filter(pk=in_review.pk).update(override_confirmed_by=approver,
                                                       override_confirmed_at=dt.datetime(2022, 3, 1, tzinfo=dt.UTC))
    review.application_save_review(application=in_review, actor=reviewer, checklist=tick_all(in_review),
                                   amount=Decimal("25000"), override_code="rule_gap", amount_reason="规则未覆盖")
    in_review.refresh_from_db()
    assert in_review.override_confirmed_at is None


def test_review_is_judged_by_the_rule_set_in_force_on_the_event_date(station1, shunyi_rules, reviewer):
    old = f.RuleSetFactory(fund=shunyi_rules.fund, category=shunyi_rules.category, version_name="2017版",
                           effective_from=dt.date(2017, 1, 1), effective_to=dt.date(2021, 12, 31))
    f.TierFactory(rule_set=old, lower=Decimal("50000"), upper=Decimal("100000"), kind="rate", rate=Decimal("15"))
    case = f.ApplicationFactory(station=station1, fund=shunyi_rules.fund, category=shunyi_rules.category,
                                status=S.IN_REVIEW, event_date=dt.date(2021, 11, 1))
    review.application_save_review(application=case, actor=reviewer, checklist=tick_all(case))
    case.refresh_from_db()
    assert case.proposed_amount == Decimal("9300.00")
    assert case.estimate_rule_set == old
