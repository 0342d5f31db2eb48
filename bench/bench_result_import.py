"""Time and statements of recording a bank result file of 10,000 rows, beside a row-by-row baseline.

Runs against a throwaway database (``bench_result_import``) on the server of
DATABASE_URL (created and dropped here), so it never touches real data:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/reliefdesk .venv/bin/python bench/bench_result_import.py [rows]

The import checks every row and records them set-based (one UPDATE and one
history INSERT per kind of change, one COPY of the debits). The baseline,
measured in the same run on payouts of the same shape, records payouts one
at a time through the hand-entry service, as the import did row by row
before (about four statements a row).
"""
from __future__ import annotations

import datetime as dt
import io
import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _throwaway import throwaway_database

BENCH_DB = "bench_result_import"
BASELINE_ROWS = 500
PAID_ON = dt.date(2022, 4, 8)


def exported_sheet(count: int, *, prefix: str, fund, station, member, category, batch, user):
    """``count`` approved cases with their payouts in one exported sheet, written in bulk."""
    from cases.models import Application
    from payouts.models import Payout, PayoutSheet, PayoutSheetLine

    applications = Application.objects.bulk_create([
        Application(reference=f"{prefix}-{n + 1:06d}", fund=fund, category=category, member=member,
                    beneficiary_id_number=member.id_number, beneficiary_name=member.name, station=station,
                    district=station.district, created_by=user, status="approved",
                    awarded_amount=Decimal("100.00") + n % 7, batch=batch)
        for n in range(count)
    ], batch_size=5000)
    payouts = Payout.objects.bulk_create([
        Payout(application=a, fund=fund, batch=batch, district=station.district, station=station,
               amount=a.awarded_amount, payee_name=member.name, payee_id_number=member.id_number,
               card_number=member.card_number, bank_name=member.bank_name, status=Payout.Status.IN_SHEET)
        for a in applications
    ], batch_size=5000)
    sheet = PayoutSheet.objects.create(number=f"SY-BF-2022-{prefix}", fund=fund, district=fund.district,
                                       created_by=user, status=PayoutSheet.Status.EXPORTED, row_count=count)
    PayoutSheetLine.objects.bulk_create([PayoutSheetLine(sheet=sheet, payout=p, position=i)
                                         for i, p in enumerate(payouts, start=1)], batch_size=5000)
    return sheet, applications, payouts


def result_file(applications) -> io.BytesIO:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("结果")
    ws.append(["申请编号", "结果", "银行流水号", "失败原因", "金额(元)"])
    for i, a in enumerate(applications):
        paid = i % 10 != 0
        ws.append([a.reference, "成功" if paid else "失败", f"BK{i:07d}" if paid else None,
                   None if paid else "账户已销户", float(a.awarded_amount)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def main(rows: int) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cases.models import Batch, Member
    from funds.models import AidCategory, Fund, LedgerEntry
    from payouts import services
    from reliefdesk.models import District, Role, StaffAssignment, Station
    from cases.validators import id_check_char

    district = District.objects.create(code="SY", name="顺义")
    station = Station.objects.create(district=district, code="SY01", name="胜利街道工会服务站")
    fund = Fund.objects.create(slug="shunyi", name="顺义温暖基金", district=district)
    category = AidCategory.objects.create(code="medical", name="大病医疗救助", name_en="Medical")
    user = get_user_model().objects.create(username="bench-finance")
    StaffAssignment.objects.create(user=user, role=Role.FINANCE, district=district)
    first17 = "11011319700101001"
    member = Member.objects.create(name="张明", id_number=first17 + id_check_char(first17),
                                   birth_date=dt.date(1970, 1, 1), sex="M", card_number="6222020200001234568",
                                   bank_name="中国工商银行")
    batch = Batch.objects.create(title="2022年第一季度第1批", fund=fund, district=district, created_by=user,
                                 status=Batch.Status.APPROVED)
    shape = {"fund": fund, "station": station, "member": member, "category": category, "batch": batch,
             "user": user}

    with tempfile.TemporaryDirectory() as folder:
        settings.MEDIA_ROOT = folder
        sheet, applications, _payouts = exported_sheet(rows, prefix="IMP", **shape)
        upload = result_file(applications)
        began, cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured:
            report = services.payout_sheet_import_results(sheet=sheet, actor=user, file=upload, commit=True,
                                                          paid_on=PAID_ON)
        imported = time.perf_counter() - began
        assert report.committed and report.paid_count == rows - (rows + 9) // 10, report.bad_rows[:3]
        print(f"set-based import: {rows:,} rows in {imported:6.2f} s (Python CPU {time.process_time() - cpu:.1f} s), "
              f"{len(captured)} statements; {report.paid_count:,} paid, {report.failed_count:,} failed, "
              f"{LedgerEntry.objects.count():,} debits")

        _sheet, _applications, baseline_payouts = exported_sheet(BASELINE_ROWS, prefix="ONE", **shape)
        began = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            for n, payout in enumerate(baseline_payouts):
                services.payout_mark_paid(payouts=[payout], actor=user, paid_on=PAID_ON,
                                           bank_reference=f"ONE{n:07d}")
        one_by_one = time.perf_counter() - began
        per_row = one_by_one / BASELINE_ROWS
        print(f"baseline, one payout at a time: {BASELINE_ROWS:,} rows in {one_by_one:6.2f} s "
              f"({per_row * 1000:.1f} ms and {len(captured) / BASELINE_ROWS:.0f} statements a row), "
              f"about {per_row * rows:.0f} s for {rows:,} rows")
        print(f"set-based is {per_row * rows / imported:.0f}x faster; load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with throwaway_database(BENCH_DB):
        main(count)
