"""Headline totals count money received and confirmed only, and say so; the other states are shown apart."""
from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from donations import services
from donations.models import Donation
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


def make(finance, fund, amount, **kw):
    values = dict(actor=finance, fund=fund, campaign=None, donor=None, amount=D(amount),
                  received_on=dt.date(2022, 3, 5), channel=Donation.Channel.BANK, external_reference=None, note="")
    values.update(kw)
    return services.donation_record(**values)


@pytest.fixture
def mixed(finance, shunyi_fund, shunyi_campaign):
    """Confirmed 100.00 + 20.50; recorded 1,000.00; voided 5,000.00 (after confirmation) and 7.00 (before)."""
    donor = f.DonorFactory(district=shunyi_fund.district, kind="unit", name="顺义区第一中学")
    make(finance, shunyi_fund, "100.00", campaign=shunyi_campaign, donor=donor, confirm=True)
    make(finance, shunyi_fund, "20.50", campaign=shunyi_campaign, donor=donor, confirm=True, channel="qr")
    make(finance, shunyi_fund, "1000.00", campaign=shunyi_campaign, donor=donor)
    issued = make(finance, shunyi_fund, "5000.00", campaign=shunyi_campaign, donor=donor, confirm=True)
    services.donation_void(donation=issued, actor=finance, reason="重复录入")
    unissued = make(finance, shunyi_fund, "7.00", campaign=shunyi_campaign, donor=donor)
    services.donation_void(donation=unissued, actor=finance, reason="录错")
    return donor


def text_of(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</(p|div|td)>', page, re.S)
    assert match, testid
    return re.sub(r"<[^>]+>", "", match.group(1))


def test_the_donation_list_total_counts_confirmed_money_and_shows_the_rest_apart(client, finance, mixed):
    client.force_login(finance)
    response = client.get(reverse("donations:donation-list"))
    assert response.context["totals"] == {"count": 2, "total": D("120.50")}
    assert response.context["recorded"] == {"count": 1, "total": D("1000.00")}
    assert response.context["voided"] == {"count": 2, "total": D("5007.00")}
    page = response.content.decode()
    headline = text_of(page, "totals")
    assert "已确认" in headline and "120.50" in headline
    assert "1,000.00" not in headline and "5,007.00" not in headline
    others = text_of(page, "other-states")
    assert "待确认" in others and "1,000.00" in others
    assert "已作废" in others and "5,007.00" in others


def test_a_status_filter_still_totals_confirmed_money_only(client, finance, mixed):
    client.force_login(finance)
    response = client.get(reverse("donations:donation-list"), {"status": "recorded"})
    assert response.context["totals"] == {"count": 0, "total": D("0.00")}
    assert response.context["recorded"] == {"count": 1, "total": D("1000.00")}


def test_the_campaign_total_received_is_confirmed_money_and_says_so(client, finance, mixed, shunyi_campaign):
    client.force_login(finance)
    response = client.get(reverse("donations:campaign-detail", args=[shunyi_campaign.pk]))
    summary = response.context["summary"]
    assert (summary["count"], summary["total"]) == (2, D("120.50"))
    assert summary["recorded"] == {"count": 1, "total": D("1000.00")}
    assert summary["voided"] == {"count": 2, "total": D("5007.00")}
    # 120.50 of 150,000: the progress bar only moves with confirmed money.
    assert summary["progress"] == 0
    assert [(u["unit"], u["total"]) for u in summary["units"]] == [("顺义区第一中学", D("120.50"))]
    assert {c["channel"]: c["total"] for c in summary["channels"]} == {"bank": D("100.00"), "qr": D("20.50")}
    assert [(m["month"].month, m["total"]) for m in summary["months"]] == [(3, D("120.50"))]
    page = response.content.decode()
    assert "已收合计" in page and text_of(page, "campaign-total") == "120.50"
    card = text_of(page, "campaign-states")
    assert "仅计已确认" in card and "1,000.00" in card and "5,007.00" in card


def test_the_campaign_list_totals_confirmed_money_with_the_unconfirmed_apart(client, finance, mixed,
                                                                           shunyi_campaign):
    client.force_login(finance)
    response = client.get(reverse("donations:campaign-list"))
    [campaign] = response.context["page_obj"]
    assert (campaign.donation_count, campaign.donation_total) == (2, D("120.50"))
    assert (campaign.recorded_count, campaign.recorded_total) == (1, D("1000.00"))
    page = response.content.decode()
    assert "已确认合计" in page and "待确认" in page


def test_the_campaign_export_totals_confirmed_money_and_lists_the_rest_apart(client, finance, mixed,
                                                                           shunyi_campaign):
    client.force_login(finance)
    export = client.get(reverse("donations:campaign-export", args=[shunyi_campaign.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    header, row = list(workbook["汇总"].iter_rows(values_only=True))
    figures = dict(zip(header, row))
    assert figures["已确认笔数"] == 2 and figures["已确认合计(元)"] == 120.5
    assert figures["待确认笔数"] == 1 and figures["待确认金额(元)"] == 1000
    assert figures["已作废笔数"] == 2 and figures["已作废金额(元)"] == 5007
    ranking = list(workbook["单位排名"].iter_rows(values_only=True))
    assert ranking[1] == (1, "顺义区第一中学", 2, 120.5)


def test_the_donor_list_totals_confirmed_money(client, finance, mixed):
    client.force_login(finance)
    response = client.get(reverse("donations:donor-list"))
    [donor] = response.context["page_obj"]
    assert (donor.donation_count, donor.donation_total) == (2, D("120.50"))
    assert (donor.recorded_count, donor.recorded_total) == (1, D("1000.00"))
