"""The daily summaries the reports read, held against direct counts of the records after a mixed run.

The run goes through the services (take, return, reject, verify, reopen, batch, notice, objection,
approval, payout sheet, paid, failed, reissue, donation void) at set times, and through plain writes
the triggers must follow as well (an older history code, an event written out of order, a case moved
to another station and category, a resubmission, a bulk change of paid dates). Each figure of the
dashboard, for several periods and users, is then counted again straight from applications, history
and payouts, as the reports counted before the summaries existed.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Case, CharField, Count, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce, NullIf

from cases.models import Application, ApplicationDailyFigure
from cases.selectors.intake import applications_visible_to
from cases.services import batches, review
from donations.models import Donation, Donor
from donations.selectors import donations_visible_to
from donations.services import donation_confirm_many, donation_void
from funds.models import LedgerDailyFigure, LedgerEntry
from payouts import services as payout_services
from payouts.models import Payout, PayoutDailyFigure
from payouts.selectors import payouts_visible_to
from reliefdesk.history import action_codes
from reliefdesk.models import HistoryEvent
from reports import selectors
from reports.periods import Period
from tests import factories as f
from tests.reports.conftest import beijing, record_at

pytestmark = pytest.mark.django_db

S = Application.Status
FIGURES = ("received", *selectors.EVENT_ACTIONS)
PERIODS = [
    Period.month(2022, 1), Period.month(2022, 2), Period.month(2022, 3), Period.quarter(2022, 1),
    Period.quarter(2022, 2), Period.year(2022), Period.custom(dt.date(2022, 1, 10), dt.date(2022, 2, 20)),
    Period.custom(dt.date(2022, 3, 2), dt.date(2022, 3, 16)), Period.custom(dt.date(2021, 12, 15), dt.date(2022, 1, 9)),
]


@contextlib.contextmanager
def clock(when: dt.datetime):
    """Every ``timezone.now()`` (history rows, submissions, verifications, batches) reads ``when``."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def direct_figures(user, period: Period, fund=None) -> dict:
    """Overview, by category and by station, counted from the records as the reports did before."""
    applications = applications_visible_to(user=user)
    payouts = payouts_visible_to(user=user).filter(status=Payout.Status.PAID, paid_on__gte=period.start,
                                                    paid_on__lte=period.end)
    if fund:
        applications, payouts = applications.filter(fund=fund), payouts.filter(fund=fund)
    counts = {"received": Count("id", filter=Q(submitted_at__gte=period.start_at,
                                               submitted_at__lt=period.end_before))}
    for figure, action in selectors.EVENT_ACTIONS.items():
        ids = HistoryEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Application), action__in=action_codes(action),
            created_at__gte=period.start_at, created_at__lt=period.end_before).values("object_id")
        counts[figure] = Count("id", filter=Q(id__in=ids))
    paid = {"paid_count": Count("id"), "paid_amount": Sum("amount")}

    def table(app_key: str, payout_key: str) -> dict:
        rows: dict = {}
        for row in applications.values(app_key).annotate(**counts).order_by():
            rows[row[app_key]] = {name: row[name] for name in FIGURES} | {"paid_count": 0,
                                                                            "paid_amount": Decimal("0.00")}
        for row in payouts.values(payout_key).annotate(**paid).order_by():
            target = rows.setdefault(row[payout_key], {name: 0 for name in FIGURES})
            target.update(paid_count=row["paid_count"], paid_amount=row["paid_amount"])
        return {key: value for key, value in rows.items()
                if any(value[name] for name in FIGURES) or value["paid_count"]}

    overview = applications.aggregate(**counts) | payouts.aggregate(**paid)
    overview["paid_amount"] = overview["paid_amount"] or Decimal("0.00")
    days = [p.paid_on - p.application.submitted_at.astimezone(beijing(2022, 1, 1).tzinfo).date()
            for p in payouts.select_related("application")]
    with connection.cursor() as cursor:
        cursor.execute("SELECT round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d)::numeric, 1), "
                       "round(percentile_cont(0.9) WITHIN GROUP (ORDER BY d)::numeric, 1) "
                       "FROM unnest(%s::int[]) AS d", [[d.days for d in days]])
        overview["median_days"], overview["p90_days"] = cursor.fetchone()
    return {"overview": overview, "by_category": table("category_id", "aid_category_id"),
            "by_station": table("station_id", "station_id")}


def direct_donations(user, period: Period, fund=None) -> dict:
    """Totals, by campaign and by unit, counted from the confirmed donations as the reports did before."""
    donations = donations_visible_to(user=user).filter(status=Donation.Status.CONFIRMED, received_on__gte=period.start,
                                                       received_on__lte=period.end)
    if fund:
        donations = donations.filter(fund=fund)
    sums = {"count": Count("id"), "amount": Coalesce(Sum("amount"), Decimal("0.00"))}
    unit = Case(When(Q(donor__isnull=True) | Q(donor__kind=Donor.Kind.ANONYMOUS), then=Value(None)),
                default=Coalesce(NullIf(F("donor__unit_name"), Value("")), F("donor__name")), output_field=CharField())
    return {
        "totals": donations.aggregate(**sums),
        "by_campaign": [(r["campaign_id"], r["count"], r["amount"])
                        for r in donations.values("campaign_id").annotate(**sums).order_by("-amount", "campaign_id")],
        "by_unit": [(r["unit"] or "匿名", r["count"], r["amount"])
                    for r in donations.annotate(unit=unit).values("unit").annotate(**sums).order_by("-amount", "unit")],
    }


def summary_donations(user, period: Period, fund=None) -> dict:
    return {
        "totals": selectors.donation_totals(user, period, fund=fund),
        "by_campaign": [(r["campaign_id"], r["count"], r["amount"])
                        for r in sorted(selectors.donations_by_campaign(user, period, fund=fund),
                                        key=lambda r: (-r["amount"], r["campaign_id"] or 0))],
        "by_unit": [(r["unit"], r["count"], r["amount"]) for r in selectors.donations_by_unit(user, period, fund=fund)],
    }


def summary_figures(user, period: Period, fund=None) -> dict:
    figures = selectors.ReportFigures(user, period, fund=fund)
    keep = (*FIGURES, "paid_count", "paid_amount")
    overview = {key: figures.overview[key] for key in (*keep, "median_days", "p90_days")}
    return {"overview": overview,
            "by_category": {r["category_id"]: {k: r[k] for k in keep} for r in figures.categories},
            "by_station": {r["station_id"]: {k: r[k] for k in keep} for r in figures.stations}}


@pytest.fixture
def emergency(db):
    return f.AidCategoryFactory(code="emergency", name="突发事件及意外灾害救助", name_en="Sudden events", sort_order=2)


@pytest.fixture
def mixed_run(station1, station2, daxing_station, shunyi_rules, daxing_fund, emergency, reviewer, approver,
              finance, shunyi_fund):
    fund, medical = shunyi_rules.fund, shunyi_rules.category
    f.LedgerEntryFactory(fund=fund, amount=Decimal("1000000.00"), booked_on=dt.date(2021, 12, 1))

    def case(station, submitted, status=S.IN_REVIEW, category=medical, amount="12400.00", **kwargs):
        return f.reviewed_application(station=station, fund=kwargs.pop("fund", fund), category=category,
                                      estimate_rule_set=shunyi_rules, proposed_amount=Decimal(amount),
                                      status=status, submitted_at=submitted, **kwargs)

    # Returned twice in one quarter, then verified, reopened and verified again.
    c1 = case(station1, beijing(2022, 1, 4, 9))
    with clock(beijing(2022, 1, 6)):
        review.application_return(application=c1, actor=reviewer, reason="缺发票")
    Application.objects.filter(pk=c1.pk).update(status=S.IN_REVIEW)
    with clock(beijing(2022, 2, 3)):
        review.application_return(application=c1, actor=reviewer, reason="缺诊断证明")
    # Resubmitted: the submission moves (the triggers follow a plain UPDATE as well as a service).
    Application.objects.filter(pk=c1.pk).update(status=S.IN_REVIEW, submitted_at=beijing(2022, 2, 8, 10))
    with clock(beijing(2022, 2, 10)):
        review.application_verify(application=c1, actor=reviewer)
    with clock(beijing(2022, 2, 11)):
        review.application_reopen(application=c1, actor=reviewer, reason="金额有误")
    with clock(beijing(2022, 3, 1, 8)):
        review.application_verify(application=c1, actor=reviewer)

    # Rejected; another withdrawn with the code stored before the rename; one written out of order.
    c2 = case(station2, beijing(2022, 1, 20, 23, 50), category=emergency)
    with clock(beijing(2022, 1, 25)):
        review.application_reject(application=c2, actor=reviewer, reason="不符合条件")
    c3 = case(station2, beijing(2021, 12, 28), status=S.SUBMITTED)
    record_at(c3, "application.withdraw", beijing(2022, 1, 2))
    record_at(c3, "application.return", beijing(2022, 2, 15))
    record_at(c3, "application.returned", beijing(2022, 1, 12))  # older than the row before it

    # A batch: three verified cases, an objection takes one out, the other two are approved and paid.
    c4 = case(station1, beijing(2022, 1, 10), amount="7500.00")
    c5 = case(station2, beijing(2022, 1, 11), category=emergency, amount="30000.00")
    c6 = case(station1, beijing(2022, 2, 1), amount="5000.50")
    with clock(beijing(2022, 3, 2)):
        for application in (c4, c5, c6):
            review.application_verify(application=application, actor=reviewer)
        batch = batches.batch_create(actor=reviewer, fund=fund, title="2022年第一季度第1批")
        batches.batch_add_applications(batch=batch, applications=[c4, c5, c6], actor=reviewer)
    with clock(beijing(2022, 3, 7)):
        batches.batch_start_notice(batch=batch, actor=reviewer, start=dt.date(2022, 3, 7), today=dt.date(2022, 3, 7))
    with clock(beijing(2022, 3, 9)):
        batches.application_record_objection(application=c6, actor=reviewer, reason="群众反映")
    with clock(beijing(2022, 3, 14)):
        batches.batch_approve(batch=batch, actor=approver, meeting_date=dt.date(2022, 3, 14),
                              minutes_reference="顺工帮〔2022〕3号", attendees="赵审批、王审核、钱财务",
                              today=dt.date(2022, 3, 14))
    p4, p5 = Payout.objects.filter(application__in=[c4, c5]).order_by("application_id")
    with clock(beijing(2022, 3, 15)):
        sheet = payout_services.payout_sheet_create(actor=finance, fund=fund, payouts=[p4, p5])
        payout_services.payout_sheet_export(sheet=sheet, actor=finance)
    with clock(beijing(2022, 3, 20)):
        payout_services.payout_mark_paid(payouts=[p4], actor=finance, paid_on=dt.date(2022, 3, 18),
                                         bank_reference="BANK-0318")
        payout_services.payout_mark_failed(payouts=[p5], actor=finance, reason="卡号错误")
        reissued = payout_services.payout_reissue(payout=p5, actor=finance, card_number="6222020200001234567",
                                                  bank_name="中国工商银行")
    with clock(beijing(2022, 3, 31, 16)):
        sheet = payout_services.payout_sheet_create(actor=finance, fund=fund, payouts=[reissued])
        payout_services.payout_sheet_export(sheet=sheet, actor=finance)
        payout_services.payout_mark_paid(payouts=[reissued], actor=finance, paid_on=dt.date(2022, 3, 31),
                                         bank_reference="BANK-0331")

    # Paid payouts written straight (as the factories do), then a bulk change of their paid date.
    paid = [f.PayoutFactory(application=case(station, beijing(2022, 1, 3 + n), status=S.PAID),
                            amount=Decimal("1000.01"), status=Payout.Status.PAID, paid_on=dt.date(2022, 2, 1 + n),
                            batch=batch)
            for n, station in enumerate((station1, station2, station1))]
    Payout.objects.filter(pk__in=[p.pk for p in paid[:2]]).update(paid_on=dt.date(2022, 4, 2))
    # A case moved to another station and category after its history and payout: its paid money stays
    # with the category it was approved under (the payout's own), its application figures move.
    Application.objects.filter(pk=paid[2].application_id).update(station=station2, category=emergency)
    Payout.objects.filter(pk=paid[2].pk).update(station=station2)

    # 大兴: verified and paid.
    d1 = case(daxing_station, beijing(2022, 2, 1), fund=daxing_fund, status=S.PAID)
    record_at(d1, "application.verified", beijing(2022, 2, 10))
    f.PayoutFactory(application=d1, amount=Decimal("50000.00"), status=Payout.Status.PAID,
                    paid_on=dt.date(2022, 3, 1), batch__fund=daxing_fund, batch__district=daxing_fund.district)

    # A donation confirmed and then voided: its credit and the reversal both reach the ledger summary.
    donation = f.DonationFactory(fund=fund, amount=Decimal("300.00"), received_on=dt.date(2022, 2, 2),
                                 status=Donation.Status.CONFIRMED)
    credit = f.LedgerEntryFactory(fund=fund, kind=LedgerEntry.Kind.DONATION, amount=Decimal("300.00"),
                                  booked_on=dt.date(2022, 2, 2))
    Donation.objects.filter(pk=donation.pk).update(credit_entry=credit)
    donation.refresh_from_db()
    with clock(beijing(2022, 2, 20)):
        donation_void(donation=donation, actor=finance, reason="重复录入")

    # Donations of units and people, some confirmed through the service, one moved to another day, a donor
    # who changes his unit and another who becomes anonymous afterwards.
    unit = f.DonorFactory(kind=Donor.Kind.UNIT, name="爱心单位甲", district=fund.district)
    person = f.DonorFactory(kind=Donor.Kind.INDIVIDUAL, name="张三", unit_name="顺义区医院", district=fund.district)
    other = f.DonorFactory(kind=Donor.Kind.INDIVIDUAL, name="李四", unit_name="", district=fund.district)
    campaign = f.CampaignFactory(fund=fund, name="一元捐、十元捐 2022")
    with clock(beijing(2022, 3, 31, 18)):
        for n, (donor, amount) in enumerate(((unit, "100.00"), (person, "250.50"), (other, "20.00"),
                                              (None, "1000.00"), (person, "3.33"))):
            recorded = f.DonationFactory(fund=fund, campaign=campaign if n % 2 else None, donor=donor,
                                         amount=Decimal(amount), received_on=dt.date(2022, 1 + n % 3, 5 + n))
            donation_confirm_many(donations=[recorded], actor=finance)
    Donation.objects.filter(donor=other).update(received_on=dt.date(2022, 2, 28))
    Donor.objects.filter(pk=person.pk).update(unit_name="顺义区妇幼保健院")
    Donor.objects.filter(pk=other.pk).update(kind=Donor.Kind.ANONYMOUS)
    return {"c1": c1, "c3": c3}


def test_the_summaries_match_direct_counts_for_every_period_and_user(mixed_run, reviewer, liaison1,
                                                                     daxing_reviewer, admin_user, shunyi_fund):
    cases = [(user, None) for user in (reviewer, liaison1, daxing_reviewer, admin_user)] + [(admin_user, shunyi_fund)]
    for period in PERIODS:
        for user, fund in cases:
            assert summary_figures(user, period, fund) == direct_figures(user, period, fund), (period, user, fund)
            if user != liaison1:
                assert summary_donations(user, period, fund) == direct_donations(user, period, fund), (period, user)


def test_the_mixed_run_left_the_figures_a_person_would_count(mixed_run, reviewer):
    q1 = selectors.application_overview(reviewer, Period.quarter(2022, 1))
    # c1 returned on 6 January and 3 February: once in the quarter, twice over its two months.
    assert q1["returned"] == 2  # c1, and c3 (its two returns, one written out of order)
    jan, feb = (selectors.application_overview(reviewer, Period.month(2022, m)) for m in (1, 2))
    assert (jan["returned"], feb["returned"]) == (2, 2)
    # c1 verified twice, c4, c5, c6 once: four cases; c4 and the reissue of c5 paid in March.
    assert q1["verified"] == 4
    assert q1["approved"] == 2 and q1["rejected"] == 1 and q1["withdrawn"] == 1
    march = selectors.application_overview(reviewer, Period.month(2022, 3))
    assert (march["paid_count"], march["paid_amount"]) == (2, Decimal("37500.00"))


def test_a_liaisons_summary_holds_his_stations_only(mixed_run, liaison1, station1):
    rows = selectors.by_station(liaison1, Period.year(2022))
    assert [r["station_id"] for r in rows] == [station1.pk]


def test_the_ledger_summary_matches_the_ledger(mixed_run, shunyi_fund):
    direct = {(e["fund_id"], e["booked_on"]): e["total"] for e in
              LedgerEntry.objects.values("fund_id", "booked_on").annotate(total=Sum("amount")).order_by()}
    summary = {(r.fund_id, r.day): r.amount for r in LedgerDailyFigure.objects.filter(grain="d")}
    assert summary == direct
    months: dict = {}
    for (fund_id, day), total in direct.items():
        key = (fund_id, day.replace(day=1))
        months[key] = months.get(key, Decimal("0.00")) + total
    assert {(r.fund_id, r.day): r.amount for r in LedgerDailyFigure.objects.filter(grain="m")} == months


def test_rebuilding_the_summaries_from_scratch_gives_the_same_rows(mixed_run):
    def rows():
        return (sorted(ApplicationDailyFigure.objects.exclude(count=0).values_list(
                    "grain", "day", "station_id", "fund_id", "category_id", "figure", "since", "count"), key=repr),
                sorted(PayoutDailyFigure.objects.exclude(count=0, amount=0).values_list(
                    "grain", "day", "station_id", "fund_id", "category_id", "figure", "days", "count", "amount"), key=repr),
                sorted(LedgerDailyFigure.objects.values_list("grain", "day", "fund_id", "district_id", "amount"), key=repr))

    kept = rows()
    with connection.cursor() as cursor:
        cursor.execute("SELECT cases_application_figures_rebuild(), payouts_payout_figures_rebuild(), "
                       "funds_ledger_figures_rebuild()")
    assert rows() == kept


@pytest.mark.parametrize("values", [[5], [26, 38, 46, 82], [1, 1, 1, 2], [3, 9, 9, 9, 10, 40, 41, 41, 100, 7, 8],
                                    list(range(0, 200, 7)) + [13] * 17, [-2, 0, 0, 5]])
def test_percentiles_from_the_days_histogram_are_postgresqls(values):
    histogram = [(value, values.count(value)) for value in set(values)]
    with connection.cursor() as cursor:
        for fraction in ("0.5", "0.9"):
            cursor.execute("SELECT round((percentile_cont(%s) WITHIN GROUP (ORDER BY d))::numeric, 1) "
                           "FROM unnest(%s::int[]) AS d", [float(fraction), values])
            assert selectors.percentile_cont(histogram, Decimal(fraction)) == cursor.fetchone()[0], fraction
