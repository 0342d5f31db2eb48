"""The fund ledger: append-only, balance, committed and available, reversing entries."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from payouts.models import Payout
from payouts.services import payout_post_debits
from donations import ledger as donation_ledger
from donations.services import donation_confirm, donation_void, donation_confirm_many
from funds import ledger
from funds.errors import LedgerRefused
from funds.models import LedgerEntry
from funds.selectors import fund_position
from reliefdesk.models import HistoryEvent
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal
DAY = dt.date(2022, 4, 1)


@pytest.fixture
def opened(shunyi_fund, admin_user):
    return ledger.ledger_post_opening_balance(fund=shunyi_fund, amount=D("800000"), actor=admin_user,
                                       booked_on=dt.date(2022, 1, 1))


def payout_of(fund, station, amount, status=Payout.Status.PENDING):
    application = f.ApplicationFactory(fund=fund, station=station, status="approved", awarded_amount=D(amount))
    return f.PayoutFactory(application=application, status=status)


def debit(payout, actor, booked_on=DAY):
    """Book the payout's debit and link it, as recording the bank's result does."""
    entry_id = payout_post_debits(payouts=[payout], actor=actor, booked_on=booked_on)[payout.pk]
    Payout.objects.filter(pk=payout.pk).update(ledger_entry_id=entry_id)
    payout.ledger_entry_id = entry_id
    return LedgerEntry.objects.get(pk=entry_id)


def test_balance_committed_and_available_follow_the_ledger_and_unpaid_payouts(opened, shunyi_fund, station1):
    payout_of(shunyi_fund, station1, "12400")
    payout_of(shunyi_fund, station1, "30000", status=Payout.Status.IN_SHEET)
    # A paid payout is debited when it is recorded (the factory books its debit as that does).
    payout_of(shunyi_fund, station1, "3000", status=Payout.Status.PAID)
    payout_of(shunyi_fund, station1, "9999", status=Payout.Status.FAILED)
    position = fund_position(fund=shunyi_fund)
    assert position.balance == D("797000.00")
    # The failed payout is still owed until it is reissued.
    assert position.committed == D("52399.00")
    assert position.available == D("744601.00")


def test_a_reissued_failure_is_committed_once_through_its_new_payout(opened, shunyi_fund, station1):
    failed = payout_of(shunyi_fund, station1, "9999", status=Payout.Status.FAILED)
    f.PayoutFactory(application=failed.application, batch=failed.batch, reissue_of=failed, amount=D("9999"))
    position = fund_position(fund=shunyi_fund)
    assert position.committed == D("9999.00")
    assert position.available == D("790001.00")


def test_an_empty_fund_has_zero_everywhere(shunyi_fund):
    position = fund_position(fund=shunyi_fund)
    assert (position.balance, position.committed, position.available) == (D("0.00"), D("0.00"), D("0.00"))


def test_a_payout_is_debited_exactly_once_as_a_negative_amount(opened, shunyi_fund, station1, finance):
    paid = payout_of(shunyi_fund, station1, "12400", status=Payout.Status.IN_SHEET)
    entry = debit(paid, finance)
    assert entry.amount == D("-12400.00")
    assert entry.kind == LedgerEntry.Kind.PAYOUT
    with pytest.raises(LedgerRefused):
        debit(paid, finance)
    assert LedgerEntry.objects.filter(payout=paid).count() == 1
    # The database keeps one payout on one debit, and a paid payout on its debit.
    other = payout_of(shunyi_fund, station1, "100", status=Payout.Status.IN_SHEET)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.filter(pk=other.pk).update(ledger_entry=entry)
    with pytest.raises(IntegrityError), transaction.atomic():
        Payout.objects.filter(pk=other.pk).update(status=Payout.Status.PAID)


def test_many_payouts_are_debited_in_one_go(opened, shunyi_fund, station1, finance):
    payouts = [payout_of(shunyi_fund, station1, amount, status=Payout.Status.IN_SHEET) for amount in ("100", "200.50")]
    debits = payout_post_debits(payouts=payouts, actor=finance, booked_on=DAY)
    entries = LedgerEntry.objects.filter(pk__in=debits.values())
    assert sorted(e.amount for e in entries) == [D("-200.50"), D("-100.00")]
    assert fund_position(fund=shunyi_fund).balance == D("799699.50")
    payouts[0].ledger_entry_id = debits[payouts[0].pk]
    with pytest.raises(LedgerRefused):
        payout_post_debits(payouts=payouts[:1], actor=finance, booked_on=DAY)


def test_a_donation_is_credited_once_and_its_void_takes_exactly_that_back(shunyi_fund, finance):
    donation = f.DonationFactory(fund=shunyi_fund, amount=D("1500"))
    donation = donation_confirm(donation=donation, actor=finance)
    credit = donation.credit_entry
    assert credit.amount == D("1500.00")
    with pytest.raises(LedgerRefused):
        donation_ledger.donation_post_credit(donation=donation, actor=finance)
    donation = donation_void(donation=donation, actor=finance, reason="重复录入")
    reversal = donation.void_entry
    assert reversal.amount == D("-1500.00")
    assert reversal.reverses == credit
    assert fund_position(fund=shunyi_fund).balance == D("0.00")
    with pytest.raises(LedgerRefused):
        donation_ledger.donation_post_reversal(donation=donation, actor=finance, reason="again")


def test_voiding_a_donation_never_credited_is_refused(shunyi_fund, finance):
    donation = f.DonationFactory(fund=shunyi_fund, amount=D("1500"))
    with pytest.raises(LedgerRefused):
        donation_ledger.donation_post_reversal(donation=donation, actor=finance, reason="录错")


def test_finance_adjusts_with_a_reason_and_the_fund_history_says_so(opened, shunyi_fund, finance):
    entry = ledger.ledger_post_adjustment(fund=shunyi_fund, amount=D("-250.00"), reason="银行手续费", actor=finance,
                                   booked_on=DAY)
    assert entry.amount == D("-250.00")
    assert fund_position(fund=shunyi_fund).balance == D("799750.00")
    event = HistoryEvent.objects.get(action="fund.adjusted")
    assert event.reason == "银行手续费"
    assert event.actor == finance


@pytest.mark.parametrize(("amount", "reason"), [("0", "x"), ("10", ""), ("10", "   ")])
def test_an_adjustment_without_a_reason_or_amount_is_refused(shunyi_fund, finance, amount, reason):
    with pytest.raises(LedgerRefused):
        ledger.ledger_post_adjustment(fund=shunyi_fund, amount=D(amount), reason=reason, actor=finance, booked_on=DAY)
    assert LedgerEntry.objects.count() == 0


def test_a_reviewer_may_not_adjust_and_daxing_finance_cannot_reach_shunyi(shunyi_fund, reviewer, daxing_finance):
    with pytest.raises(PermissionDenied):
        ledger.ledger_post_adjustment(fund=shunyi_fund, amount=D("1"), reason="x", actor=reviewer, booked_on=DAY)
    with pytest.raises(Http404):
        ledger.ledger_post_adjustment(fund=shunyi_fund, amount=D("1"), reason="x", actor=daxing_finance, booked_on=DAY)
    assert LedgerEntry.objects.count() == 0


def test_a_reversal_cancels_an_entry_once_and_keeps_the_original(opened, shunyi_fund, finance):
    reversal = ledger.ledger_reverse_entry(entry=opened, actor=finance, reason="期初录错")
    assert reversal.amount == D("-800000.00")
    assert reversal.reverses == opened
    assert LedgerEntry.objects.filter(pk=opened.pk).exists()
    assert fund_position(fund=shunyi_fund).balance == D("0.00")
    with pytest.raises(LedgerRefused):
        ledger.ledger_reverse_entry(entry=opened, actor=finance, reason="again")
    with pytest.raises(LedgerRefused):
        ledger.ledger_reverse_entry(entry=reversal, actor=finance, reason="reverse the reversal")
    assert HistoryEvent.objects.filter(action="fund.entry_reversed").count() == 1


def test_a_payout_entry_is_not_reversed_from_the_ledger(opened, shunyi_fund, station1, finance):
    paid = payout_of(shunyi_fund, station1, "100", status=Payout.Status.IN_SHEET)
    entry = debit(paid, finance)
    with pytest.raises(LedgerRefused):
        ledger.ledger_reverse_entry(entry=entry, actor=finance, reason="x")


def test_ledger_rows_are_never_updated_or_deleted(opened):
    opened.amount = D("1")
    with pytest.raises(PermissionError):
        opened.save()
    with pytest.raises(PermissionError):
        opened.delete()
    with pytest.raises(PermissionError):
        LedgerEntry.objects.all().delete()
    with pytest.raises(PermissionError):
        LedgerEntry.objects.update(amount=D("2"))


def test_the_database_refuses_a_positive_payout_entry_and_a_zero_entry(shunyi_fund, station1):
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(fund=shunyi_fund, kind="payout", amount=D("100"), booked_on=DAY)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(fund=shunyi_fund, kind="adjustment", amount=D("0"), booked_on=DAY)


def test_many_donations_are_credited_in_a_few_statements_and_never_twice(shunyi_fund, finance,
                                                                        django_assert_max_num_queries):
    from donations.models import Donation

    for amount in ("10", "100.50", "1000"):
        f.DonationFactory(fund=shunyi_fund, amount=D(amount))
    donations = list(Donation.objects.all())
    # Savepoint, lock, draw ids, COPY the credits, one UPDATE, one history INSERT, whatever the count.
    with django_assert_max_num_queries(8):
        written = len(donation_confirm_many(donations=donations, actor=finance))
    assert written == 3
    assert fund_position(fund=shunyi_fund).balance == D("1110.50")
    assert set(LedgerEntry.objects.values_list("created_by", flat=True)) == {finance.pk}
    assert LedgerEntry.objects.filter(description__startswith="捐款 SHUNYI-2022-").count() == 3
    with pytest.raises(LedgerRefused):
        donation_ledger.donations_post_credits(donations=Donation.objects.all(), actor=finance)
    with pytest.raises(LedgerRefused):
        donation_ledger.donations_post_credits(donations=list(Donation.objects.all()), actor=finance)
    assert LedgerEntry.objects.count() == 3


def test_a_list_of_donations_is_credited_too(shunyi_fund, finance):
    donations = [f.DonationFactory(fund=shunyi_fund, amount=D("20")) for _ in range(2)]
    assert len(donation_confirm_many(donations=donations, actor=finance)) == 2
    assert fund_position(fund=shunyi_fund).balance == D("40.00")
    assert donation_confirm_many(donations=[], actor=finance) == []
