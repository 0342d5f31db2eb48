"""Finance pages and the transition views of payouts and sheets."""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.models import Application
from payouts.models import Payout, PayoutSheet
from payouts import services
from funds.models import LedgerEntry
from reliefdesk.history import history_for
from tests import factories as f

PAID_ON = dt.date(2022, 4, 8)


@pytest.fixture
def payouts(shunyi_fund, station1):
    return f.make_payouts(3, fund=shunyi_fund, station=station1,
                          amounts=[Decimal("12400.00"), Decimal("30000.00"), Decimal("7500.50")])


@pytest.fixture
def sheet(finance, shunyi_fund, payouts):
    return services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)


@pytest.fixture
def exported(finance, sheet):
    os.unlink(services.payout_sheet_export(sheet=sheet, actor=finance).path)
    sheet.refresh_from_db()
    return sheet


def test_finance_home_shows_balance_committed_and_available_of_his_fund(client, finance, shunyi_fund, payouts,
                                                                         daxing_fund):
    f.LedgerEntryFactory(fund=shunyi_fund, amount=Decimal("223100.00"))
    client.force_login(finance)

    response = client.get(reverse("payouts:finance-home"))

    assert response.status_code == 200
    (summary,) = response.context["funds"]
    assert summary.fund == shunyi_fund
    assert (summary.balance, summary.committed, summary.available) == (
        Decimal("223100.00"), Decimal("49900.50"), Decimal("173199.50"))
    assert summary.pending_count == 3
    html = response.content.decode()
    assert "223,100.00" in html and "49,900.50" in html and "173,199.50" in html
    assert daxing_fund.name not in html


def test_finance_lands_on_his_start_page(client, finance):
    client.force_login(finance)
    assert client.get(reverse("home"))["Location"] == reverse("payouts:finance-home")


def test_the_failed_payouts_to_reissue_are_on_the_start_page(client, finance, exported, payouts):
    services.payout_mark_failed(payouts=payouts[:1], actor=finance, reason="卡号错误")
    client.force_login(finance)
    response = client.get(reverse("payouts:finance-home"))
    assert [p.pk for p in response.context["to_reissue"]] == [payouts[0].pk]


def _list_query_count(client, django_assert_max_num_queries, expected_rows):
    with django_assert_max_num_queries(12) as captured:
        response = client.get(reverse("payouts:payout-list"))
    assert response.status_code == 200
    assert len(response.context["payouts"]) == expected_rows
    return len(captured.captured_queries)


def test_the_payout_list_needs_the_same_queries_for_2_and_20_rows(client, finance, shunyi_fund, station1,
                                                                   django_assert_max_num_queries):
    batch = f.BatchFactory(fund=shunyi_fund, status="approved")
    two = f.make_payouts(2, fund=shunyi_fund, station=station1, batch=batch)
    services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=two[:1])
    client.force_login(finance)
    with_two = _list_query_count(client, django_assert_max_num_queries, 2)
    f.make_payouts(18, fund=shunyi_fund, station=station1, batch=batch)
    with_twenty = _list_query_count(client, django_assert_max_num_queries, 20)
    assert with_two == with_twenty


def test_the_payout_list_masks_id_numbers_and_filters_by_status(client, finance, sheet, payouts, shunyi_fund,
                                                                 station1):
    (pending,) = f.make_payouts(1, fund=shunyi_fund, station=station1)
    client.force_login(finance)

    response = client.get(reverse("payouts:payout-list"), {"status": "pending"})

    assert [p.pk for p in response.context["payouts"]] == [pending.pk]
    html = response.content.decode()
    assert pending.payee_id_number not in html
    assert pending.payee_id_number[-4:] in html
    assert client.get(reverse("payouts:payout-list"), {"q": payouts[0].application.reference}).context[
        "payouts"][0].pk == payouts[0].pk


def test_other_districts_payouts_are_not_listed(client, daxing_finance, payouts):
    client.force_login(daxing_finance)
    assert list(client.get(reverse("payouts:payout-list")).context["payouts"]) == []


def test_a_liaison_gets_403_on_the_finance_pages(client, liaison1):
    client.force_login(liaison1)
    for name in ("payouts:finance-home", "payouts:payout-list", "payouts:sheet-list"):
        assert client.get(reverse(name)).status_code == 403


def test_finance_creates_a_sheet_from_the_ticked_payouts(client, finance, payouts):
    client.force_login(finance)

    response = client.post(reverse("payouts:sheet-create"), {"payouts": [p.pk for p in payouts[:2]]})

    sheet = PayoutSheet.objects.get()
    assert response["Location"] == reverse("payouts:sheet-detail", args=[sheet.pk])
    assert (sheet.row_count, sheet.total) == (2, Decimal("42400.00"))
    assert len(history_for(sheet)) == 1
    assert [len(history_for(p)) for p in payouts] == [1, 1, 0]


def test_creating_a_sheet_with_a_payout_already_in_one_changes_nothing(client, finance, sheet, payouts, shunyi_fund,
                                                                        station1):
    (pending,) = f.make_payouts(1, fund=shunyi_fund, station=station1)
    client.force_login(finance)

    response = client.post(reverse("payouts:sheet-create"), {"payouts": [payouts[0].pk, pending.pk]})

    assert response.status_code == 302
    assert PayoutSheet.objects.count() == 1
    assert Payout.objects.get(pk=pending.pk).status == Payout.Status.PENDING


@pytest.mark.parametrize("name", ["payouts:sheet-create", "payouts:payouts-mark-paid", "payouts:payouts-mark-failed"])
def test_the_payout_actions_refuse_get(client, finance, name):
    client.force_login(finance)
    assert client.get(reverse(name)).status_code == 405


@pytest.mark.parametrize("name", ["payouts:sheet-export", "payouts:sheet-cancel", "payouts:payout-reissue"])
def test_the_sheet_and_reissue_actions_refuse_get(client, finance, sheet, payouts, name):
    client.force_login(finance)
    pk = payouts[0].pk if name == "payouts:payout-reissue" else sheet.pk
    assert client.get(reverse(name, args=[pk])).status_code == 405


def test_a_reviewer_gets_403_on_every_payout_action(client, reviewer, sheet, payouts):
    client.force_login(reviewer)
    ids = {"payouts": [payouts[0].pk]}
    assert client.post(reverse("payouts:sheet-create"), ids).status_code == 403
    assert client.post(reverse("payouts:payouts-mark-paid"), ids).status_code == 403
    assert client.post(reverse("payouts:payouts-mark-failed"), ids).status_code == 403
    assert client.post(reverse("payouts:sheet-cancel", args=[sheet.pk]), {"reason": "x"}).status_code == 403
    assert client.post(reverse("payouts:payout-reissue", args=[payouts[0].pk])).status_code == 403
    assert PayoutSheet.objects.get(pk=sheet.pk).status == PayoutSheet.Status.DRAFT


def test_daxing_finance_gets_404_on_shunyi_sheets_and_payouts(client, daxing_finance, sheet, payouts):
    client.force_login(daxing_finance)
    assert client.post(reverse("payouts:sheet-cancel", args=[sheet.pk]), {"reason": "x"}).status_code == 404
    assert client.get(reverse("payouts:payout-detail", args=[payouts[0].pk])).status_code == 404
    assert client.post(reverse("payouts:payout-reissue", args=[payouts[0].pk])).status_code == 404
    client.post(reverse("payouts:payouts-mark-failed"), {"payouts": [payouts[0].pk], "reason": "x"})
    assert Payout.objects.get(pk=payouts[0].pk).status == Payout.Status.IN_SHEET


def test_marking_ticked_payouts_paid_writes_one_history_row_each_and_one_debit(client, finance, exported, payouts):
    client.force_login(finance)

    response = client.post(reverse("payouts:payouts-mark-paid"), {
        "payouts": [payouts[0].pk], "paid_on": PAID_ON.isoformat(), "bank_reference": "BK-77",
        "next": reverse("payouts:sheet-detail", args=[exported.pk]),
    })

    assert response["Location"] == reverse("payouts:sheet-detail", args=[exported.pk])
    payout = Payout.objects.get(pk=payouts[0].pk)
    assert (payout.status, payout.bank_reference, payout.paid_on) == (Payout.Status.PAID, "BK-77", PAID_ON)
    assert [e.action for e in history_for(payout)] == ["payout.put_in_sheet", "payout.paid"]
    assert [e.action for e in history_for(payout.application)] == ["application.paid"]
    assert LedgerEntry.objects.get(payout=payout).amount == Decimal("-12400.00")


def test_marking_failed_needs_a_reason_and_otherwise_changes_nothing(client, finance, exported, payouts):
    client.force_login(finance)
    client.post(reverse("payouts:payouts-mark-failed"), {"payouts": [payouts[0].pk], "reason": ""})
    assert Payout.objects.get(pk=payouts[0].pk).status == Payout.Status.IN_SHEET

    client.post(reverse("payouts:payouts-mark-failed"), {"payouts": [payouts[0].pk], "reason": "户名不符"})
    payout = Payout.objects.get(pk=payouts[0].pk)
    assert (payout.status, payout.failure_reason) == (Payout.Status.FAILED, "户名不符")
    assert [e.action for e in history_for(payout.application)] == ["application.payment_failed"]


def test_cancelling_a_sheet_from_its_page(client, finance, sheet, payouts):
    client.force_login(finance)

    response = client.post(reverse("payouts:sheet-cancel", args=[sheet.pk]), {"reason": "选错了"})

    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == PayoutSheet.Status.CANCELLED
    assert [e.action for e in history_for(sheet)] == ["payout_sheet.created", "payout_sheet.cancelled"]
    assert set(Payout.objects.values_list("status", flat=True)) == {Payout.Status.PENDING}


def test_a_refused_cancel_changes_nothing(client, finance, exported, payouts):
    services.payout_mark_paid(payouts=payouts[:1], actor=finance, paid_on=PAID_ON, bank_reference="B")
    client.force_login(finance)
    client.post(reverse("payouts:sheet-cancel", args=[exported.pk]), {"reason": "选错了"})
    assert PayoutSheet.objects.get(pk=exported.pk).status == PayoutSheet.Status.EXPORTED
    assert Payout.objects.get(pk=payouts[1].pk).status == Payout.Status.IN_SHEET


def test_reissuing_a_failed_payout_from_its_page(client, finance, exported, payouts):
    services.payout_mark_failed(payouts=payouts[:1], actor=finance, reason="账户已销户")
    card = f.luhn_complete("621700000000000003")
    client.force_login(finance)
    page = client.get(reverse("payouts:payout-detail", args=[payouts[0].pk]))
    assert "Reissue" in page.content.decode() or "reissue" in page.content.decode()

    response = client.post(reverse("payouts:payout-reissue", args=[payouts[0].pk]),
                           {"card_number": card, "bank_name": "中国建设银行"})

    new = Payout.objects.get(reissue_of=payouts[0])
    assert response["Location"] == reverse("payouts:payout-detail", args=[new.pk])
    assert (new.card_number, new.status) == (card, Payout.Status.PENDING)
    assert Application.objects.get(pk=new.application_id).status == Application.Status.APPROVED
    assert len(history_for(new)) == 1


def test_a_mistyped_card_is_shown_next_to_the_field_and_nothing_is_reissued(client, finance, exported, payouts):
    services.payout_mark_failed(payouts=payouts[:1], actor=finance, reason="账户已销户")
    client.force_login(finance)

    response = client.post(reverse("payouts:payout-reissue", args=[payouts[0].pk]),
                           {"card_number": "6217000000000000031", "bank_name": "中国建设银行"})

    assert response.status_code == 400
    assert response.context["reissue_form"].errors["card_number"]
    assert not Payout.objects.filter(reissue_of=payouts[0]).exists()


def test_a_payout_that_did_not_fail_cannot_be_reissued(client, finance, exported, payouts):
    client.force_login(finance)
    response = client.post(reverse("payouts:payout-reissue", args=[payouts[0].pk]),
                           {"card_number": f.luhn_complete("621700000000000003"), "bank_name": "中国建设银行"})
    assert response.status_code == 400
    assert Payout.objects.count() == 3


def test_the_sheet_page_shows_lines_totals_and_the_export_log(client, finance, exported, payouts):
    services.payout_mark_paid(payouts=payouts[:1], actor=finance, paid_on=PAID_ON, bank_reference="B")
    client.force_login(finance)

    response = client.get(reverse("payouts:sheet-detail", args=[exported.pk]))

    totals = response.context["totals"]
    assert (totals["rows"], totals["total"], totals["paid_rows"], totals["paid_total"], totals["open_rows"]) == (
        3, Decimal("49900.50"), 1, Decimal("12400.00"), 2)
    assert len(response.context["exports"]) == 1
    assert "49,900.50" in response.content.decode()


def _sheet_page(client, sheet, django_assert_max_num_queries, **params):
    with django_assert_max_num_queries(25) as captured:
        response = client.get(reverse("payouts:sheet-detail", args=[sheet.pk]), params)
    assert response.status_code == 200
    return response, len(captured.captured_queries)


def test_the_sheet_page_shows_fifty_lines_a_page_with_the_totals_of_all_at_a_fixed_query_cost(
        client, finance, shunyi_fund, station1, django_assert_max_num_queries):
    small = services.payout_sheet_create(actor=finance, fund=shunyi_fund,
                                         payouts=f.make_payouts(3, fund=shunyi_fund, station=station1))
    big = services.payout_sheet_create(actor=finance, fund=shunyi_fund,
                                       payouts=f.make_payouts(60, fund=shunyi_fund, station=station1))
    client.force_login(finance)

    _, small_queries = _sheet_page(client, small, django_assert_max_num_queries)
    first, big_queries = _sheet_page(client, big, django_assert_max_num_queries)
    second, _ = _sheet_page(client, big, django_assert_max_num_queries, page=2)

    assert big_queries == small_queries
    assert [line.position for line in first.context["lines"]] == list(range(1, 51))
    assert [line.position for line in second.context["lines"]] == list(range(51, 61))
    assert first.content.decode().count("<tr data-reference=") == 50
    for response in (first, second):
        assert (response.context["totals"]["rows"], response.context["totals"]["total"]) == (60, Decimal("744000.00"))
        assert "744,000.00" in response.content.decode()
    assert "?page=2" in first.content.decode()
