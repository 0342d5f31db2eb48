"""How long approving a batch takes: 1,000 and 10,000 cases.

Creates a throwaway database (``bench_batch_approve``) on the server of
DATABASE_URL, migrates it, inserts the cases of each batch in bulk (in
public notice, notice ended), then times ``batch_approve`` (freeze every
case, create its payout and its history row, all in one transaction) and
counts its queries. The database is dropped at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_batch_approve.py [--sizes 1000 10000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _throwaway import id_number, throwaway_database

BENCH_DB = "bench_batch_approve"


def setup_reference_data():
    from django.contrib.auth import get_user_model

    from funds.models import AidCategory, Fund, LedgerEntry, RuleSet
    from reliefdesk.models import District, Employer, Role, StaffAssignment, Station

    district = District.objects.create(code="SY", name="顺义", name_en="Shunyi")
    stations = [Station.objects.create(district=district, code=f"SY{i:02d}", name=f"顺义第{i}工会服务站")
                for i in range(1, 30)]
    employer = Employer.objects.create(district=district, name="北京顺鑫农业股份有限公司")
    fund = Fund.objects.create(slug="shunyi", name="北京市温暖基金会（顺义区）职工专项温暖基金", district=district)
    category = AidCategory.objects.create(code="medical", name="大病医疗救助", name_en="Medical",
                                          checklist=["documents_seen"])
    rule_set = RuleSet.objects.create(fund=fund, category=category, version_name="2022年修订",
                                      effective_from=dt.date(2022, 1, 1), status=RuleSet.Status.ACTIVE)
    LedgerEntry.objects.create(fund=fund, kind=LedgerEntry.Kind.OPENING, amount=Decimal("9000000000.00"),
                               booked_on=dt.date(2022, 1, 1))
    User = get_user_model()
    reviewer = User.objects.create_user("bench_reviewer")
    StaffAssignment.objects.create(user=reviewer, role=Role.REVIEWER, district=district)
    approver = User.objects.create_user("bench_approver")
    StaffAssignment.objects.create(user=approver, role=Role.APPROVER, district=district)
    return {"stations": stations, "employer": employer, "fund": fund, "category": category, "rule_set": rule_set,
            "reviewer": reviewer, "approver": approver}


def noticed_batch(ref, size: int, offset: int, title: str):
    from cases.models import Application, Batch, Member

    batch = Batch.objects.create(title=title, fund=ref["fund"], district=ref["fund"].district,
                                 created_by=ref["reviewer"], status=Batch.Status.PUBLIC_NOTICE,
                                 notice_start=dt.date(2022, 3, 7), notice_days=5, notice_end=dt.date(2022, 3, 11))
    members = Member.objects.bulk_create(
        [Member(name=f"张{offset + i}明", id_number=id_number(offset + i), birth_date=dt.date(1960, 1, 1), sex="M",
                employer=ref["employer"], card_number="6222020200001234567", bank_name="中国工商银行北京顺义支行")
         for i in range(size)], batch_size=2000)
    stations = ref["stations"]
    Application.objects.bulk_create(
        [Application(reference=f"SY-2022-{offset + i + 1:06d}", fund=ref["fund"], category=ref["category"], member=m,
                     beneficiary_id_number=m.id_number, beneficiary_name=m.name,
                     station=stations[i % len(stations)], district=ref["fund"].district, created_by=ref["reviewer"],
                     status=Application.Status.IN_BATCH, event_date=dt.date(2022, 2, 1),
                     total_cost=Decimal("62000.00"), self_paid=Decimal("62000.00"),
                     proposed_amount=Decimal("12400.00"), estimate_rule_set=ref["rule_set"], estimate_eligible=True,
                     estimate_amount=Decimal("12400.00"),
                     estimate_explanation="自付 62,000.00 元，属 5万–10万 档，按 20% 计 12,400.00 元", batch=batch,
                     checklist={"documents_seen": True})
         for i, m in enumerate(members)], batch_size=2000)
    return batch


def run(sizes: list[int]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from payouts.models import Payout
    from cases.services.batches import batch_approve

    ref = setup_reference_data()
    offset = 0
    print(f"{'cases':>8} {'seconds':>9} {'queries':>8} {'cases/s':>9}")
    for size in sizes:
        batch = noticed_batch(ref, size, offset, f"基准批次{size}")
        offset += size
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            batch_approve(batch=batch, actor=ref["approver"], meeting_date=dt.date(2022, 3, 14),
                          minutes_reference="基准", attendees="基准", today=dt.date(2022, 3, 14))
            elapsed = time.perf_counter() - started
        assert Payout.objects.filter(batch=batch).count() == size
        print(f"{size:>8} {elapsed:>9.2f} {len(captured):>8} {size / elapsed:>9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    with throwaway_database(BENCH_DB):
        run(args.sizes)


if __name__ == "__main__":
    main()
