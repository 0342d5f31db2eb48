"""What the database's check of confirmed donations (noted per statement, run at commit) costs.

N confirmed donations with their credits are written in one transaction, as
the import writes them, and the deferred checks are run (``SET CONSTRAINTS ALL
IMMEDIATE``, what COMMIT does) twice in the same run: with the trigger
disabled (the baseline: the foreign keys only) and enabled. Both transactions
are rolled back. Runs against a throwaway database (``bench_donation_credit_check``):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_donation_credit_check.py [rows]
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _throwaway import throwaway_database

BENCH_DB = "bench_donation_credit_check"

INSERT = """
WITH entries AS (
    INSERT INTO funds_ledgerentry (fund_id, kind, amount, booked_on, description, reason, created_at)
    SELECT %(fund)s, 'donation', 10, date '2022-03-05', 'bench', '', now() FROM generate_series(1, %(rows)s)
    RETURNING id)
INSERT INTO donations_donation (fund_id, district_id, amount, received_on, channel, receipt_year, receipt_seq,
                                receipt_number, note, status, void_reason, recorded_by_id, created_at, credit_entry_id)
SELECT %(fund)s, %(district)s, 10, date '2022-03-05', 'cash', 2022, row_number() OVER (),
       %(prefix)s || row_number() OVER (), '', 'confirmed', '', %(user)s, now(), id FROM entries
"""


def main(rows: int) -> None:
    from django.db import connection, transaction

    from tests import factories as f

    fund = f.FundFactory(slug="bench", district=f.DistrictFactory(code="BN", name="基准"))
    user = f.UserFactory()
    figures = {}
    for label, enabled in (("trigger disabled (baseline)", False), ("trigger enabled", True)):
        with transaction.atomic(), connection.cursor() as cursor:
            if not enabled:
                cursor.execute("ALTER TABLE donations_donation DISABLE TRIGGER donation_credit_check_insert")
            started = time.perf_counter()
            cursor.execute(INSERT, {"fund": fund.pk, "district": fund.district_id, "rows": rows, "user": user.pk,
                                    "prefix": f"BN-{int(enabled)}-"})
            written = time.perf_counter() - started
            started = time.perf_counter()
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            checked = time.perf_counter() - started
            figures[label] = (written, checked)
            transaction.set_rollback(True)
    print(f"{rows} confirmed donations with their credits, one transaction")
    for label, (written, checked) in figures.items():
        print(f"  {label:30} insert {written:6.2f} s   deferred checks at commit {checked:6.2f} s")
    base, with_trigger = figures["trigger disabled (baseline)"][1], figures["trigger enabled"][1]
    written = figures["trigger enabled"][0] - figures["trigger disabled (baseline)"][0]
    print(f"  the check adds {with_trigger - base:.2f} s at commit and {written:.2f} s to the insert "
          f"({(with_trigger - base + written) / rows * 1e6:.1f} µs a row)")


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with throwaway_database(BENCH_DB):
        main(count)
