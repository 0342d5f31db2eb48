"""A hand-built quarter: 顺义 and 大兴 applications, history, payouts, donations and ledger in 2022 Q1.

Every figure the tests expect can be checked by hand against this list.

顺义 (station1 = SY01, station2 = SY02), times in Beijing:
  A1 SY01 medical    submitted 2022-01-05 10:00, verified 01-20, approved 02-10, paid 12,400.00 on 02-20 (46 days)
  A2 SY01 medical    submitted 2022-02-01 09:00, verified 02-15, approved 03-01, paid 30,000.00 on 03-11 (38 days)
  A3 SY02 medical    submitted 2022-03-31 23:30 (still Q1), verified 2022-04-02 (Q2)
  A4 SY02 emergency  submitted 2022-04-01 00:10 (Q2)
  A5 SY02 medical    submitted 2022-01-10, rejected 01-25
  A6 SY01 medical    returned 01-15 and again 02-01, last submitted 2022-02-03
  A7 SY02 emergency  submitted 2022-02-20, withdrawn 02-21
  A8 SY02 emergency  submitted 2021-12-20, verified 2022-01-03, approved 01-10, paid 8,000.55 on 01-15 (26 days)
  A9 SY01 medical    submitted 2022-01-08 00:30 (07 16:30 UTC), first payout failed, reissue paid 5,000.00 on 03-31 (82 days)
大兴:
  D1 DX01 medical    submitted 2022-02-01, verified 02-10, paid 50,000.00 on 03-01
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest

from cases.models import Application
from payouts.models import Payout
from donations.models import Donation, Donor
from funds.models import LedgerEntry
from reliefdesk.history import record_event
from reports.periods import BEIJING
from tests import factories as f

S = Application.Status


def beijing(year, month, day, hour=12, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BEIJING)


def record_at(application, action: str, when: dt.datetime, *, actor=None, from_status="", to_status=""):
    """A history row written at ``when`` (the row's time is set by the database field on insert)."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        return record_event(application, actor=actor, action=action, from_status=from_status, to_status=to_status)


def make_application(*, station, fund, category, status, submitted_at, reference=None, **kwargs):
    extra = {"reference": reference} if reference else {}
    return f.ApplicationFactory(station=station, fund=fund, category=category, status=status,
                                submitted_at=submitted_at, **extra, **kwargs)


def pay(application, *, amount: str, paid_on: dt.date, status=Payout.Status.PAID, **kwargs):
    return f.PayoutFactory(application=application, amount=Decimal(amount), status=status,
                           paid_on=paid_on if status == Payout.Status.PAID else None, **kwargs)


@pytest.fixture
def emergency(db):
    return f.AidCategoryFactory(code="emergency", name="突发事件及意外灾害救助", name_en="Sudden events", sort_order=2)


@pytest.fixture
def quarter(station1, station2, daxing_station, shunyi_fund, daxing_fund, medical, emergency, reviewer):
    """The data set described at the top of this module."""
    apps = {}

    def app(key, station, category, status, submitted_at, fund=shunyi_fund):
        apps[key] = make_application(station=station, fund=fund, category=category, status=status,
                                     submitted_at=submitted_at, reference=f"T-{key}")
        return apps[key]

    a1 = app("A1", station1, medical, S.PAID, beijing(2022, 1, 5, 10))
    record_at(a1, "application.verify", beijing(2022, 1, 20))
    record_at(a1, "application.approve", beijing(2022, 2, 10))
    p1 = pay(a1, amount="12400.00", paid_on=dt.date(2022, 2, 20))

    a2 = app("A2", station1, medical, S.PAID, beijing(2022, 2, 1, 9))
    record_at(a2, "application.verify", beijing(2022, 2, 15))
    record_at(a2, "application.approve", beijing(2022, 3, 1))
    p2 = pay(a2, amount="30000.00", paid_on=dt.date(2022, 3, 11))

    a3 = app("A3", station2, medical, S.VERIFIED, beijing(2022, 3, 31, 23, 30))
    record_at(a3, "application.verify", beijing(2022, 4, 2))

    app("A4", station2, emergency, S.SUBMITTED, beijing(2022, 4, 1, 0, 10))

    a5 = app("A5", station2, medical, S.REJECTED, beijing(2022, 1, 10))
    record_at(a5, "application.reject", beijing(2022, 1, 25))

    a6 = app("A6", station1, medical, S.SUBMITTED, beijing(2022, 2, 3))
    record_at(a6, "application.return", beijing(2022, 1, 15))
    record_at(a6, "application.return", beijing(2022, 2, 1))

    a7 = app("A7", station2, emergency, S.WITHDRAWN, beijing(2022, 2, 20))
    record_at(a7, "application.withdraw", beijing(2022, 2, 21))

    a8 = app("A8", station2, emergency, S.PAID, beijing(2021, 12, 20))
    record_at(a8, "application.verify", beijing(2022, 1, 3))
    record_at(a8, "application.approve", beijing(2022, 1, 10))
    p8 = pay(a8, amount="8000.55", paid_on=dt.date(2022, 1, 15))

    a9 = app("A9", station1, medical, S.PAID, beijing(2022, 1, 8, 0, 30))
    failed = pay(a9, amount="5000.00", paid_on=None, status=Payout.Status.FAILED, failure_reason="卡号错误")
    p9 = pay(a9, amount="5000.00", paid_on=dt.date(2022, 3, 31), reissue_of=failed, batch=failed.batch)

    d1 = app("D1", daxing_station, medical, S.PAID, beijing(2022, 2, 1), fund=daxing_fund)
    record_at(d1, "application.verify", beijing(2022, 2, 10))
    pay(d1, amount="50000.00", paid_on=dt.date(2022, 3, 1))

    # Donations to the 顺义 fund.
    campaign = f.CampaignFactory(fund=shunyi_fund, name="一元捐、十元捐 2022")
    unit = f.DonorFactory(kind=Donor.Kind.UNIT, name="爱心单位甲", district=shunyi_fund.district)
    person = f.DonorFactory(kind=Donor.Kind.INDIVIDUAL, name="张三", unit_name="顺义区医院",
                            district=shunyi_fund.district)
    confirmed = Donation.Status.CONFIRMED
    donations = [
        f.DonationFactory(fund=shunyi_fund, campaign=campaign, donor=unit, amount=Decimal("100.00"),
                          received_on=dt.date(2022, 3, 5), status=confirmed),
        f.DonationFactory(fund=shunyi_fund, campaign=campaign, donor=person, amount=Decimal("250.50"),
                          received_on=dt.date(2022, 3, 31), status=confirmed),
        f.DonationFactory(fund=shunyi_fund, campaign=None, donor=None, amount=Decimal("1000.00"),
                          received_on=dt.date(2022, 1, 1), status=confirmed),
        # Not counted: only recorded, voided, or received in Q2.
        f.DonationFactory(fund=shunyi_fund, campaign=campaign, donor=unit, amount=Decimal("999.00"),
                          received_on=dt.date(2022, 3, 6)),
        f.DonationFactory(fund=shunyi_fund, campaign=campaign, donor=unit, amount=Decimal("500.00"),
                          received_on=dt.date(2022, 3, 7), status=Donation.Status.VOIDED, void_reason="重复"),
        f.DonationFactory(fund=shunyi_fund, campaign=campaign, donor=unit, amount=Decimal("77.00"),
                          received_on=dt.date(2022, 4, 1), status=confirmed),
    ]
    f.DonationFactory(fund=daxing_fund, donor=None, amount=Decimal("3000.00"), received_on=dt.date(2022, 2, 2),
                      status=confirmed)

    # The 顺义 ledger: opening balance, the confirmed donations' credits (the factory), the four payouts, and an
    # entry after the quarter.
    f.LedgerEntryFactory(fund=shunyi_fund, amount=Decimal("1000000.00"), booked_on=dt.date(2021, 12, 1))
    # The four 顺义 payouts (p1, p2, p8, p9) were debited on their paid date when they were paid (the factory).
    assert {p.ledger_entry.booked_on for p in (p1, p2, p8, p9)} == {p.paid_on for p in (p1, p2, p8, p9)}
    f.LedgerEntryFactory(fund=shunyi_fund, kind=LedgerEntry.Kind.ADJUSTMENT, amount=Decimal("-1.00"),
                         booked_on=dt.date(2022, 4, 2), description="手续费", reason="银行手续费")
    f.LedgerEntryFactory(fund=daxing_fund, amount=Decimal("500000.00"), booked_on=dt.date(2022, 1, 1))
    return apps
