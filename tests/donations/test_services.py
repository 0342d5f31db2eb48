"""Recording, confirming and voiding donations: receipts, ledger and history as finance checks them."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.http import Http404

from donations import services
from donations.models import Donation, Donor
from reliefdesk.counters import counter_last
from funds.models import LedgerEntry
from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.history import history_for
from tests import factories as f

pytestmark = pytest.mark.django_db


def record(actor, fund, **overrides):
    values = dict(actor=actor, fund=fund, campaign=None, donor=None, amount=Decimal("100.00"),
                  received_on=dt.date(2022, 3, 5), channel=Donation.Channel.BANK, external_reference=None,
                  note="")
    values.update(overrides)
    return services.donation_record(**values)


def balance(fund) -> Decimal:
    return LedgerEntry.objects.filter(fund=fund).aggregate(s=Sum("amount"))["s"] or Decimal("0.00")


def test_a_recorded_donation_gets_the_next_receipt_number_of_its_fund_and_year(finance, shunyi_fund):
    first = record(finance, shunyi_fund)
    second = record(finance, shunyi_fund, received_on=dt.date(2022, 12, 31))
    next_year = record(finance, shunyi_fund, received_on=dt.date(2023, 1, 2))
    assert [first.receipt_number, second.receipt_number, next_year.receipt_number] == [
        "SHUNYI-2022-000001", "SHUNYI-2022-000002", "SHUNYI-2023-000001"]
    assert (second.receipt_year, second.receipt_seq) == (2022, 2)
    assert first.status == Donation.Status.RECORDED
    assert first.district == shunyi_fund.district
    assert balance(shunyi_fund) == Decimal("0.00")


def test_a_refused_entry_gives_its_receipt_number_back(finance, shunyi_fund):
    record(finance, shunyi_fund, external_reference="B1")
    with pytest.raises(DomainError):
        record(finance, shunyi_fund, external_reference="B1")
    assert record(finance, shunyi_fund).receipt_number == "SHUNYI-2022-000002"
    assert counter_last(key=services.receipt_key(fund=shunyi_fund, year=2022)) == 2


def test_the_same_bank_transaction_cannot_be_entered_twice(finance, shunyi_fund):
    first = record(finance, shunyi_fund, external_reference="ICBC-778")
    with pytest.raises(DomainError) as refused:
        record(finance, shunyi_fund, external_reference=" ICBC-778 ")
    assert refused.value.field == "external_reference"
    assert first.receipt_number in str(refused.value)
    assert Donation.objects.count() == 1
    # The same number on another channel is another transaction.
    assert record(finance, shunyi_fund, external_reference="ICBC-778", channel=Donation.Channel.QR)


def test_an_amount_of_zero_or_less_is_refused(finance, shunyi_fund):
    for amount in (Decimal("0"), Decimal("-5")):
        with pytest.raises(DomainError) as refused:
            record(finance, shunyi_fund, amount=amount)
        assert refused.value.field == "amount"
    assert not Donation.objects.exists()


def test_confirming_credits_the_fund_once_and_writes_one_history_row(finance, shunyi_fund):
    donation = record(finance, shunyi_fund, amount=Decimal("1234.56"))
    services.donation_confirm(donation=donation, actor=finance)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.CONFIRMED
    assert balance(shunyi_fund) == Decimal("1234.56")
    assert [e.action for e in history_for(donation)] == ["donation.recorded", "donation.confirmed"]
    with pytest.raises(TransitionNotAllowed):
        services.donation_confirm(donation=donation, actor=finance)
    assert balance(shunyi_fund) == Decimal("1234.56")
    assert LedgerEntry.objects.filter(donation=donation).count() == 1


def test_voiding_a_confirmed_donation_posts_a_reversal_and_keeps_the_row(finance, shunyi_fund):
    donation = record(finance, shunyi_fund, amount=Decimal("500.00"), confirm=True)
    services.donation_void(donation=donation, actor=finance, reason="重复录入")
    donation.refresh_from_db()
    assert donation.status == Donation.Status.VOIDED
    assert donation.void_reason == "重复录入"
    assert balance(shunyi_fund) == Decimal("0.00")
    kinds = list(LedgerEntry.objects.filter(Q(donation=donation) | Q(voided_donation=donation)).order_by("id")
                 .values_list("kind", "amount"))
    assert kinds == [("donation", Decimal("500.00")), ("donation_void", Decimal("-500.00"))]
    event = list(history_for(donation))[-1]
    assert (event.action, event.from_status, event.to_status, event.reason) == (
        "donation.voided", "confirmed", "voided", "重复录入")


def test_voiding_a_recorded_donation_posts_nothing(finance, shunyi_fund):
    donation = record(finance, shunyi_fund)
    services.donation_void(donation=donation, actor=finance, reason="金额错误")
    assert not LedgerEntry.objects.exists()
    assert Donation.objects.get().status == Donation.Status.VOIDED


def test_voiding_needs_a_reason_and_a_voided_donation_cannot_be_voided_again(finance, shunyi_fund):
    donation = record(finance, shunyi_fund, confirm=True)
    with pytest.raises(DomainError) as refused:
        services.donation_void(donation=donation, actor=finance, reason="  ")
    assert refused.value.field == "reason"
    services.donation_void(donation=donation, actor=finance, reason="错误")
    with pytest.raises(TransitionNotAllowed):
        services.donation_void(donation=donation, actor=finance, reason="again")
    with pytest.raises(TransitionNotAllowed):
        services.donation_confirm(donation=donation, actor=finance)
    assert LedgerEntry.objects.count() == 2


def test_ledger_credits_and_reversals_reconcile_to_the_cent(finance, shunyi_fund):
    amounts = [Decimal("0.01"), Decimal("10.00"), Decimal("99.99"), Decimal("1234.56"), Decimal("150000.00")]
    donations = [record(finance, shunyi_fund, amount=a, confirm=True) for a in amounts]
    services.donation_void(donation=donations[2], actor=finance, reason="退回")
    record(finance, shunyi_fund, amount=Decimal("77.77"))  # recorded, not yet confirmed
    confirmed = Donation.objects.filter(fund=shunyi_fund, status="confirmed").aggregate(s=Sum("amount"))["s"]
    assert confirmed == Decimal("151244.57")
    assert balance(shunyi_fund) == confirmed


def test_finance_of_another_district_gets_404_and_other_roles_403(finance, daxing_finance, reviewer, liaison1,
                                                                   shunyi_fund):
    with pytest.raises(Http404):
        record(daxing_finance, shunyi_fund)
    for user in (reviewer, liaison1):
        with pytest.raises(PermissionDenied):
            record(user, shunyi_fund)
    donation = record(finance, shunyi_fund)
    with pytest.raises(Http404):
        services.donation_confirm(donation=donation, actor=daxing_finance)
    with pytest.raises(PermissionDenied):
        services.donation_void(donation=donation, actor=reviewer, reason="x")
    assert Donation.objects.get().status == Donation.Status.RECORDED


def test_an_administrator_records_for_any_district_fund(admin_user, daxing_fund):
    donation = record(admin_user, daxing_fund, confirm=True)
    assert donation.receipt_number == "DAXING-2022-000001"
    assert balance(daxing_fund) == Decimal("100.00")


def test_a_campaign_of_another_fund_or_a_donor_of_another_district_is_refused(finance, shunyi_fund, daxing_fund,
                                                                              daxing):
    other_campaign = f.CampaignFactory(fund=daxing_fund)
    with pytest.raises(DomainError) as refused:
        record(finance, shunyi_fund, campaign=other_campaign)
    assert refused.value.field == "campaign"
    with pytest.raises(DomainError) as refused:
        record(finance, shunyi_fund, donor=f.DonorFactory(district=daxing))
    assert refused.value.field == "donor"


def test_donors_and_campaigns_are_created_and_changed_with_history(finance, shunyi_fund):
    donor = services.donor_create(actor=finance, kind=Donor.Kind.UNIT, name="顺义区医院")
    assert donor.district == shunyi_fund.district
    with pytest.raises(DomainError):
        services.donor_create(actor=finance, kind=Donor.Kind.UNIT, name="顺义区医院")
    services.donor_update(actor=finance, donor=donor, contact="010-69440000")
    campaign = services.campaign_create(actor=finance, fund=shunyi_fund, name="2022年一元捐、十元捐",
                                        starts_on=dt.date(2022, 3, 1), target=Decimal("150000"))
    with pytest.raises(DomainError) as refused:
        services.campaign_update(actor=finance, campaign=campaign, ends_on=dt.date(2022, 1, 1))
    assert refused.value.field == "ends_on"
    services.campaign_update(actor=finance, campaign=campaign, ends_on=dt.date(2022, 12, 31))
    assert [e.action for e in history_for(donor)] == ["donor.created", "donor.updated"]
    assert [e.action for e in history_for(campaign)] == ["campaign.created", "campaign.updated"]


def test_nothing_is_deleted_through_the_admin():
    from django.contrib import admin

    for model in (Donation, Donor):
        if model in admin.site._registry:
            assert not admin.site._registry[model].has_delete_permission(None)
