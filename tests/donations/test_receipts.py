"""Receipts as finance hands them out: only for money confirmed, and a voided one marked 作废 with when and why."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from donations import services
from donations.models import Donation
from reliefdesk.models import HistoryEvent

pytestmark = pytest.mark.django_db


def make(finance, fund, **kw):
    values = dict(actor=finance, fund=fund, campaign=None, donor=None, amount=Decimal("100.00"),
                  received_on=dt.date(2022, 3, 5), channel=Donation.Channel.BANK, external_reference=None, note="")
    values.update(kw)
    return services.donation_record(**values)


def void_day(donation) -> str:
    """The Beijing date of the donation's void, as the receipt writes it."""
    event = HistoryEvent.objects.get(object_id=donation.pk, action="donation.voided")
    day = timezone.localtime(event.created_at).date()
    return f"{day.year}年{day.month}月{day.day}日"


def receipts(page: str) -> list[str]:
    return re.findall(r'<section class="receipt[^"]*"[^>]*data-testid="receipt".*?</section>', page, re.S)


def test_a_confirmed_donation_prints_a_clean_receipt(client, finance, shunyi_fund):
    donation = make(finance, shunyi_fund, confirm=True)
    client.force_login(finance)
    response = client.get(reverse("donations:donation-receipt", args=[donation.pk]))
    [receipt] = receipts(response.content.decode())
    assert donation.receipt_number in receipt
    assert "作废" not in receipt


def test_a_voided_donation_prints_marked_void_with_the_date_and_reason_of_the_void(client, finance, shunyi_fund):
    donation = make(finance, shunyi_fund, confirm=True)
    services.donation_void(donation=donation, actor=finance, reason="银行退回：重复录入")
    client.force_login(finance)
    response = client.get(reverse("donations:donation-receipt", args=[donation.pk]))
    assert response.status_code == 200
    [receipt] = receipts(response.content.decode())
    assert donation.receipt_number in receipt
    assert 'data-testid="void-stamp"' in receipt and ">作废<" in receipt
    note = re.search(r'data-testid="void-note"[^>]*>(.*?)</', receipt, re.S).group(1)
    assert void_day(donation) in note and "银行退回：重复录入" in note


def test_an_unconfirmed_donation_prints_no_receipt_and_says_why(client, finance, shunyi_fund):
    donation = make(finance, shunyi_fund)
    client.force_login(finance)
    response = client.get(reverse("donations:donation-receipt", args=[donation.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("donations:donation-detail", args=[donation.pk])
    page = client.get(response["Location"]).content.decode()
    assert "尚未确认" in page
    assert 'data-testid="receipt-link"' not in page
    assert not receipts(page)


def test_the_donation_page_offers_the_voided_receipt_marked_as_such(client, finance, shunyi_fund):
    donation = make(finance, shunyi_fund, confirm=True)
    services.donation_void(donation=donation, actor=finance, reason="录错")
    client.force_login(finance)
    page = client.get(reverse("donations:donation-detail", args=[donation.pk])).content.decode()
    link = re.search(r'<a [^>]*data-testid="receipt-link"[^>]*>(.*?)</a>', page, re.S)
    assert link and "作废" in link.group(1)


def test_the_campaign_prints_voided_receipts_marked_and_leaves_out_unconfirmed_ones(client, finance, shunyi_fund,
                                                                                   shunyi_campaign):
    clean = [make(finance, shunyi_fund, campaign=shunyi_campaign, confirm=True) for _ in range(2)]
    issued_then_voided = make(finance, shunyi_fund, campaign=shunyi_campaign, confirm=True)
    services.donation_void(donation=issued_then_voided, actor=finance, reason="单位撤回")
    waiting = [make(finance, shunyi_fund, campaign=shunyi_campaign) for _ in range(2)]
    never_issued = make(finance, shunyi_fund, campaign=shunyi_campaign)
    services.donation_void(donation=never_issued, actor=finance, reason="重复登记")
    client.force_login(finance)
    page = client.get(reverse("donations:campaign-receipts", args=[shunyi_campaign.pk])).content.decode()
    printed = receipts(page)
    assert len(printed) == 3
    by_number = {d.receipt_number: r for d in (*clean, issued_then_voided) for r in printed if d.receipt_number in r}
    assert all("作废" not in by_number[d.receipt_number] for d in clean)
    voided = by_number[issued_then_voided.receipt_number]
    assert 'data-testid="void-stamp"' in voided
    assert void_day(issued_then_voided) in voided and "单位撤回" in voided
    assert all(d.receipt_number not in page for d in (*waiting, never_issued))
    left_out = re.search(r'data-testid="left-out"[^>]*>(.*?)</div>', page, re.S).group(1)
    assert "2 笔尚未确认" in left_out
    assert "1 笔在确认前已作废" in left_out


def test_a_campaign_with_only_confirmed_gifts_mentions_nothing_left_out(client, finance, shunyi_fund,
                                                                       shunyi_campaign):
    make(finance, shunyi_fund, campaign=shunyi_campaign, confirm=True)
    client.force_login(finance)
    page = client.get(reverse("donations:campaign-receipts", args=[shunyi_campaign.pk])).content.decode()
    assert len(receipts(page)) == 1
    assert 'data-testid="left-out"' not in page
