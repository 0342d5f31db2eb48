"""An approved cycle is paid like any award: its lines in the bank's sheet, the bank's results, a reissue,
and the fund's ledger reconciles to the cent."""
from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from funds.models import LedgerEntry
from funds.selectors import fund_position
from households.models import CivilStatus, Cycle
from households.payments import household_payments
from households.selectors.cycles import cycle_lines_of
from households.services import cycles
from payouts import services as payout_services
from payouts.models import Payout
from tests import factories as f

pytestmark = pytest.mark.django_db

D = Decimal
PAID_ON = dt.date(2024, 3, 20)


@pytest.fixture
def holiday(shunyi_fund):
    programme = f.ProgrammeFactory(fund=shunyi_fund, code="national-day", name="送温暖",
                                   schedule="holiday", enrolment="on_file")
    f.programme_rule_set(programme, amount="1000")
    return programme


@pytest.fixture
def opening(shunyi_fund):
    return f.LedgerEntryFactory(fund=shunyi_fund, amount=D("10000.00"))


def result_file(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["申请编号", "结果", "银行流水号", "失败原因", "金额(元)"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "result.xlsx"
    return buffer


def approved_cycle(programme, station, reviewer, approver, *, count=3):
    households = [f.HouseholdFactory(station=station, civil_status=CivilStatus.DIBAO) for _ in range(count)]
    cycle = cycles.cycle_generate(programme=programme, cycle_date=dt.date(2024, 2, 10), actor=reviewer,
                                  holiday="spring-festival").cycle
    cycles.cycle_approve(cycle=cycle, actor=approver)
    return cycle, households


def test_approved_lines_are_rows_of_the_banks_sheet(holiday, opening, shunyi_fund, station1, reviewer, approver,
                                                     finance):
    cycle, households = approved_cycle(holiday, station1, reviewer, approver)
    assert cycle.title == "2024年春节送温暖"
    payouts = list(Payout.objects.filter(source="cycle_line").order_by("id"))
    assert [p.status for p in payouts] == ["pending"] * 3
    sheet = payout_services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)
    exported = payout_services.payout_sheet_export(sheet=sheet, actor=finance)
    workbook = load_workbook(exported.path)
    rows = list(workbook["拨付明细"].iter_rows(min_row=2, values_only=True))
    head = households[0].head
    first = next(row for row in rows if row[3] == head.id_number)
    line = cycle.lines.get(household=households[0])
    assert first[1] == cycles.cycle_line_reference(line) == f"SY-ZQ-2024-spring-festival-{line.pk}"
    assert (first[2], first[4], first[5]) == (head.name, head.card_number, head.bank_name)
    assert isinstance(first[3], str) and isinstance(first[4], str)
    assert D(str(first[7])) == D("1000.00")
    assert first[8] == "2024年春节送温暖"
    assert workbook["汇总"]["B2"].value == 3000


def test_the_ledger_reconciles_after_one_failure_and_one_reissue(holiday, opening, shunyi_fund, station1, reviewer,
                                                                  approver, finance):
    cycle, households = approved_cycle(holiday, station1, reviewer, approver)
    assert fund_position(fund=shunyi_fund).committed == D("3000.00")
    payouts = list(Payout.objects.filter(source="cycle_line").order_by("id"))
    sheet = payout_services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)
    payout_services.payout_sheet_export(sheet=sheet, actor=finance)
    a, b, c = payouts
    report = payout_services.payout_sheet_import_results(
        sheet=sheet, actor=finance, paid_on=PAID_ON, commit=True,
        file=result_file([(a.reference, "成功", "BK1", None, 1000), (b.reference, "成功", "BK2", None, 1000),
                          (c.reference, "失败", None, "账户已销户", 1000)]))
    assert report.committed and (report.paid_count, report.failed_count) == (2, 1)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.APPROVED
    assert fund_position(fund=shunyi_fund).committed == D("1000.00")

    new = payout_services.payout_reissue(payout=Payout.objects.get(pk=c.pk), actor=finance,
                                         card_number="6222020200001234560", bank_name="中国农业银行顺义支行")
    assert (new.source, new.source_id, new.reference) == ("cycle_line", c.source_id, c.reference)
    second = payout_services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=[new])
    payout_services.payout_sheet_export(sheet=second, actor=finance)
    payout_services.payout_mark_paid(payouts=[new], actor=finance, paid_on=PAID_ON, bank_reference="BK3")

    debits = LedgerEntry.objects.filter(fund=shunyi_fund, kind=LedgerEntry.Kind.PAYOUT)
    assert sorted(e.amount for e in debits) == [D("-1000.00")] * 3
    assert all(e.description.startswith("拨付 SY-ZQ-2024-spring-festival-") for e in debits)
    position = fund_position(fund=shunyi_fund)
    assert (position.balance, position.committed, position.available) == (D("7000.00"), D("0.00"), D("7000.00"))
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.PAID
    statuses = {line.household_id: line.payout_status for line in cycle_lines_of(cycle=cycle, user=finance)}
    assert set(statuses.values()) == {"paid"}


def test_the_household_page_lists_the_cycle_payment(holiday, opening, shunyi_fund, station1, reviewer, approver,
                                                     finance, liaison1):
    cycle, households = approved_cycle(holiday, station1, reviewer, approver, count=1)
    payout = Payout.objects.get(source="cycle_line")
    sheet = payout_services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=[payout])
    payout_services.payout_sheet_export(sheet=sheet, actor=finance)
    payout_services.payout_mark_paid(payouts=[payout], actor=finance, paid_on=PAID_ON, bank_reference="BK9")
    payments = household_payments(household=households[0], user=liaison1)
    (line,) = payments.lines
    assert (line.source, line.description, line.amount, line.paid, line.day) == \
        ("送温暖", "2024年春节送温暖", D("1000.00"), True, PAID_ON)
    assert payments.paid_total == D("1000.00")


def test_the_reports_count_a_paid_cycle_line_under_its_programmes_category(holiday, opening, shunyi_fund, station1,
                                                                          reviewer, approver, finance, client):
    from django.urls import reverse

    from reports.periods import Period
    from reports.selectors import by_category

    approved_cycle(holiday, station1, reviewer, approver, count=2)
    payouts = list(Payout.objects.filter(source="cycle_line"))
    sheet = payout_services.payout_sheet_create(actor=finance, fund=shunyi_fund, payouts=payouts)
    payout_services.payout_sheet_export(sheet=sheet, actor=finance)
    payout_services.payout_mark_paid(payouts=payouts, actor=finance, paid_on=PAID_ON, bank_reference="BK7")
    rows = by_category(approver, Period.year(2024))
    assert [(r["category__code"], r["paid_count"], r["paid_amount"]) for r in rows] == [("living", 2, D("2000.00"))]
    client.force_login(approver)
    page = client.get(reverse("reports:dashboard"), {"kind": "year", "year": "2024"})
    assert page.status_code == 200
