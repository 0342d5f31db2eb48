"""How long the reports dashboard takes on 1,000,000 applications.

Creates a throwaway database (``bench_reports``) on the server of
DATABASE_URL, migrates it, fills it on the server with INSERT ... SELECT
generate_series (applications over eight years in 顺义's 29 stations and
大兴's 3, their history rows, payouts, donations and ledger), then times
the dashboard page (the whole request) and its figures alone for a
district reviewer, a liaison and the administrator. The database is
dropped at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_dashboard.py [--rows N]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _throwaway import throwaway_database

BENCH_DB = "bench_reports"


def _timed(label: str, func, repeat: int = 1):
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return result, times


def fill(rows: int) -> dict:
    """Reference data through the ORM, the bulk on the server."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from cases.models import Application, Batch
    from funds.models import AidCategory, Fund
    from reliefdesk.models import District, Employer, Role, StaffAssignment, Station
    from django.contrib.auth import get_user_model

    User = get_user_model()
    shunyi = District.objects.create(code="SY", name="顺义", name_en="Shunyi")
    daxing = District.objects.create(code="DX", name="大兴", name_en="Daxing")
    stations = [Station.objects.create(district=shunyi, code=f"SY{n:02d}", name=f"顺义第{n}工会服务站")
                for n in range(1, 30)]
    stations += [Station.objects.create(district=daxing, code=f"DX{n:02d}", name=f"大兴第{n}工会服务站")
                 for n in range(1, 4)]
    funds = {
        shunyi.pk: Fund.objects.create(slug="shunyi", name="北京市温暖基金会（顺义区）职工专项温暖基金", district=shunyi),
        daxing.pk: Fund.objects.create(slug="daxing", name="大兴区职工应急救助专项温暖基金", district=daxing),
    }
    medical = AidCategory.objects.create(code="medical", name="大病医疗救助", name_en="Medical", sort_order=1)
    emergency = AidCategory.objects.create(code="emergency", name="突发事件及意外灾害救助", name_en="Emergency",
                                           sort_order=2)
    employer = Employer.objects.create(district=shunyi, name="北京顺鑫农业股份有限公司")

    def user(username, role, district=None, station_list=()):
        account = User.objects.create_user(username=username, password="bench-password-1")
        assignment = StaffAssignment.objects.create(user=account, role=role, district=district)
        assignment.stations.set(station_list)
        return account

    users = {
        "reviewer": user("bench_reviewer", Role.REVIEWER, shunyi),
        "liaison": user("bench_liaison", Role.LIAISON, shunyi, stations[:1]),
        "admin": user("bench_admin", Role.ADMIN),
    }
    batches = {d: Batch.objects.create(title="压测批次", fund=f, district_id=d, status=Batch.Status.APPROVED,
                                       created_by=users["reviewer"]) for d, f in funds.items()}
    station_ids = [s.pk for s in stations]
    district_ids = [s.district_id for s in stations]
    fund_ids = [funds[s.district_id].pk for s in stations]
    batch_ids = [batches[s.district_id].pk for s in stations]
    content_type = ContentType.objects.get_for_model(Application).pk
    liaison_id = users["liaison"].pk

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO cases_member (name, id_number, birth_date, sex, phone, employer_id, is_union_member,
                                      card_number, bank_name, created_at, updated_at)
            SELECT '会员' || i, '110113' || lpad(i::text, 12, '0'), date '1970-01-01' + (i %% 9000), 'M',
                   '13800000000', %s, true, '6222020200001234567', '中国工商银行', now(), now()
            FROM generate_series(1, 20000) AS i
            """,
            [employer.pk],
        )
        cursor.execute("SELECT min(id) FROM cases_member")
        first_member = cursor.fetchone()[0]
        # Status by i % 20: 8 paid, 2 approved, 2 verified, 1 rejected, 1 returned, 1 withdrawn, 3 submitted,
        # 2 in review. Submissions spread over 2017–2024 in Beijing working hours.
        cursor.execute(
            """
            INSERT INTO cases_application (
                reference, beneficiary_id_number, beneficiary_name, created_at, updated_at, status, submitted_at,
                total_cost, reimbursed, other_aid, self_paid, narrative, estimate_explanation, checklist,
                amount_reason, is_override, override_code, last_reason, awarded_explanation, award_snapshot,
                category_id, created_by_id, district_id, fund_id, station_id, member_id, awarded_amount)
            SELECT 'B-' || lpad(i::text, 8, '0'), '110113' || lpad((i %% 20000 + 1)::text, 12, '0'), '会员',
                   s.at, s.at,
                   (ARRAY['paid','paid','paid','paid','paid','paid','paid','paid','approved','approved',
                          'verified','verified','rejected','returned','withdrawn','submitted','submitted',
                          'submitted','in_review','in_review'])[1 + i %% 20],
                   s.at, 100000, 38000, 0, 62000, '', '', '{}', '', false, '', '', '', '{}',
                   CASE WHEN i %% 3 = 0 THEN %(emergency)s ELSE %(medical)s END, %(liaison)s,
                   (%(districts)s::bigint[])[1 + i %% 32], (%(funds)s::bigint[])[1 + i %% 32],
                   (%(stations)s::bigint[])[1 + i %% 32], %(first_member)s + i %% 20000,
                   CASE WHEN i %% 20 < 10 THEN 1000 + (i %% 50) * 500 END
            FROM generate_series(1, %(rows)s) AS i,
                 LATERAL (SELECT timestamptz '2017-01-01 09:00:00+08' + (i %% 2920) * interval '1 day'
                                 + (i %% 540) * interval '1 minute' AS at) AS s
            """,
            {"rows": rows, "medical": medical.pk, "emergency": emergency.pk, "liaison": liaison_id,
             "districts": district_ids, "funds": fund_ids, "stations": station_ids, "first_member": first_member},
        )
        history = [
            ("application.verified", "in_review", "verified", "('paid','approved','verified')", 10),
            ("application.approved", "in_batch", "approved", "('paid','approved')", 25),
            ("application.rejected", "in_review", "rejected", "('rejected')", 12),
            ("application.returned", "in_review", "returned", "('returned')", 5),
            ("application.withdrawn", "submitted", "withdrawn", "('withdrawn')", 3),
        ]
        for action, from_status, to_status, statuses, days in history:
            cursor.execute(
                f"""
                INSERT INTO reliefdesk_historyevent (object_id, action, from_status, to_status, reason, data,
                                                     created_at, content_type_id, actor_id)
                SELECT id, %s, %s, %s, '', '{{}}', submitted_at + interval '{days} days', %s, NULL
                FROM cases_application WHERE status IN {statuses}
                """,
                [action, from_status, to_status, content_type],
            )
        cursor.execute(
            """
            INSERT INTO cases_payout (amount, payee_name, payee_id_number, card_number, bank_name, status, paid_on,
                                      bank_reference, failure_reason, created_at, application_id, batch_id,
                                      district_id, fund_id, station_id)
            SELECT a.awarded_amount, '会员', a.beneficiary_id_number, '6222020200001234567', '中国工商银行',
                   CASE WHEN a.status = 'paid' THEN 'paid' ELSE 'pending' END,
                   CASE WHEN a.status = 'paid'
                        THEN (a.submitted_at AT TIME ZONE 'Asia/Shanghai')::date + 30 + (a.id %% 40)::int END,
                   '', '', a.submitted_at, a.id, (%(batches)s::bigint[])[array_position(%(stations)s::bigint[],
                                                                                     a.station_id)],
                   a.district_id, a.fund_id, a.station_id
            FROM cases_application a WHERE a.status IN ('paid', 'approved')
            """,
            {"batches": batch_ids, "stations": station_ids},
        )
        cursor.execute(
            """
            INSERT INTO donations_donor (kind, name, unit_name, contact, district_id)
            SELECT CASE WHEN i %% 4 = 0 THEN 'individual' ELSE 'unit' END, '爱心单位' || i,
                   CASE WHEN i %% 4 = 0 THEN '建会单位' || (i %% 50) ELSE '' END, '',
                   CASE WHEN i %% 10 = 0 THEN %(daxing)s ELSE %(shunyi)s END
            FROM generate_series(1, 1000) AS i
            """,
            {"shunyi": shunyi.pk, "daxing": daxing.pk},
        )
        cursor.execute(
            """
            INSERT INTO donations_campaign (name, starts_on, channel_notes, fund_id)
            SELECT '一元捐、十元捐 ' || y, make_date(y, 3, 1), '', f
            FROM generate_series(2017, 2024) AS y, unnest(%s::bigint[]) AS f
            """,
            [list({f.pk for f in funds.values()})],
        )
        cursor.execute(
            """
            INSERT INTO donations_donation (amount, received_on, channel, receipt_year, receipt_seq, receipt_number,
                                            note, status, void_reason, created_at, district_id, fund_id,
                                            recorded_by_id, donor_id, campaign_id)
            SELECT 10 + (i %% 100), d.day, 'bank', extract(year FROM d.day), i, 'BENCH-' || i, '',
                   CASE WHEN i %% 25 = 0 THEN 'voided' ELSE 'confirmed' END, '', now(),
                   donor.district_id, f.id, %(user)s, donor.id, c.id
            FROM generate_series(1, 200000) AS i
            CROSS JOIN LATERAL (SELECT date '2017-01-01' + (i %% 2920) AS day) AS d
            JOIN donations_donor donor ON donor.id = (SELECT min(id) FROM donations_donor) + i %% 1000
            JOIN funds_fund f ON f.district_id = donor.district_id
            LEFT JOIN donations_campaign c ON c.fund_id = f.id AND c.starts_on = make_date(extract(year FROM d.day)::int, 3, 1)
                                            AND i %% 3 <> 0
            """,
            {"user": users["reviewer"].pk},
        )
        cursor.execute(
            """
            INSERT INTO funds_ledgerentry (kind, amount, booked_on, description, reason, created_at, fund_id)
            SELECT 'opening', 50000000, date '2016-12-31', '期初余额', '', now(), id FROM funds_fund
            """
        )
        cursor.execute(
            """
            INSERT INTO funds_ledgerentry (kind, amount, booked_on, description, reason, created_at, fund_id,
                                           payout_id)
            SELECT 'payout', -amount, paid_on, '拨付', '', now(), fund_id, id FROM cases_payout WHERE status = 'paid'
            """
        )
        cursor.execute(
            """
            INSERT INTO funds_ledgerentry (kind, amount, booked_on, description, reason, created_at, fund_id,
                                           donation_id)
            SELECT 'donation', amount, received_on, '捐款', '', now(), fund_id, id
            FROM donations_donation WHERE status = 'confirmed'
            """
        )
        cursor.execute("ANALYZE")
        counts = {}
        for table in ("cases_application", "reliefdesk_historyevent", "cases_payout", "donations_donation",
                      "funds_ledgerentry"):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            counts[table] = cursor.fetchone()[0]
    return {"users": users, "counts": counts}


def measure(users: dict, repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from reports.exports import TABLES, tables_for
    from reports.periods import Period
    from reports.selectors import dashboard

    setup_test_environment()
    periods = {
        "2022 Q1": ({"kind": "quarter", "year": "2022", "quarter": "1"}, Period.quarter(2022, 1)),
        "2022": ({"kind": "year", "year": "2022"}, Period.year(2022)),
    }
    print(f"{'who':<10} {'period':<8} {'figures min/median s':>22} {'page min/median s':>20} {'queries':>8}")
    for who in ("reviewer", "liaison", "admin"):
        user = users[who]
        client = Client()
        client.force_login(user)
        for name, (params, period) in periods.items():
            def figures():
                report = dashboard(user, period)
                return [TABLES[key](report) for key in tables_for(report)]

            _result, figure_times = _timed(name, figures, repeat)
            executed = []

            def count(execute, sql, params, many, context):
                executed.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                response = client.get("/reports/", params)
            assert response.status_code == 200, response.status_code
            _result, page_times = _timed(name, lambda: client.get("/reports/", params), repeat)
            print(f"{who:<10} {name:<8} {min(figure_times):>10.3f}/{statistics.median(figure_times):<10.3f} "
                  f"{min(page_times):>9.3f}/{statistics.median(page_times):<9.3f} {len(executed):>8}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="applications to create")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    with throwaway_database(BENCH_DB, keep=args.keep):
        started = time.perf_counter()
        filled = fill(args.rows)
        print(f"filled in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{table} {count:,}" for table, count in filled["counts"].items()))
        measure(filled["users"], args.repeat)

if __name__ == "__main__":
    main()
