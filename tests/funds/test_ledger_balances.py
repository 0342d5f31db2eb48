"""The ledger as a clerk ticks it against the bank statement: opening, running and closing balance, foot totals.

The fund below, in booking order, with the balance after each entry worked
out by hand:

    2022-01-01  opening balance            +800,000.00   800,000.00
    2022-02-10  adjustment (interest)        +1,000.00   801,000.00
    2022-03-01  adjustment (bank charges)      -250.50   800,749.50
    2022-03-05  donation SHUNYI-2022-000001    +500.00   801,249.50
    2022-03-10  payout                      -12,400.00   788,849.50
    2022-04-02  adjustment (rounding)            +0.01   788,849.51
    today       reversal of the interest     -1,000.00   787,849.51
    today       the donation voided            -500.00   787,349.51
"""
from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from payouts.models import Payout
from donations import services as donation_services
from funds import ledger
from funds.models import LedgerEntry
from funds.selectors import ledger_of, ledger_period, running_balances
from tests import factories as f

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def books(shunyi_fund, finance, admin_user, station1):
    """The entries of the module docstring, by name."""
    entries = {"opening": ledger.ledger_post_opening_balance(fund=shunyi_fund, amount=D("800000"), actor=admin_user,
                                                      booked_on=dt.date(2022, 1, 1))}
    entries["interest"] = ledger.ledger_post_adjustment(fund=shunyi_fund, amount=D("1000"), reason="利息", actor=finance,
                                                 booked_on=dt.date(2022, 2, 10))
    donation = donation_services.donation_record(
        actor=finance, fund=shunyi_fund, campaign=None, donor=None, amount=D("500"),
        received_on=dt.date(2022, 3, 5), channel="bank", confirm=True)
    entries["donation"] = LedgerEntry.objects.get(donation=donation, kind="donation")
    entries["charges"] = ledger.ledger_post_adjustment(fund=shunyi_fund, amount=D("-250.50"), reason="银行手续费",
                                                actor=finance, booked_on=dt.date(2022, 3, 1))
    application = f.ApplicationFactory(fund=shunyi_fund, station=station1, status="paid", awarded_amount=D("12400"))
    # A paid payout with its debit on its paid date (the factory books it, as recording the payment does).
    payout = f.PayoutFactory(application=application, status=Payout.Status.PAID, paid_on=dt.date(2022, 3, 10))
    entries["payout"] = payout.ledger_entry
    entries["rounding"] = ledger.ledger_post_adjustment(fund=shunyi_fund, amount=D("0.01"), reason="尾差", actor=finance,
                                                 booked_on=dt.date(2022, 4, 2))
    entries["reversal"] = ledger.ledger_reverse_entry(entry=entries["interest"], actor=finance, reason="利息录错")
    donation_services.donation_void(donation=donation, actor=finance, reason="银行退回")
    entries["void"] = LedgerEntry.objects.get(voided_donation=donation, kind="donation_void")
    return entries


BALANCE_AFTER = {
    "opening": D("800000.00"), "interest": D("801000.00"), "charges": D("800749.50"), "donation": D("801249.50"),
    "payout": D("788849.50"), "rounding": D("788849.51"), "reversal": D("787849.51"), "void": D("787349.51"),
}


def fund_url(name, fund):
    return reverse(f"funds:{name}", args=[fund.slug])


def test_the_running_balance_after_every_entry_is_the_hand_computed_one(books, shunyi_fund):
    balances = running_balances(shunyi_fund, list(ledger_of(fund=shunyi_fund)))
    assert {name: balances[entry.pk] for name, entry in books.items()} == BALANCE_AFTER


def test_a_period_has_its_opening_and_closing_balance_and_the_totals_of_its_rows(books, shunyi_fund):
    rows = ledger_of(fund=shunyi_fund).filter(booked_on__range=(dt.date(2022, 2, 1), dt.date(2022, 3, 31)))
    period = ledger_period(shunyi_fund, rows, date_from=dt.date(2022, 2, 1), date_to=dt.date(2022, 3, 31))
    assert (period.opening, period.credits, period.debits, period.closing, period.count) == (
        D("800000.00"), D("1500.00"), D("-12650.50"), D("788849.50"), 4)
    assert period.opening + period.credits + period.debits == period.closing
    assert not period.filtered


def test_the_fund_page_shows_opening_running_and_closing_balance_for_the_filtered_period(client, finance, books,
                                                                                       shunyi_fund):
    client.force_login(finance)
    response = client.get(fund_url("fund-detail", shunyi_fund), {"booked_from": "2022-04-01"})
    page = response.content.decode()
    figures = {name: re.search(rf'data-testid="{name}"[^>]*>([^<]*)<', page).group(1)
               for name in ("opening-balance", "period-credits", "period-debits", "closing-balance")}
    assert figures == {"opening-balance": "788,849.50", "period-credits": "0.01", "period-debits": "-1,500.00",
                       "closing-balance": "787,349.51"}
    # Newest first, as the page lists them: the two reversals of today (the later one first), then the rounding.
    assert re.findall(r'data-testid="running-balance"[^>]*>([^<]*)<', page) == [
        "787,349.51", "787,849.51", "788,849.51"]
    foot = re.search(r"<tfoot>(.*?)</tfoot>", page, re.S).group(1)
    assert "0.01" in foot and "-1,500.00" in foot


def test_a_kind_filter_keeps_the_fund_balances_and_totals_only_the_rows_shown(client, finance, books, shunyi_fund):
    client.force_login(finance)
    response = client.get(fund_url("fund-detail", shunyi_fund), {"kind": "adjustment"})
    period = response.context["period"]
    assert (period.opening, period.credits, period.debits, period.closing, period.count) == (
        D("0.00"), D("1000.01"), D("-250.50"), D("787349.51"), 3)
    assert period.filtered
    page = response.content.decode()
    assert re.findall(r'data-testid="running-balance"[^>]*>([^<]*)<', page) == [
        "788,849.51", "800,749.50", "801,000.00"]
    assert "只计所列分录" in page


def test_the_export_carries_the_running_balance_in_booking_order_and_the_period_figures(client, finance, books,
                                                                                       shunyi_fund):
    client.force_login(finance)
    response = client.get(fund_url("ledger-export", shunyi_fund),
                          {"booked_from": "2022-02-01", "booked_to": "2022-03-31"})
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook["台账"].iter_rows(values_only=True))
    assert rows[0][:4] == ("日期", "类别", "金额(元)", "余额(元)")
    assert [(row[0].date(), row[2], row[3]) for row in rows[1:]] == [
        (dt.date(2022, 2, 10), 1000, 801000),
        (dt.date(2022, 3, 1), -250.5, 800749.5),
        (dt.date(2022, 3, 5), 500, 801249.5),
        (dt.date(2022, 3, 10), -12400, 788849.5),
    ]
    assert workbook["台账"]["D2"].number_format == "#,##0.00"
    header, values = list(workbook["汇总"].iter_rows(values_only=True))
    summary = dict(zip(header, values))
    assert summary["起始日期"].date() == dt.date(2022, 2, 1) and summary["截止日期"].date() == dt.date(2022, 3, 31)
    assert (summary["期初余额(元)"], summary["收入合计(元)"], summary["支出合计(元)"], summary["期末余额(元)"],
            summary["笔数"]) == (800000, 1500, -12650.5, 788849.5, 4)


def test_an_empty_ledger_has_zero_balances(client, finance, shunyi_fund):
    client.force_login(finance)
    period = client.get(fund_url("fund-detail", shunyi_fund)).context["period"]
    assert (period.opening, period.credits, period.debits, period.closing, period.count) == (
        D("0.00"), D("0.00"), D("0.00"), D("0.00"), 0)
    assert running_balances(shunyi_fund, []) == {}


def test_the_reversals_of_today_are_in_a_period_that_ends_today(books, shunyi_fund):
    today = timezone.localdate()
    rows = ledger_of(fund=shunyi_fund).filter(booked_on=today)
    period = ledger_period(shunyi_fund, rows, date_from=today, date_to=today)
    assert (period.opening, period.debits, period.closing) == (D("788849.51"), D("-1500.00"), D("787349.51"))
