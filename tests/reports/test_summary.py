"""The Chinese summary sentence and the period names it uses."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cases.models import Application
from reports import selectors
from reports.periods import Period
from tests.reports.conftest import beijing, make_application, pay, record_at


@pytest.mark.parametrize(("period", "name"), [
    (Period.quarter(2022, 1), "2022年第一季度"),
    (Period.quarter(2022, 4), "2022年第四季度"),
    (Period.month(2022, 3), "2022年3月"),
    (Period.year(2022), "2022年"),
    (Period.custom(dt.date(2022, 1, 1), dt.date(2022, 2, 15)), "2022年1月1日至2022年2月15日"),
])
def test_periods_are_named_as_chinese_reports_name_them(period, name):
    assert period.name_zh == name


def test_quarter_boundaries_are_midnight_beijing_time():
    q1 = Period.quarter(2022, 1)
    assert (q1.start, q1.end) == (dt.date(2022, 1, 1), dt.date(2022, 3, 31))
    assert q1.start_at.isoformat() == "2022-01-01T00:00:00+08:00"
    assert q1.end_before.isoformat() == "2022-04-01T00:00:00+08:00"
    assert Period.month(2024, 2).end == dt.date(2024, 2, 29)
    assert Period.month(2022, 12).end == dt.date(2022, 12, 31)


@pytest.mark.parametrize(("amount", "wan"), [
    ("223100.00", "22.31"),
    ("200000.00", "20"),
    ("223150.00", "22.32"),
    ("12917900.00", "1291.79"),
    ("50000.00", "5"),
    ("1234.50", "0.12"),
    ("0.00", "0"),
])
def test_amounts_are_written_in_wan_with_at_most_two_decimals(amount, wan):
    assert selectors.amount_in_wan(Decimal(amount)) == wan


def test_the_summary_sentence_has_the_form_of_the_seeds():
    sentence = selectors.summary_sentence(Period.quarter(2022, 1), received=43, eligible=31,
                                          paid_amount=Decimal("223100.00"))
    assert sentence == "2022年第一季度，累计收到申报材料43份，经核实符合救助标准31人，已累计支付帮扶金22.31万元"


@pytest.mark.django_db
def test_shunyis_first_quarter_of_2022_reads_as_in_the_newspaper(station1, station2, shunyi_fund, medical,
                                                                   reviewer):
    """43 applications, 31 verified, 223,100.00 yuan paid (30 × 7,000 + 13,100)."""
    stations = [station1, station2]
    for n in range(43):
        application = make_application(station=stations[n % 2], fund=shunyi_fund, category=medical,
                                       status=Application.Status.SUBMITTED,
                                       submitted_at=beijing(2022, 1 + n % 3, 1 + n % 28, 9))
        if n < 31:
            record_at(application, "application.verify", beijing(2022, 3, 29))
            pay(application, amount="13100.00" if n == 0 else "7000.00", paid_on=dt.date(2022, 3, 31))
    # Outside the quarter: neither counted nor paid in it.
    late = make_application(station=station1, fund=shunyi_fund, category=medical,
                            status=Application.Status.SUBMITTED, submitted_at=beijing(2022, 4, 1, 0, 5))
    record_at(late, "application.verify", beijing(2022, 4, 1, 0, 6))

    report = selectors.dashboard(reviewer, Period.quarter(2022, 1))
    assert report.summary == "2022年第一季度，累计收到申报材料43份，经核实符合救助标准31人，已累计支付帮扶金22.31万元"
    assert report.overview["paid_amount"] == Decimal("223100.00")


@pytest.mark.django_db
def test_a_liaisons_summary_counts_his_station_only(quarter, liaison1):
    report = selectors.dashboard(liaison1, Period.quarter(2022, 1))
    assert report.summary == "2022年第一季度，累计收到申报材料4份，经核实符合救助标准2人，已累计支付帮扶金4.74万元"
