"""Server time of the two big pages: a payout sheet of 10,000 lines and a batch of 1,000 cases.

Creates a throwaway database (``speed-pages_big_pages``) on the server of
DATABASE_URL, fills it in bulk (a batch of 1,000 cases in public notice; a
batch of 10,000 cases approved, its 10,000 payouts put into one sheet), then
requests each page through Django's test client as finance and as the
reviewer: first, middle and last page of lines. Beside each figure, in the same
run, the baseline: hand-written SQL for the same page's rows (the 50 lines
with what they show) and for the totals. The database is dropped at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_big_pages.py \
        [--sheet 10000] [--batch 1000] [--repeat 15]
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _throwaway import throwaway_database
from bench_batch_approve import noticed_batch, setup_reference_data

BENCH_DB = "speed-pages_big_pages"
PAGE = 50

# The baseline takes the page's keys first too: the fastest hand-written SQL for the same rows.
SHEET_ROWS_SQL = """
WITH page AS (SELECT id FROM cases_payoutsheetline WHERE sheet_id = %s ORDER BY released, position LIMIT 50 OFFSET %s)
SELECT l.position, l.released, a.reference, p.payee_name, p.card_number, p.bank_name, p.amount, p.status,
       p.paid_on, p.bank_reference, p.failure_reason, c.name, b.title, s.name, r.id
FROM page JOIN cases_payoutsheetline l ON l.id = page.id
JOIN cases_payout p ON p.id = l.payout_id
JOIN cases_application a ON a.id = p.application_id
JOIN funds_aidcategory c ON c.id = a.category_id
JOIN cases_batch b ON b.id = p.batch_id
JOIN reliefdesk_station s ON s.id = p.station_id
LEFT JOIN cases_payout r ON r.reissue_of_id = p.id
ORDER BY l.released, l.position
"""
SHEET_TOTALS_SQL = """
SELECT count(*), sum(p.amount), count(*) FILTER (WHERE p.status = 'paid'), sum(p.amount) FILTER (WHERE p.status = 'paid')
FROM cases_payoutsheetline l JOIN cases_payout p ON p.id = l.payout_id WHERE l.sheet_id = %s AND NOT l.released
"""
BATCH_ROWS_SQL = """
WITH page AS (SELECT a.id FROM cases_application a JOIN reliefdesk_station s ON s.id = a.station_id
              WHERE a.batch_id = %s AND a.status IN ('in_batch', 'approved', 'paid', 'payment_failed')
              ORDER BY s.code, a.reference LIMIT 50 OFFSET %s)
SELECT a.reference, a.beneficiary_name, s.name, c.name, a.proposed_amount, a.awarded_amount, a.is_override,
       a.override_confirmed_at, a.status
FROM page JOIN cases_application a ON a.id = page.id
JOIN reliefdesk_station s ON s.id = a.station_id
JOIN funds_aidcategory c ON c.id = a.category_id
ORDER BY s.code, a.reference
"""
BATCH_TOTALS_SQL = """
SELECT c.name, count(*), sum(a.proposed_amount) FROM cases_application a JOIN funds_aidcategory c ON c.id = a.category_id
WHERE a.batch_id = %s AND a.status IN ('in_batch', 'approved', 'paid', 'payment_failed') GROUP BY c.sort_order, c.name
"""


def _times(func, repeat: int) -> list[float]:
    func()  # warm the caches once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return times


def _p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


def fill(sheet_rows: int, batch_rows: int) -> dict:
    from django.contrib.auth import get_user_model

    from cases.services.batches import batch_approve
    from payouts.models import Payout
    from payouts.services import payout_sheet_create
    from reliefdesk.models import Role, StaffAssignment

    ref = setup_reference_data()
    big = noticed_batch(ref, sheet_rows, 0, "基准批次（发放）")
    batch_approve(batch=big, actor=ref["approver"], meeting_date=dt.date(2022, 3, 14), minutes_reference="基准",
                  attendees="基准", today=dt.date(2022, 3, 14))
    finance = get_user_model().objects.create_user("bench_finance")
    StaffAssignment.objects.create(user=finance, role=Role.FINANCE, district=ref["fund"].district)
    sheet = payout_sheet_create(actor=finance, fund=ref["fund"], payouts=Payout.objects.filter(batch=big))
    batch = noticed_batch(ref, batch_rows, sheet_rows, "基准批次（公示）")
    return {"sheet": sheet, "batch": batch, "finance": finance, "reviewer": ref["reviewer"],
            "sheet_rows": sheet_rows, "batch_rows": batch_rows}


def measure(filled: dict, repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    pages = [
        ("payout sheet", filled["finance"], reverse("payouts:sheet-detail", args=[filled["sheet"].pk]), "page",
         filled["sheet_rows"], filled["sheet"].pk, SHEET_ROWS_SQL, SHEET_TOTALS_SQL),
        ("batch", filled["reviewer"], reverse("cases:batch-detail", args=[filled["batch"].pk]), "cases",
         filled["batch_rows"], filled["batch"].pk, BATCH_ROWS_SQL, BATCH_TOTALS_SQL),
    ]
    print(f"{'page':<13} {'lines':>6} {'page no.':>8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'HTML KB':>8}"
          f" {'SQL rows+totals p50 ms':>23}")
    for name, user, url, param, rows, pk, rows_sql, totals_sql in pages:
        client = Client()
        client.force_login(user)
        last = (rows + PAGE - 1) // PAGE
        for number in (1, last // 2, last):
            executed = []

            def count(execute, sql, params, many, context):
                executed.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                response = client.get(url, {param: number})
            assert response.status_code == 200, (url, response.status_code)
            assert response.content.count(b"<tr data-reference=") == min(PAGE, rows - (number - 1) * PAGE)
            times = _times(lambda: client.get(url, {param: number}), repeat)

            def raw():
                with connection.cursor() as cursor:
                    cursor.execute(rows_sql, [pk, (number - 1) * PAGE])
                    cursor.fetchall()
                    cursor.execute(totals_sql, [pk])
                    cursor.fetchall()

            sql_times = _times(raw, repeat)
            print(f"{name:<13} {rows:>6,} {number:>8} {statistics.median(times) * 1000:>8.1f} "
                  f"{_p95(times) * 1000:>8.1f} {len(executed):>8} {len(response.content) / 1024:>8.0f}"
                  f" {statistics.median(sql_times) * 1000:>23.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheet", type=int, default=10_000, help="payouts in the sheet")
    parser.add_argument("--batch", type=int, default=1_000, help="cases in the batch")
    parser.add_argument("--repeat", type=int, default=15, help="timed requests per page")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "false")  # no query log in memory: the server as deployed
    with throwaway_database(BENCH_DB, keep=args.keep):
        started = time.perf_counter()
        filled = fill(args.sheet, args.batch)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # statistics as autovacuum would have them after a bulk load
        print(f"filled in {time.perf_counter() - started:.1f} s")
        measure(filled, args.repeat)


if __name__ == "__main__":
    main()
