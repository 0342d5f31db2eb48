"""Payout sheets and results: nobody is paid twice, and the ledger matches what the bank paid."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone

from cases.models import Application
from payouts.models import Payout, PayoutSheet, PayoutSheetLine
from payouts import services
from funds.models import LedgerEntry
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import history_for
from tests import factories as f

PAID_ON = dt.date(2022, 4, 8)


@pytest.fixture
def payouts(shunyi_fund, station1):
    return f.make_payouts(3, fund=shunyi_fund, station=station1,
                          amounts=[Decimal("12400.00"), Decimal("30000.00"), Decimal("7500.50")])


@pytest.fixture
def exported_sheet(finance, shunyi_fund, payouts):
    sheet = services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)
    result = services.payout_sheet_export(sheet=sheet, actor=finance)
    sheet.refresh_from_db()
    import os

    os.unlink(result.path)
    return sheet


def test_a_new_sheet_is_numbered_per_district_and_year_and_holds_the_payouts(finance, shunyi_fund, payouts):
    year = timezone.localdate().year
    first = services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts[:2])
    second = services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts[2:])

    assert first.number == f"SY-BF-{year}-0001"
    assert second.number == f"SY-BF-{year}-0002"
    assert first.row_count == 2 and first.total == Decimal("42400.00")
    assert [line.payout_id for line in first.lines.order_by("position")] == [payouts[0].pk, payouts[1].pk]
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.IN_SHEET}
    assert [e.action for e in history_for(first)] == ["payout_sheet.created"]


def test_a_payout_already_in_a_sheet_cannot_go_into_another(finance, shunyi_fund, payouts):
    services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts[:1])

    with pytest.raises(TransitionNotAllowed):
        services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts[:2])

    assert PayoutSheet.objects.count() == 1
    assert Payout.objects.get(pk=payouts[1].pk).status == Payout.Status.PENDING


def test_the_database_refuses_a_payout_in_two_live_sheets(finance, shunyi_fund, payouts):
    sheet = services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts[:1])
    other = f.PayoutSheetFactory(fund=shunyi_fund, number="SY-BF-2022-9999", created_by=finance)

    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutSheetLine.objects.create(sheet=other, payout=payouts[0], position=1)

    assert PayoutSheetLine.objects.filter(payout=payouts[0]).count() == 1
    assert sheet.lines.count() == 1


def test_the_database_refuses_a_second_ledger_debit_for_one_payout(finance, exported_sheet, payouts):
    services.payout_mark_paid(payouts=payouts[:1], actor=finance, paid_on=PAID_ON, bank_reference="B001")

    # A payout points at one debit, and a debit belongs to one payout: the database refuses a second.
    debit = Payout.objects.get(pk=payouts[0].pk).ledger_entry
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.filter(pk=payouts[1].pk).update(ledger_entry=debit)

    assert LedgerEntry.objects.filter(payout=payouts[0]).count() == 1


def test_marking_a_paid_payout_paid_again_is_refused_and_debits_nothing_more(finance, exported_sheet, payouts):
    services.payout_mark_paid(payouts=payouts[:1], actor=finance, paid_on=PAID_ON, bank_reference="B001")

    with pytest.raises(TransitionNotAllowed):
        services.payout_mark_paid(payouts=payouts[:1], actor=finance, paid_on=PAID_ON, bank_reference="B002")

    assert LedgerEntry.objects.filter(payout=payouts[0]).count() == 1
    assert Payout.objects.get(pk=payouts[0].pk).bank_reference == "B001"


def test_a_paid_payout_debits_the_fund_once_and_the_case_becomes_paid(finance, exported_sheet, payouts):
    services.payout_mark_paid(payouts=payouts[:2], actor=finance, paid_on=PAID_ON, bank_reference="B001")

    debits = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).order_by("amount")
    assert [d.amount for d in debits] == [Decimal("-30000.00"), Decimal("-12400.00")]
    assert all(d.booked_on == PAID_ON for d in debits)
    application = Application.objects.get(pk=payouts[0].application_id)
    assert application.status == Application.Status.PAID
    assert application.paid_at is not None
    assert [e.action for e in history_for(application)] == ["application.paid"]
    paid = Payout.objects.get(pk=payouts[0].pk)
    assert (paid.status, paid.paid_on, paid.bank_reference) == (Payout.Status.PAID, PAID_ON, "B001")
    assert PayoutSheet.objects.get(pk=exported_sheet.pk).status == PayoutSheet.Status.EXPORTED


def test_the_sheet_closes_when_every_line_is_paid_or_failed(finance, exported_sheet, payouts):
    services.payout_mark_paid(payouts=payouts[:2], actor=finance, paid_on=PAID_ON, bank_reference="B001")
    services.payout_mark_failed(payouts=payouts[2:], actor=finance, reason="卡号错误")

    assert PayoutSheet.objects.get(pk=exported_sheet.pk).status == PayoutSheet.Status.CLOSED
    assert Application.objects.get(pk=payouts[2].application_id).status == Application.Status.PAYMENT_FAILED


def test_results_cannot_be_recorded_before_the_sheet_is_exported(finance, shunyi_fund, payouts):
    services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)

    with pytest.raises(TransitionNotAllowed):
        services.payout_mark_paid(payouts=payouts, actor=finance, paid_on=PAID_ON, bank_reference="B001")

    assert not LedgerEntry.objects.exists()
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.IN_SHEET}


def test_a_failed_payout_is_reissued_as_a_new_payout_and_the_old_one_stays(finance, exported_sheet, payouts):
    services.payout_mark_failed(payouts=payouts[:1], actor=finance, reason="账户已销户")
    new_card = f.luhn_complete("621700000000000001")

    new = services.payout_reissue(payout=payouts[0], actor=finance, card_number=new_card, bank_name="中国建设银行顺义支行")

    old = Payout.objects.get(pk=payouts[0].pk)
    assert (old.status, old.card_number, old.failure_reason) == (Payout.Status.FAILED, payouts[0].card_number,
                                                                  "账户已销户")
    assert (new.status, new.card_number, new.reissue_of_id, new.amount) == (Payout.Status.PENDING, new_card, old.pk,
                                                                             old.amount)
    assert Application.objects.get(pk=old.application_id).status == Application.Status.APPROVED
    with pytest.raises(TransitionNotAllowed):
        services.payout_reissue(payout=old, actor=finance, card_number=new_card, bank_name="x")
    assert Payout.objects.filter(application_id=old.application_id).count() == 2


def test_after_paid_failed_and_reissued_the_ledger_equals_the_paid_payouts_to_the_cent(
        finance, shunyi_fund, station1, station2):
    amounts = [Decimal("12400.00"), Decimal("30000.00"), Decimal("7500.50"), Decimal("3333.33"), Decimal("0.01")]
    payouts = f.make_payouts(5, fund=shunyi_fund, station=station1, amounts=amounts)
    first = services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)
    services.payout_sheet_export(sheet=first, actor=finance)
    services.payout_mark_paid(payouts=payouts[:3], actor=finance, paid_on=PAID_ON, bank_reference="B1")
    services.payout_mark_failed(payouts=payouts[3:], actor=finance, reason="户名不符")
    reissued = [services.payout_reissue(payout=p, actor=finance, card_number=f.luhn_complete("621700000000000002"),
                                        bank_name="中国银行") for p in payouts[3:]]
    second = services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=reissued)
    services.payout_sheet_export(sheet=second, actor=finance)
    services.payout_mark_paid(payouts=reissued[:1], actor=finance, paid_on=PAID_ON, bank_reference="B2")
    services.payout_mark_failed(payouts=reissued[1:], actor=finance, reason="again")

    debits = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).aggregate(total=Sum("amount"))["total"]
    paid = Payout.objects.filter(status=Payout.Status.PAID).aggregate(total=Sum("amount"))["total"]
    assert paid == Decimal("53233.83")
    assert -debits == paid
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYOUT).count() == 4
    assert Application.objects.filter(status=Application.Status.PAID).count() == 4
    assert Application.objects.filter(status=Application.Status.PAYMENT_FAILED).count() == 1


def test_cancelling_a_sheet_releases_its_payouts_for_a_new_sheet(finance, shunyi_fund, payouts):
    sheet = services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)

    services.payout_sheet_cancel(sheet=sheet, actor=finance, reason="金额需复核")

    sheet.refresh_from_db()
    assert (sheet.status, sheet.cancelled_reason) == (PayoutSheet.Status.CANCELLED, "金额需复核")
    assert not sheet.lines.filter(released=False).exists()
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.PENDING}
    again = services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)
    assert again.lines.count() == 3


def test_a_sheet_with_a_paid_payout_cannot_be_cancelled(finance, exported_sheet, payouts):
    services.payout_mark_paid(payouts=payouts[:1], actor=finance, paid_on=PAID_ON, bank_reference="B001")

    with pytest.raises(TransitionNotAllowed):
        services.payout_sheet_cancel(sheet=exported_sheet, actor=finance, reason="oops")

    assert PayoutSheet.objects.get(pk=exported_sheet.pk).status == PayoutSheet.Status.EXPORTED
    assert Payout.objects.get(pk=payouts[1].pk).status == Payout.Status.IN_SHEET


def test_a_reviewer_may_not_create_a_sheet(reviewer, shunyi_fund, payouts):
    with pytest.raises(PermissionDenied):
        services.payout_sheet_create(actor=reviewer, fund=shunyi_fund, payouts=payouts)
    assert not PayoutSheet.objects.exists()


def test_finance_of_another_district_cannot_touch_shunyi_payouts(daxing_finance, finance, shunyi_fund, payouts):
    with pytest.raises(Http404):
        services.payout_sheet_create(actor=daxing_finance, fund=shunyi_fund, payouts=payouts)
    sheet = services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)
    with pytest.raises(Http404):
        services.payout_sheet_cancel(sheet=sheet, actor=daxing_finance, reason="x")
    with pytest.raises(Http404):
        services.payout_sheet_export(sheet=sheet, actor=daxing_finance)


def test_a_payment_date_in_the_future_is_refused(finance, exported_sheet, payouts):
    with pytest.raises(DomainError) as info:
        services.payout_mark_paid(payouts=payouts, actor=finance, paid_on=timezone.localdate() + dt.timedelta(days=1),
                                   bank_reference="B")
    assert info.value.field == "paid_on"
    assert not LedgerEntry.objects.exists()
