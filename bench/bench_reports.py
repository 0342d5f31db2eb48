"""How long the reports page takes at 10,000, 100,000 and 1,000,000 applications, beside a hand-written SQL.

For each size it creates a throwaway database (``speed-reports_bench_<rows>``) on the server of
DATABASE_URL, migrates it, fills it on the server with INSERT ... SELECT generate_series
(applications over eight years in 顺义's 29 stations and 大兴's 3, their history rows, payouts,
donations and ledger; the summaries follow through their triggers), then times, for a district
reviewer and a station liaison and for 2022 Q1 and the year 2022: the whole reports page
(``/reports/``, every figure, table and chart), its queries, the figures alone, and in the same run
the baseline: one hand-written grouped SQL pass over the same applications, history and payouts
(the figures of the overview, the categories and the stations, with the days to payment).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_reports.py \
        [--rows 10000,100000,1000000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _throwaway import _server_url, database_url, throwaway_database

BENCH_DB = "speed-reports_bench_{rows}"


def slow_statements(execute, sql, params, many, context):
    """Print each filling statement that takes a second or more (its triggers included)."""
    started = time.perf_counter()
    result = execute(sql, params, many, context)
    elapsed = time.perf_counter() - started
    if elapsed >= 1:
        print(f"  {elapsed:6.1f} s  {' '.join(sql.split())[:90]}", file=sys.stderr, flush=True)
    return result


@contextmanager
def kept_database(name: str):
    """Django set up on the kept database ``name``, migrated to the code's migrations."""
    os.environ["DATABASE_URL"] = _server_url(database_url(), name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reliefdesk.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    yield


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
        # Payouts go in pending; the paid ones get their debit first and then point at it (paid needs its debit).
        cursor.execute(
            """
            INSERT INTO cases_payout (amount, payee_name, payee_id_number, card_number, bank_name, status, paid_on,
                                      bank_reference, failure_reason, created_at, application_id, batch_id,
                                      district_id, fund_id, station_id)
            SELECT a.awarded_amount, '会员', a.beneficiary_id_number, '6222020200001234567', '中国工商银行',
                   'pending', NULL, '', '', a.submitted_at, a.id,
                   (%(batches)s::bigint[])[array_position(%(stations)s::bigint[], a.station_id)],
                   a.district_id, a.fund_id, a.station_id
            FROM cases_application a WHERE a.status IN ('paid', 'approved')
            """,
            {"batches": batch_ids, "stations": station_ids},
        )
        cursor.execute(
            """
            INSERT INTO funds_ledgerentry (kind, amount, booked_on, description, reason, created_at, fund_id)
            SELECT 'payout', -p.amount, (a.submitted_at AT TIME ZONE 'Asia/Shanghai')::date + 30 + (a.id % 40)::int,
                   'payout:' || p.id, '', now(), p.fund_id
            FROM cases_payout p JOIN cases_application a ON a.id = p.application_id WHERE a.status = 'paid'
            """
        )
        cursor.execute(
            """
            UPDATE cases_payout p SET status = 'paid', paid_on = e.booked_on, ledger_entry_id = e.id
            FROM funds_ledgerentry e WHERE e.kind = 'payout' AND e.description = 'payout:' || p.id
            """
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
            INSERT INTO funds_ledgerentry (kind, amount, booked_on, description, reason, created_at, fund_id)
            SELECT 'donation', amount, received_on, 'donation:' || id, '', now(), fund_id
            FROM donations_donation WHERE status = 'confirmed'
            """
        )
        cursor.execute(
            """
            UPDATE donations_donation d SET credit_entry_id = e.id
            FROM funds_ledgerentry e WHERE e.kind = 'donation' AND e.description = 'donation:' || d.id
            """
        )
        cursor.execute("ANALYZE")
        counts = {}
        for table in ("cases_application", "reliefdesk_historyevent", "cases_payout", "donations_donation",
                      "funds_ledgerentry"):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            counts[table] = cursor.fetchone()[0]
    return {"users": users, "counts": counts}


BASELINE_SQL = """
WITH figure_map(action, figure) AS (VALUES
    ('application.verified', 'verified'), ('application.verify', 'verified'),
    ('application.approved', 'approved'), ('application.approve', 'approved'),
    ('application.rejected', 'rejected'), ('application.reject', 'rejected'),
    ('application.returned', 'returned'), ('application.return', 'returned'),
    ('application.withdrawn', 'withdrawn'), ('application.withdraw', 'withdrawn')),
events AS (
    SELECT DISTINCT h.object_id AS id, m.figure
    FROM reliefdesk_historyevent h JOIN figure_map m ON m.action = h.action
    WHERE h.content_type_id = %(ct)s AND h.created_at >= %(start_at)s AND h.created_at < %(end_before)s
    UNION ALL
    SELECT id, 'received' FROM cases_application WHERE submitted_at >= %(start_at)s AND submitted_at < %(end_before)s
),
cells AS (
    SELECT a.station_id, a.category_id, e.figure, count(*) AS n, NULL::numeric AS amount
    FROM events e JOIN cases_application a ON a.id = e.id
    WHERE {scope_a}
    GROUP BY a.station_id, a.category_id, e.figure
    UNION ALL
    SELECT p.station_id, a.category_id, 'paid', count(*), sum(p.amount)
    FROM cases_payout p JOIN cases_application a ON a.id = p.application_id
    WHERE p.status = 'paid' AND p.paid_on BETWEEN %(start)s AND %(end)s AND {scope_p}
    GROUP BY p.station_id, a.category_id
)
SELECT c.*, s.code, s.name, k.name,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY p.paid_on - (a.submitted_at AT TIME ZONE 'Asia/Shanghai')::date)
        FROM cases_payout p JOIN cases_application a ON a.id = p.application_id
        WHERE p.status = 'paid' AND p.paid_on BETWEEN %(start)s AND %(end)s AND {scope_p}) AS median_days,
       (SELECT percentile_cont(0.9) WITHIN GROUP (ORDER BY p.paid_on - (a.submitted_at AT TIME ZONE 'Asia/Shanghai')::date)
        FROM cases_payout p JOIN cases_application a ON a.id = p.application_id
        WHERE p.status = 'paid' AND p.paid_on BETWEEN %(start)s AND %(end)s AND {scope_p}) AS p90_days
FROM cells c JOIN reliefdesk_station s ON s.id = c.station_id JOIN funds_aidcategory k ON k.id = c.category_id
"""


def baseline(user, period) -> int:
    """The hand-written grouped pass over the records for the user's scope; returns its row count."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from cases.models import Application
    from reliefdesk.scope import assignment_of, station_ids_of

    assignment = assignment_of(user)
    if assignment.role == "liaison":
        ids = ",".join(str(pk) for pk in station_ids_of(user))
        scope_a, scope_p = f"a.station_id IN ({ids})", f"p.station_id IN ({ids})"
    else:
        scope_a, scope_p = f"a.district_id = {assignment.district_id}", f"p.district_id = {assignment.district_id}"
    params = {"ct": ContentType.objects.get_for_model(Application).pk, "start_at": period.start_at,
              "end_before": period.end_before, "start": period.start, "end": period.end}
    with connection.cursor() as cursor:
        cursor.execute(BASELINE_SQL.format(scope_a=scope_a, scope_p=scope_p), params)
        return len(cursor.fetchall())


def measure(rows: int, users: dict, repeat: int) -> list[str]:
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
    lines = []
    for who, scope in (("reviewer", "district"), ("liaison", "station")):
        user = users[who]
        client = Client()
        client.force_login(user)
        for name, (params, period) in periods.items():
            def figures():
                report = dashboard(user, period)
                return [TABLES[key](report) for key in tables_for(report)]

            executed = []

            def count(execute, sql, sql_params, many, context):
                executed.append(sql)
                return execute(sql, sql_params, many, context)

            with connection.execute_wrapper(count):
                response = client.get("/reports/", params)
            assert response.status_code == 200, response.status_code
            _result, page_times = _timed(name, lambda: client.get("/reports/", params), repeat)
            _result, figure_times = _timed(name, figures, repeat)
            _result, base_times = _timed(name, lambda: baseline(user, period), repeat)
            lines.append(f"{rows:>9,} {scope:<9} {name:<8} {statistics.median(page_times) * 1000:>9.1f} "
                         f"{max(page_times) * 1000:>9.1f} {len(executed):>8} {statistics.median(figure_times) * 1000:>10.1f} "
                         f"{statistics.median(base_times) * 1000:>12.1f}")
            print(lines[-1], flush=True)
    return lines


HEADER = (f"{'apps':>9} {'scope':<9} {'period':<8} {'page p50':>9} {'page max':>9} {'queries':>8} "
          f"{'figures p50':>10} {'baseline p50':>12}   (milliseconds)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000,1000000", help="applications to create, comma-separated sizes")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case")
    parser.add_argument("--keep", action="store_true", help="keep the bench databases afterwards")
    parser.add_argument("--reuse", action="store_true",
                        help="measure a database kept by an earlier --keep run (migrated first) instead of filling one")
    args = parser.parse_args()

    sizes = [int(size) for size in args.rows.split(",")]
    if len(sizes) > 1:
        # One process per size: Django's connection settings are fixed once it is set up.
        lines = []
        for rows in sizes:
            command = [sys.executable, __file__, "--rows", str(rows), "--repeat", str(args.repeat)]
            command += ["--keep"] * args.keep + ["--reuse"] * args.reuse
            output = subprocess.run(command, check=True, text=True,
                                    stdout=subprocess.PIPE).stdout
            print(output, end="", flush=True)
            lines += [line for line in output.splitlines() if line.startswith(f"{rows:>9,} ")]
        print()
        print(HEADER)
        print("\n".join(lines))
        return
    (rows,) = sizes
    if args.reuse:
        with kept_database(BENCH_DB.format(rows=rows)):
            from django.contrib.auth import get_user_model

            users = {who: get_user_model().objects.get(username=f"bench_{who}") for who in ("reviewer", "liaison")}
            print(HEADER, flush=True)
            measure(rows, users, args.repeat)
        return
    with throwaway_database(BENCH_DB.format(rows=rows), keep=args.keep):
        from django.db import connection

        started = time.perf_counter()
        with connection.execute_wrapper(slow_statements):
            filled = fill(rows)
        print(f"{rows:,}: filled in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{table} {count:,}" for table, count in filled["counts"].items()), flush=True)
        print(HEADER, flush=True)
        measure(rows, filled["users"], args.repeat)


if __name__ == "__main__":
    main()
