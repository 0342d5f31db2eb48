"""A public notice is real: it starts today or later, counts the official holidays, and the meeting follows it."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from cases.models import Application, Batch
from payouts.models import Payout
from cases.services import batches
from reliefdesk.errors import DomainError
from reliefdesk.holidays import holiday_year_enter, lines_from_text
from tests import factories as f

pytestmark = pytest.mark.django_db

B = Batch.Status
D = dt.date


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def made_on(batch, day):
    Batch.objects.filter(pk=batch.pk).update(created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(9))))
    batch.refresh_from_db()
    return batch


@pytest.fixture
def filled(shunyi_fund, reviewer, station1, shunyi_rules):
    f.LedgerEntryFactory(fund=shunyi_fund, amount=Decimal("1000000.00"))
    case = f.reviewed_application(station=station1, fund=shunyi_fund, category=shunyi_rules.category,
                                  estimate_rule_set=shunyi_rules, proposed_amount=Decimal("12400.00"))
    batch = batches.batch_create(actor=reviewer, fund=shunyi_fund, title="2026年第三季度第1批")
    batches.batch_add_applications(batch=batch, applications=[case], actor=reviewer)
    return batch


def start(batch, reviewer, day, today):
    return batches.batch_start_notice(batch=batch, actor=reviewer, start=day, today=today)


def test_a_notice_cannot_start_before_today(filled, reviewer):
    made_on(filled, D(2026, 9, 1))
    with pytest.raises(DomainError) as info:
        start(filled, reviewer, D(2026, 9, 14), today=D(2026, 9, 15))
    assert info.value.field == "start"
    assert info.value.message == "The notice cannot start in the past: the earliest start is today, 2026-09-15."
    filled.refresh_from_db()
    assert (filled.status, filled.notice_start) == (B.DRAFT, None)


def test_a_notice_cannot_start_before_the_batch_was_made(filled, reviewer):
    made_on(filled, D(2026, 9, 15))
    with pytest.raises(DomainError) as info:
        start(filled, reviewer, D(2026, 9, 14), today=D(2026, 9, 1))
    assert info.value.field == "start"
    assert "before the batch was created on 2026-09-15" in info.value.message
    assert Batch.objects.get(pk=filled.pk).status == B.DRAFT


def test_a_notice_may_start_today_or_later(filled, reviewer):
    made_on(filled, D(2026, 9, 1))
    batch = start(filled, reviewer, D(2026, 9, 15), today=D(2026, 9, 15))
    # Tuesday 15 to Friday 18, then Sunday 20 September 2026, worked for National Day.
    assert (batch.status, batch.notice_start, batch.notice_end) == (B.PUBLIC_NOTICE, D(2026, 9, 15), D(2026, 9, 20))


def test_a_notice_from_30_september_2026_waits_for_national_day_to_end(filled, reviewer):
    made_on(filled, D(2026, 9, 29))
    batch = start(filled, reviewer, D(2026, 9, 30), today=D(2026, 9, 30))
    assert batch.notice_end == D(2026, 10, 12)


def test_a_notice_reaching_2027_is_refused_naming_the_year(filled, reviewer):
    made_on(filled, D(2026, 12, 1))
    with pytest.raises(DomainError) as info:
        start(filled, reviewer, D(2026, 12, 28), today=D(2026, 12, 28))
    assert info.value.field == "start"
    assert info.value.message == (
        "The notice would run until 2027-01-01, which depends on the holiday arrangement for 2027; it is not in "
        "the calendar yet. An administrator enters it under Holidays.")
    assert Batch.objects.get(pk=filled.pk).status == B.DRAFT


def test_once_2027_is_entered_the_notice_counts_across_its_new_year(filled, reviewer, admin_user):
    made_on(filled, D(2026, 12, 1))
    holiday_year_enter(actor=admin_user, year=2027, source="", lines=lines_from_text(
        "2027-01-01 元旦\n2027-01-02 元旦\n2027-01-03 元旦"))
    batch = start(filled, reviewer, D(2026, 12, 28), today=D(2026, 12, 28))
    # 28–31 December, then Monday 4 January (1–3 January off).
    assert batch.notice_end == D(2027, 1, 4)


def test_the_refusal_stands_beside_the_start_field_with_the_date_kept(client, filled, reviewer, frozen_today):
    made_on(filled, D(2026, 9, 1))
    frozen_today(D(2026, 9, 15))
    client.force_login(reviewer)
    client.cookies["django_language"] = "en"

    response = client.post(reverse("cases:batch-start-notice", args=[filled.pk]), {"start": "2026-09-10", "days": "5"})

    assert response.status_code == 400
    form = response.context["notice_form"]
    assert form.errors["start"] == ["The notice cannot start in the past: the earliest start is today, 2026-09-15."]
    assert 'value="2026-09-10"' in response.content.decode()
    assert Batch.objects.get(pk=filled.pk).status == B.DRAFT


@pytest.fixture
def noticed(filled, reviewer):
    made_on(filled, D(2026, 9, 1))
    return start(filled, reviewer, D(2026, 9, 7), today=D(2026, 9, 7))  # until Friday 11 September


@pytest.mark.parametrize("meeting", [D(2026, 9, 8), D(2026, 9, 11), D(2026, 9, 4)])
def test_a_meeting_inside_or_before_the_notice_is_refused(noticed, approver, meeting):
    with pytest.raises(DomainError) as info:
        batches.batch_approve(batch=noticed, actor=approver, meeting_date=meeting, minutes_reference="纪要1号",
                              attendees="赵审批", today=D(2026, 9, 14))
    assert info.value.field == "meeting_date"
    assert info.value.message == ("The meeting must follow the public notice, which ran from 2026-09-07 to "
                                  "2026-09-11: enter a meeting date after 2026-09-11.")
    assert Batch.objects.get(pk=noticed.pk).status == B.PUBLIC_NOTICE
    assert not Payout.objects.exists()


def test_a_meeting_the_day_after_the_notice_approves(noticed, approver):
    batch = batches.batch_approve(batch=noticed, actor=approver, meeting_date=D(2026, 9, 12),
                                  minutes_reference="纪要1号", attendees="赵审批", today=D(2026, 9, 14))
    assert batch.status == B.APPROVED
    assert Application.objects.get(batch=batch).status == Application.Status.APPROVED


def test_the_meeting_refusal_stands_beside_its_field(client, noticed, approver):
    client.force_login(approver)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("cases:batch-approve", args=[noticed.pk]), {
        "meeting_date": "2026-09-10", "minutes_reference": "纪要1号", "attendees": "赵审批"})
    assert response.status_code == 400
    assert response.context["approve_form"].errors["meeting_date"] == [
        "The meeting must follow the public notice, which ran from 2026-09-07 to 2026-09-11: enter a meeting date "
        "after 2026-09-11."]
    assert Batch.objects.get(pk=noticed.pk).status == B.PUBLIC_NOTICE
