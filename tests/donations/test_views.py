"""The donation pages as finance uses them: entry, list with totals, confirm, void, receipts, campaigns."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from donations import services
from donations.models import Campaign, Donation, Donor
from funds.models import LedgerEntry
from reliefdesk.models import HistoryEvent
from tests import factories as f

pytestmark = pytest.mark.django_db


def make_donation(finance, fund, **kw):
    values = dict(actor=finance, fund=fund, campaign=None, donor=None, amount=Decimal("100.00"),
                  received_on=dt.date(2022, 3, 5), channel=Donation.Channel.BANK, external_reference=None, note="")
    values.update(kw)
    return services.donation_record(**values)


def test_finance_enters_a_donation_with_a_new_donor_and_confirms_it_at_once(client, finance, shunyi_fund,
                                                                           shunyi_campaign):
    client.force_login(finance)
    assert client.get(reverse("donations:donation-create")).status_code == 200
    response = client.post(reverse("donations:donation-create"), {
        "fund": shunyi_fund.pk, "campaign": shunyi_campaign.pk, "new_donor_name": "顺义区第一中学",
        "new_donor_kind": "unit", "amount": "12345.60", "received_on": "2022-03-05", "channel": "bank",
        "external_reference": "ICBC-1", "note": "", "confirm": "on",
    })
    donation = Donation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("donations:donation-detail", args=[donation.pk])
    assert donation.donor.name == "顺义区第一中学" and donation.donor.kind == Donor.Kind.UNIT
    assert donation.status == Donation.Status.CONFIRMED
    assert LedgerEntry.objects.get(donation=donation).amount == Decimal("12345.60")
    page = client.get(response["Location"]).content.decode()
    assert "SHUNYI-2022-000001" in page and "12,345.60" in page


def test_an_anonymous_donation_needs_no_donor(client, finance, shunyi_fund):
    client.force_login(finance)
    client.post(reverse("donations:donation-create"), {
        "fund": shunyi_fund.pk, "amount": "50", "received_on": "2022-03-05", "channel": "cash",
        "new_donor_kind": "individual"})
    donation = Donation.objects.get()
    assert donation.donor is None and donation.status == Donation.Status.RECORDED


def test_a_duplicate_transaction_number_comes_back_as_a_field_error(client, finance, shunyi_fund):
    make_donation(finance, shunyi_fund, external_reference="WX-9", channel="qr")
    client.force_login(finance)
    response = client.post(reverse("donations:donation-create"), {
        "fund": shunyi_fund.pk, "amount": "10", "received_on": "2022-03-05", "channel": "qr",
        "external_reference": "WX-9", "new_donor_kind": "individual"})
    assert response.status_code == 200
    assert "external_reference" in response.context["form"].errors
    assert response.context["form"]["amount"].value() == "10"
    assert Donation.objects.count() == 1


def test_the_list_filters_and_totals_the_filtered_rows(client, finance, shunyi_fund, shunyi_campaign):
    for amount, channel in (("10.00", "qr"), ("20.50", "qr"), ("1000.00", "bank")):
        make_donation(finance, shunyi_fund, amount=Decimal(amount), channel=channel, campaign=shunyi_campaign,
                      confirm=True)
    make_donation(finance, shunyi_fund, amount=Decimal("5.00"), channel="qr", received_on=dt.date(2022, 5, 1),
                  confirm=True)
    client.force_login(finance)
    response = client.get(reverse("donations:donation-list"), {"channel": "qr", "received_to": "2022-04-30"})
    assert response.context["totals"] == {"count": 2, "total": Decimal("30.50")}
    response = client.get(reverse("donations:donation-list"), {"campaign": shunyi_campaign.pk})
    assert response.context["totals"] == {"count": 3, "total": Decimal("1030.50")}
    assert "1,030.50" in response.content.decode()


@pytest.mark.parametrize("rows", [2, 20])
def test_the_list_runs_the_same_number_of_queries_for_2_and_20_rows(client, finance, shunyi_fund, shunyi_campaign,
                                                                  django_assert_num_queries, rows):
    donor = f.DonorFactory(district=shunyi_fund.district)
    for _ in range(rows):
        make_donation(finance, shunyi_fund, donor=donor, campaign=shunyi_campaign)
    client.force_login(finance)
    client.get(reverse("donations:donation-list"))  # warm the session and content types
    with django_assert_num_queries(7):  # the donor filter lists no donor it was not asked for
        response = client.get(reverse("donations:donation-list"))
    assert len(response.context["page_obj"]) == rows


def test_daxing_finance_sees_no_shunyi_donation(client, finance, daxing_finance, shunyi_fund, daxing_fund):
    shunyi = make_donation(finance, shunyi_fund)
    client.force_login(daxing_finance)
    assert client.get(reverse("donations:donation-detail", args=[shunyi.pk])).status_code == 404
    assert client.get(reverse("donations:donation-receipt", args=[shunyi.pk])).status_code == 404
    assert client.get(reverse("donations:donation-list")).context["totals"]["count"] == 0


def test_a_reviewer_may_not_open_the_donation_pages(client, reviewer, shunyi_fund):
    client.force_login(reviewer)
    for name in ("donations:donation-list", "donations:donation-create", "donations:campaign-list",
                 "donations:import-upload"):
        assert client.get(reverse(name)).status_code == 403, name


# --- transition views ------------------------------------------------------

def _history_count(donation):
    return HistoryEvent.objects.filter(object_id=donation.pk, action__startswith="donation.").count()


def test_confirm_view_credits_the_fund_and_writes_one_history_row(client, finance, shunyi_fund):
    donation = make_donation(finance, shunyi_fund)
    before = _history_count(donation)
    client.force_login(finance)
    response = client.post(reverse("donations:donation-confirm", args=[donation.pk]))
    assert response.status_code == 302
    donation.refresh_from_db()
    assert donation.status == Donation.Status.CONFIRMED
    assert _history_count(donation) == before + 1
    assert LedgerEntry.objects.get(donation=donation).amount == Decimal("100.00")


def test_void_view_reverses_the_credit_and_writes_one_history_row(client, finance, shunyi_fund):
    donation = make_donation(finance, shunyi_fund, confirm=True)
    before = _history_count(donation)
    client.force_login(finance)
    client.post(reverse("donations:donation-void", args=[donation.pk]), {"reason": "录错金额"})
    donation.refresh_from_db()
    assert (donation.status, donation.void_reason) == (Donation.Status.VOIDED, "录错金额")
    assert _history_count(donation) == before + 1
    assert sum(LedgerEntry.objects.filter(fund=shunyi_fund).values_list("amount", flat=True)) == Decimal("0.00")


@pytest.mark.parametrize("name", ["donations:donation-confirm", "donations:donation-void"])
def test_transition_views_refuse_get(client, finance, shunyi_fund, name):
    donation = make_donation(finance, shunyi_fund)
    client.force_login(finance)
    assert client.get(reverse(name, args=[donation.pk])).status_code == 405
    donation.refresh_from_db()
    assert donation.status == Donation.Status.RECORDED


@pytest.mark.parametrize("name", ["donations:donation-confirm", "donations:donation-void"])
def test_transition_views_answer_404_to_an_outsider_and_403_to_a_wrong_role(client, finance, daxing_finance,
                                                                          reviewer, shunyi_fund, name):
    donation = make_donation(finance, shunyi_fund)
    client.force_login(daxing_finance)
    assert client.post(reverse(name, args=[donation.pk]), {"reason": "x"}).status_code == 404
    client.force_login(reviewer)
    assert client.post(reverse(name, args=[donation.pk]), {"reason": "x"}).status_code == 403
    donation.refresh_from_db()
    assert donation.status == Donation.Status.RECORDED
    assert _history_count(donation) == 1


def test_a_refused_transition_changes_nothing(client, finance, shunyi_fund):
    donation = make_donation(finance, shunyi_fund)
    services.donation_void(donation=donation, actor=finance, reason="错误")
    client.force_login(finance)
    before = _history_count(donation)
    response = client.post(reverse("donations:donation-confirm", args=[donation.pk]), follow=True)
    assert "voided" in response.content.decode() or response.status_code == 200
    client.post(reverse("donations:donation-void", args=[donation.pk]), {"reason": "again"})
    donation.refresh_from_db()
    assert (donation.status, donation.void_reason) == (Donation.Status.VOIDED, "错误")
    assert _history_count(donation) == before
    assert not LedgerEntry.objects.exists()


def test_void_without_a_reason_changes_nothing(client, finance, shunyi_fund):
    donation = make_donation(finance, shunyi_fund, confirm=True)
    client.force_login(finance)
    client.post(reverse("donations:donation-void", args=[donation.pk]), {"reason": ""})
    donation.refresh_from_db()
    assert donation.status == Donation.Status.CONFIRMED


# --- receipts and campaigns ------------------------------------------------

def test_the_receipt_shows_number_donor_amount_in_figures_and_capitals_date_and_fund(client, finance, shunyi_fund):
    donor = f.DonorFactory(district=shunyi_fund.district, name="顺义区医院")
    donation = make_donation(finance, shunyi_fund, donor=donor, amount=Decimal("12345.60"), confirm=True)
    client.force_login(finance)
    page = client.get(reverse("donations:donation-receipt", args=[donation.pk])).content.decode()
    for expected in ("捐赠收据", "SHUNYI-2022-000001", "顺义区医院", "12,345.60", "壹万贰仟叁佰肆拾伍元陆角整",
                     "2022年3月5日", shunyi_fund.name):
        assert expected in page, expected


def test_a_campaign_prints_all_its_receipts_but_not_the_voided_one(client, finance, shunyi_fund, shunyi_campaign):
    kept = [make_donation(finance, shunyi_fund, campaign=shunyi_campaign, confirm=True) for _ in range(3)]
    voided = make_donation(finance, shunyi_fund, campaign=shunyi_campaign)
    services.donation_void(donation=voided, actor=finance, reason="x")
    client.force_login(finance)
    response = client.get(reverse("donations:campaign-receipts", args=[shunyi_campaign.pk]))
    page = response.content.decode()
    assert page.count('data-testid="receipt"') == 3
    assert all(d.receipt_number in page for d in kept) and voided.receipt_number not in page


def test_the_campaign_page_ranks_units_and_splits_by_channel_and_month(client, finance, shunyi_fund,
                                                                       shunyi_campaign):
    school = f.DonorFactory(district=shunyi_fund.district, kind="unit", name="顺义区第一中学")
    teacher = f.DonorFactory(district=shunyi_fund.district, kind="individual", name="张老师", unit_name="顺义区医院")
    make_donation(finance, shunyi_fund, campaign=shunyi_campaign, donor=school, amount=Decimal("1000"), confirm=True)
    make_donation(finance, shunyi_fund, campaign=shunyi_campaign, donor=teacher, amount=Decimal("10"),
                  channel="qr", received_on=dt.date(2022, 4, 2), confirm=True)
    make_donation(finance, shunyi_fund, campaign=shunyi_campaign, donor=teacher, amount=Decimal("1500"),
                  channel="qr", received_on=dt.date(2022, 4, 3), confirm=True)
    gone = make_donation(finance, shunyi_fund, campaign=shunyi_campaign, amount=Decimal("99999"))
    services.donation_void(donation=gone, actor=finance, reason="x")
    client.force_login(finance)
    summary = client.get(reverse("donations:campaign-detail", args=[shunyi_campaign.pk])).context["summary"]
    assert (summary["count"], summary["total"], summary["progress"]) == (3, Decimal("2510.00"), 1)
    assert [(u["unit"], u["total"]) for u in summary["units"]] == [
        ("顺义区医院", Decimal("1510.00")), ("顺义区第一中学", Decimal("1000.00"))]
    assert {c["channel"]: c["total"] for c in summary["channels"]} == {"qr": Decimal("1510.00"),
                                                                       "bank": Decimal("1000.00")}
    assert [(m["month"].month, m["count"]) for m in summary["months"]] == [(3, 1), (4, 2)]

    export = client.get(reverse("donations:campaign-export", args=[shunyi_campaign.pk]))
    workbook = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert workbook.sheetnames == ["汇总", "单位排名", "按渠道", "按月份"]
    ranking = list(workbook["单位排名"].iter_rows(values_only=True))
    assert ranking[1] == (1, "顺义区医院", 2, 1510)
    assert workbook["汇总"]["G2"].value == 2510 and workbook["汇总"]["G2"].number_format == "#,##0.00"


def test_finance_creates_and_edits_a_campaign_and_a_donor(client, finance, shunyi_fund):
    client.force_login(finance)
    response = client.post(reverse("donations:campaign-create"), {
        "fund": shunyi_fund.pk, "name": "2022年一元捐、十元捐", "starts_on": "2022-03-01", "target": "150000"})
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("donations:campaign-detail", args=[campaign.pk])
    client.post(reverse("donations:campaign-update", args=[campaign.pk]), {
        "name": "2022年一元捐、十元捐", "starts_on": "2022-03-01", "ends_on": "2022-12-31", "target": "160000"})
    campaign.refresh_from_db()
    assert (campaign.ends_on, campaign.target) == (dt.date(2022, 12, 31), Decimal("160000.00"))
    client.post(reverse("donations:donor-create"), {"kind": "unit", "name": "空港物流有限公司"})
    donor = Donor.objects.get()
    client.post(reverse("donations:donor-update", args=[donor.pk]), {"kind": "unit", "name": "空港物流有限公司",
                                                                      "contact": "王经理"})
    donor.refresh_from_db()
    assert donor.contact == "王经理" and donor.district == shunyi_fund.district
    assert client.get(reverse("donations:donor-list")).status_code == 200
    assert client.get(reverse("donations:campaign-list")).status_code == 200


def test_daxing_finance_cannot_open_a_shunyi_campaign_or_donor(client, daxing_finance, shunyi_campaign):
    donor = f.DonorFactory(district=shunyi_campaign.fund.district)
    client.force_login(daxing_finance)
    for url in (reverse("donations:campaign-detail", args=[shunyi_campaign.pk]),
                reverse("donations:campaign-export", args=[shunyi_campaign.pk]),
                reverse("donations:campaign-receipts", args=[shunyi_campaign.pk]),
                reverse("donations:donor-update", args=[donor.pk])):
        assert client.get(url).status_code == 404, url
