import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from cases.models import Application, Batch
from payouts.models import Payout
from cases.services import batches
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import history_for
from tests import factories as f

pytestmark = pytest.mark.django_db

S = Application.Status
B = Batch.Status
MONDAY = dt.date(2022, 3, 7)
AFTER_NOTICE = dt.date(2022, 3, 14)  # the five-day notice from Monday 7 March ends on Friday 11 March
CREATED = dt.date(2022, 3, 4)


@pytest.fixture
def funded(shunyi_fund):
    f.LedgerEntryFactory(fund=shunyi_fund, amount=Decimal("1000000.00"))
    return shunyi_fund


@pytest.fixture
def verified(station1, station2, shunyi_rules):
    return [
        f.reviewed_application(station=station, fund=shunyi_rules.fund, category=shunyi_rules.category,
                               estimate_rule_set=shunyi_rules, proposed_amount=amount)
        for station, amount in ((station1, Decimal("12400.00")), (station1, Decimal("7500.00")),
                                (station2, Decimal("30000.00")))
    ]


@pytest.fixture
def batch(funded, reviewer):
    return dated_back(batches.batch_create(actor=reviewer, fund=funded, title="2022年第一季度第1批"))


def dated_back(batch, day=CREATED):
    """A batch made on ``day``, so its notice may start from then on."""
    Batch.objects.filter(pk=batch.pk).update(created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))))
    batch.refresh_from_db()
    return batch


@pytest.fixture
def noticed(batch, verified, reviewer):
    batches.batch_add_applications(batch=batch, applications=verified, actor=reviewer)
    return batches.batch_start_notice(batch=batch, actor=reviewer, start=MONDAY, today=MONDAY)


def approve(batch, approver, today=AFTER_NOTICE):
    return batches.batch_approve(batch=batch, actor=approver, meeting_date=today, minutes_reference="顺工帮〔2022〕3号",
                                 attendees="赵审批、王审核、钱财务", today=today)


def test_a_reviewer_creates_a_draft_batch_of_his_district_fund(batch, reviewer):
    assert batch.status == B.DRAFT
    assert batch.district.code == "SY"
    assert batch.created_by == reviewer


def test_a_batch_title_is_unique_per_fund(batch, reviewer, funded):
    with pytest.raises(DomainError) as info:
        batches.batch_create(actor=reviewer, fund=funded, title="2022年第一季度第1批")
    assert info.value.field == "title"


def test_a_reviewer_of_another_district_cannot_batch_this_fund(funded, daxing_reviewer):
    with pytest.raises(Http404):
        batches.batch_create(actor=daxing_reviewer, fund=funded, title="X")


def test_an_approver_cannot_create_a_batch(funded, approver):
    with pytest.raises(PermissionDenied):
        batches.batch_create(actor=approver, fund=funded, title="X")


def test_adding_verified_cases_puts_them_in_the_batch(batch, verified, reviewer):
    batches.batch_add_applications(batch=batch, applications=verified, actor=reviewer)
    assert set(batch.applications.values_list("status", flat=True)) == {S.IN_BATCH}
    assert batches.batch_total(batch=batch) == Decimal("49900.00")
    for application in verified:
        assert [e.action for e in history_for(application)] == ["application.added_to_batch"]


def test_a_case_not_verified_is_refused_and_nothing_is_added(batch, verified, reviewer, station1, shunyi_rules):
    in_review = f.ApplicationFactory(station=station1, fund=shunyi_rules.fund, category=shunyi_rules.category,
                                     status=S.IN_REVIEW)
    with pytest.raises(TransitionNotAllowed):
        batches.batch_add_applications(batch=batch, applications=[*verified, in_review], actor=reviewer)
    assert not batch.applications.exists()
    assert set(Application.objects.filter(pk__in=[a.pk for a in verified]).values_list("status", flat=True)) == {
        S.VERIFIED}


def test_a_case_in_one_batch_cannot_be_added_to_another(batch, verified, reviewer, funded):
    batches.batch_add_applications(batch=batch, applications=verified[:1], actor=reviewer)
    other = batches.batch_create(actor=reviewer, fund=funded, title="2022年第一季度第2批")
    with pytest.raises(TransitionNotAllowed):
        batches.batch_add_applications(batch=other, applications=verified[:1], actor=reviewer)
    assert Application.objects.get(pk=verified[0].pk).batch == batch


def test_a_case_of_another_district_is_not_found(batch, reviewer, daxing_station, daxing_fund):
    foreign = f.reviewed_application(station=daxing_station, fund=daxing_fund, reference="DX-2022-00001")
    with pytest.raises(DomainError):
        batches.batch_add_applications(batch=batch, applications=[foreign], actor=reviewer)
    assert Application.objects.get(pk=foreign.pk).status == S.VERIFIED


def test_removing_a_case_sends_it_back_to_verified(batch, verified, reviewer):
    batches.batch_add_applications(batch=batch, applications=verified, actor=reviewer)
    batches.batch_remove_application(batch=batch, application=verified[0], actor=reviewer)
    removed = Application.objects.get(pk=verified[0].pk)
    assert (removed.status, removed.batch) == (S.VERIFIED, None)
    assert batch.applications.count() == 2


def test_starting_the_notice_counts_working_days(batch, verified, reviewer):
    batches.batch_add_applications(batch=batch, applications=verified, actor=reviewer)
    f.HolidayFactory(date=dt.date(2022, 3, 9), name="测试假日")
    batches.batch_start_notice(batch=batch, actor=reviewer, start=MONDAY, today=MONDAY)
    batch.refresh_from_db()
    assert batch.status == B.PUBLIC_NOTICE
    assert batch.notice_days == 5  # the fund's default
    assert batch.notice_end == dt.date(2022, 3, 14)
    assert history_for(batch).last().action == "batch.notice_started"


def test_an_empty_batch_has_no_notice(batch, reviewer):
    with pytest.raises(DomainError):
        batches.batch_start_notice(batch=batch, actor=reviewer, start=MONDAY)
    assert Batch.objects.get(pk=batch.pk).status == B.DRAFT


def test_an_objection_takes_the_case_out_of_the_batch_and_back_to_review(noticed, verified, reviewer):
    batches.application_record_objection(application=verified[1], actor=reviewer, reason="邻居反映其家庭收入较高")
    case = Application.objects.get(pk=verified[1].pk)
    assert (case.status, case.batch) == (S.IN_REVIEW, None)
    event = history_for(case).last()
    assert (event.action, event.reason) == ("application.objection_recorded", "邻居反映其家庭收入较高")
    assert event.data["batch_title"] == "2022年第一季度第1批"
    assert batches.batch_total(batch=noticed) == Decimal("42400.00")


def test_an_objection_needs_the_notice_to_be_running(batch, verified, reviewer):
    batches.batch_add_applications(batch=batch, applications=verified, actor=reviewer)
    with pytest.raises(TransitionNotAllowed):
        batches.application_record_objection(application=verified[0], actor=reviewer, reason="异议")
    assert Application.objects.get(pk=verified[0].pk).status == S.IN_BATCH


def test_the_approver_sends_a_batch_back_with_a_reason(noticed, approver, reviewer):
    with pytest.raises(PermissionDenied):
        batches.batch_send_back(batch=noticed, actor=reviewer, reason="x")
    with pytest.raises(DomainError):
        batches.batch_send_back(batch=noticed, actor=approver, reason="")
    batches.batch_send_back(batch=noticed, actor=approver, reason="第3号案例需补充入户调查")
    noticed.refresh_from_db()
    assert (noticed.status, noticed.last_reason) == (B.DRAFT, "第3号案例需补充入户调查")


def test_approval_is_refused_before_the_notice_has_ended(noticed, approver):
    with pytest.raises(TransitionNotAllowed) as info:
        approve(noticed, approver, today=dt.date(2022, 3, 11))
    assert "2022-03-11" in str(info.value)
    noticed.refresh_from_db()
    assert noticed.status == B.PUBLIC_NOTICE
    assert not Payout.objects.exists()


def test_approval_freezes_every_case_and_creates_its_payout(noticed, verified, approver):
    approve(noticed, approver)
    noticed.refresh_from_db()
    assert noticed.status == B.APPROVED
    assert noticed.minutes_reference == "顺工帮〔2022〕3号"
    assert noticed.approved_by == approver
    cases = Application.objects.filter(pk__in=[a.pk for a in verified]).order_by("pk")
    assert [c.status for c in cases] == [S.APPROVED] * 3
    assert [c.awarded_amount for c in cases] == [Decimal("12400.00"), Decimal("7500.00"), Decimal("30000.00")]
    first = cases[0]
    assert first.awarded_rule_set == verified[0].estimate_rule_set
    assert "12,400.00" in first.awarded_explanation
    assert first.award_snapshot["member"]["name"] == first.member.name
    assert first.award_snapshot["member"]["id_number"] == first.member.id_number
    assert first.award_snapshot["amounts"]["self_paid"] == "62000.00"
    assert first.award_snapshot["rule_set"]["version"] == "2022年修订"
    payouts = Payout.objects.filter(batch=noticed).order_by("application_id")
    assert [(p.application_id, p.amount, p.status) for p in payouts] == [
        (c.pk, c.awarded_amount, Payout.Status.PENDING) for c in cases]
    assert payouts[0].payee_name == first.member.name
    assert payouts[0].card_number == first.member.card_number
    assert payouts[0].station == first.station
    for case in cases:
        events = list(history_for(case))
        assert events[-1].action == "application.approved"
        assert sum(e.action == "application.approved" for e in events) == 1


def test_a_frozen_award_does_not_change_when_the_member_is_edited(noticed, verified, approver):
    approve(noticed, approver)
    member = verified[0].member
    old_name = member.name
    member.name = "改名后"
    member.save()
    case = Application.objects.get(pk=verified[0].pk)
    assert case.award_snapshot["member"]["name"] == old_name
    assert case.awarded_amount == Decimal("12400.00")


def test_approving_twice_approves_once(noticed, approver):
    approve(noticed, approver)
    with pytest.raises(TransitionNotAllowed) as info:
        approve(noticed, approver)
    approved_at = timezone.localtime(Batch.objects.get(pk=noticed.pk).approved_at)
    assert str(info.value) == f"批次“{noticed.title}”已于{approved_at:%Y-%m-%d %H:%M}批准。"
    assert Payout.objects.count() == 3


def test_approval_is_refused_with_the_shortfall_when_the_fund_cannot_cover_it(noticed, approver, funded,
                                                                             station1, shunyi_rules):
    # 1,000,000 in the ledger, 970,000 already committed to unpaid payouts: 30,000 available, 49,900 needed.
    f.PayoutFactory(application=f.ApplicationFactory(station=station1, fund=funded, category=shunyi_rules.category,
                                                     status=S.APPROVED, awarded_amount=Decimal("970000.00")),
                    batch=f.BatchFactory(fund=funded, title="旧批次", status=B.APPROVED))
    with pytest.raises(DomainError) as info:
        approve(noticed, approver)
    assert "19,900.00" in str(info.value)
    assert info.value.code == "shortfall"
    noticed.refresh_from_db()
    assert noticed.status == B.PUBLIC_NOTICE
    assert set(noticed.applications.values_list("status", flat=True)) == {S.IN_BATCH}
    assert Payout.objects.filter(batch=noticed).count() == 0


def test_an_unconfirmed_exception_amount_blocks_approval_until_the_approver_confirms_it(
        noticed, verified, approver):
    from cases.services.review import application_confirm_override

    Application.objects.filter(pk=verified[2].pk).update(is_override=True, override_code="rule_gap",
                                                         amount_reason="规则未覆盖")
    with pytest.raises(DomainError) as info:
        approve(noticed, approver)
    assert verified[2].reference in str(info.value)
    assert Batch.objects.get(pk=noticed.pk).status == B.PUBLIC_NOTICE
    application_confirm_override(application=verified[2], actor=approver)
    approve(noticed, approver)
    assert Batch.objects.get(pk=noticed.pk).status == B.APPROVED


def test_a_reviewer_cannot_approve(noticed, reviewer):
    with pytest.raises(PermissionDenied):
        approve(noticed, reviewer)


def test_an_approver_of_another_district_gets_404(noticed, daxing):
    outsider = f.make_user("dx_approver", "approver", district=daxing)
    with pytest.raises(Http404):
        approve(noticed, outsider)


def test_approval_needs_the_minutes_reference(noticed, approver):
    with pytest.raises(DomainError) as info:
        batches.batch_approve(batch=noticed, actor=approver, meeting_date=AFTER_NOTICE, minutes_reference="",
                              attendees="赵审批", today=AFTER_NOTICE)
    assert info.value.field == "minutes_reference"
