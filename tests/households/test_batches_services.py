"""Filing batches: the public notice of award batches, reused, and the meeting that puts households on file."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from cases.services import batches as award_batches
from households.models import FilingBatch, Household
from households.services import batches
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import history_for
from tests import factories as f
from tests.households.conftest import household_in

pytestmark = pytest.mark.django_db

S = Household.Status
B = FilingBatch.Status
D = dt.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def made_on(batch, day):
    type(batch).objects.filter(pk=batch.pk).update(created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))))
    batch.refresh_from_db()
    return batch


@pytest.fixture
def verified(station1, station2):
    return [household_in(S.VERIFIED, station=station1, filed_on=None, next_review_due=None),
            household_in(S.VERIFIED, station=station2, filed_on=None, next_review_due=None)]


@pytest.fixture
def filled(reviewer, verified):
    batch = batches.filing_batch_create(actor=reviewer, title="2026年第3批建档")
    batches.filing_batch_add_households(batch=batch, households=verified, actor=reviewer)
    return made_on(batch, D(2026, 9, 1))


@pytest.fixture
def noticed(filled, reviewer):
    return batches.filing_batch_start_notice(batch=filled, actor=reviewer, start=D(2026, 9, 7), today=D(2026, 9, 7))


def test_adding_households_puts_them_in_the_batch_with_one_history_row_each(filled, verified):
    for household in verified:
        household.refresh_from_db()
        assert (household.status, household.filing_batch_id) == (S.IN_BATCH, filled.pk)
        assert [e.action for e in history_for(household)] == ["household.added_to_batch"]


def test_only_verified_households_of_the_district_join_a_batch(reviewer, station1, filled):
    draft = household_in(S.DRAFT, station=station1)
    with pytest.raises(TransitionNotAllowed):
        batches.filing_batch_add_households(batch=filled, households=[draft], actor=reviewer)
    draft.refresh_from_db()
    assert draft.status == S.DRAFT and draft.filing_batch_id is None


def test_the_notice_is_the_award_batches_notice_five_working_days_with_the_official_holidays(noticed):
    # From Monday 7 September 2026: five working days end on Friday 11 September.
    assert (noticed.status, noticed.notice_days, noticed.notice_end) == (B.PUBLIC_NOTICE, 5, D(2026, 9, 11))
    assert [e.action for e in history_for(noticed)] == ["filing_batch.created", "filing_batch.notice_started"]


def test_a_notice_over_national_day_waits_for_the_holiday_to_end(filled, reviewer):
    batch = batches.filing_batch_start_notice(batch=filled, actor=reviewer, start=D(2026, 9, 30), today=D(2026, 9, 30))
    # 30 September, the holiday to 7 October, then 8, 9, Saturday 10 (worked) and Monday 12, as award batches count.
    assert batch.notice_end == D(2026, 10, 12)


@pytest.mark.parametrize(("start", "today"), [(D(2026, 9, 10), D(2026, 9, 15)), (D(2026, 8, 31), D(2026, 8, 31)),
                                              (D(2026, 12, 28), D(2026, 12, 28))])
def test_the_filing_notice_refuses_what_the_award_notice_refuses_with_the_same_words(
        filled, reviewer, start, today, shunyi_fund, station1, shunyi_rules):
    with pytest.raises(DomainError) as filing_refusal:
        batches.filing_batch_start_notice(batch=filled, actor=reviewer, start=start, today=today)
    case = f.reviewed_application(station=station1, fund=shunyi_fund, category=shunyi_rules.category,
                                  estimate_rule_set=shunyi_rules)
    award = award_batches.batch_create(actor=reviewer, fund=shunyi_fund, title="对照批次")
    award_batches.batch_add_applications(batch=award, applications=[case], actor=reviewer)
    made_on(award, D(2026, 9, 1))
    with pytest.raises(DomainError) as award_refusal:
        award_batches.batch_start_notice(batch=award, actor=reviewer, start=start, today=today)
    assert filing_refusal.value.message == award_refusal.value.message
    assert filing_refusal.value.field == "start"
    filled.refresh_from_db()
    assert filled.status == B.DRAFT and filled.notice_start is None


def test_an_objection_takes_the_household_back_to_verification(noticed, reviewer, verified):
    household = batches.household_record_objection(household=verified[0], actor=reviewer, reason="邻居反映有房出租。")
    assert (household.status, household.filing_batch_id, household.last_reason) == (S.IN_REVIEW, None,
                                                                                       "邻居反映有房出租。")


def test_a_meeting_inside_the_notice_is_refused_and_files_nobody(noticed, approver, verified):
    with pytest.raises(DomainError) as info:
        batches.filing_batch_approve(batch=noticed, actor=approver, meeting_date=D(2026, 9, 11),
                                     minutes_reference="会议纪要1号", attendees="赵审批", today=D(2026, 9, 14))
    assert info.value.field == "meeting_date"
    assert set(Household.objects.values_list("status", flat=True)) == {S.IN_BATCH}


def test_approval_puts_every_household_on_file_from_the_meeting_with_its_review_due_a_year_later(
        noticed, approver, verified):
    batch = batches.filing_batch_approve(batch=noticed, actor=approver, meeting_date=D(2026, 9, 14),
                                         minutes_reference="顺工帮审〔2026〕9号", attendees="赵审批、王审核",
                                         today=D(2026, 9, 15))
    assert batch.status == B.APPROVED and batch.meeting_date == D(2026, 9, 14)
    for household in verified:
        household.refresh_from_db()
        assert (household.status, household.filed_on, household.next_review_due) == (
            S.ON_FILE, D(2026, 9, 14), D(2027, 9, 14))
        assert [e.action for e in history_for(household)][-1] == "household.filed"
    with pytest.raises(TransitionNotAllowed):
        batches.filing_batch_approve(batch=batch, actor=approver, meeting_date=D(2026, 9, 14),
                                     minutes_reference="x", attendees="y", today=D(2026, 9, 15))


def test_a_meeting_on_29_february_has_its_first_review_on_28_february(noticed, approver, verified, reviewer):
    FilingBatch.objects.filter(pk=noticed.pk).update(notice_start=D(2028, 2, 21), notice_end=D(2028, 2, 25))
    batches.filing_batch_approve(batch=noticed, actor=approver, meeting_date=D(2028, 2, 29),
                                 minutes_reference="纪要", attendees="赵审批", today=D(2028, 3, 1))
    assert set(Household.objects.values_list("next_review_due", flat=True)) == {D(2029, 2, 28)}


def test_the_approver_sends_a_batch_back_with_a_reason(noticed, approver):
    batch = batches.filing_batch_send_back(batch=noticed, actor=approver, reason="材料不全。")
    assert (batch.status, batch.last_reason) == (B.DRAFT, "材料不全。")
