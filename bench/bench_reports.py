"""How long the reports page takes at 10,000, 100,000 and 1,000,000 applications, beside a hand-written SQL.

For each size it takes the city of ``bench/build_city.py`` (16 districts, Shunyi with 65 stations and
61.7 % of the cases, their history, batches, payouts and ledger), built under this bench's own name
(``speed-reports_city_<size>``) and kept for the next run; the summaries are filled by their triggers
as the city is loaded. Then it times, for the Shunyi reviewer (district scope) and the liaison of its
first station (station scope), for 2025 Q2 and the year 2025: the whole reports page (``/reports/``,
every figure, table and chart), its queries, the figures alone, and in the same run the baseline:
one hand-written grouped SQL pass over the same applications, history and payouts (the figures of
the overview, the categories and the stations, with the days to payment).

With ``--writes`` it times instead what keeping the summaries costs: approving batches of 1,000 and
10,000 cases with the summary triggers and, in the same run, with them disabled.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_reports.py \
        [--rows 10000,100000,1000000] [--repeat 5] [--drop] [--writes]
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import build_city
from _throwaway import throwaway_database

CITY_PREFIX = "speed-reports_city_"


def _timed(label: str, func, repeat: int = 1):
    times = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return result, times


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
    """The hand-written grouped pass over the records for the user's scope: its rows."""
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
        return cursor.fetchall()


def baseline_overview(rows) -> dict:
    """The overview's figures summed from the baseline's rows, to hold the page's figures against."""
    from decimal import Decimal

    overview = {"received": 0, "verified": 0, "approved": 0, "rejected": 0, "returned": 0, "withdrawn": 0,
                "paid_count": 0, "paid_amount": Decimal("0.00"), "median_days": None, "p90_days": None}
    for _station, _category, figure, n, amount, _code, _name, _category_name, median, p90 in rows:
        overview["paid_count" if figure == "paid" else figure] += n
        overview["paid_amount"] += amount or 0
        overview["median_days"] = None if median is None else round(Decimal(median), 1)
        overview["p90_days"] = None if p90 is None else round(Decimal(p90), 1)
    return overview


def measure(rows: int, users: dict, repeat: int) -> list[str]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from reports.exports import TABLES, tables_for
    from reports.periods import Period
    from reports.selectors import dashboard

    setup_test_environment()
    periods = {
        "2025 Q2": ({"kind": "quarter", "year": "2025", "quarter": "2"}, Period.quarter(2025, 2)),
        "2025": ({"kind": "year", "year": "2025"}, Period.year(2025)),
    }
    lines = []
    for scope, user in users.items():
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
            shown = response.context["report"].overview
            expected = baseline_overview(baseline(user, period))
            assert {key: shown[key] for key in expected} == expected, (scope, name, shown, expected)
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


SUMMARY_TRIGGERS = {
    "cases_application": ("application_figures_insert", "application_figures_update", "application_figures_delete",
                          "payout_figures_application"),
    "reliefdesk_historyevent": ("history_application_figures",),
    "cases_payout": ("payout_figures_insert", "payout_figures_update", "payout_figures_delete"),
    "funds_ledgerentry": ("ledger_figures_insert",),
}


def set_summary_triggers(enabled: bool) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table, triggers in SUMMARY_TRIGGERS.items():
            for trigger in triggers:
                cursor.execute(f"ALTER TABLE {table} {'ENABLE' if enabled else 'DISABLE'} TRIGGER {trigger}")


def measure_writes(sizes: list[int], repeat: int) -> None:
    """What keeping the summaries costs a write: a batch approved (every case frozen, its payout and its
    history row) with the summary triggers and, in the same run, with them disabled."""
    from bench_batch_approve import noticed_batch, setup_reference_data
    from cases.services.batches import batch_approve

    ref = setup_reference_data()
    offset = 0
    print(f"{'cases':>8} {'with summaries s':>17} {'without s':>10}")
    for size in sizes:
        times = {True: [], False: []}
        for run in range(repeat):
            for enabled in (True, False):
                set_summary_triggers(enabled)
                batch = noticed_batch(ref, size, offset, f"基准批次{size}-{run}-{enabled}")
                offset += size
                started = time.perf_counter()
                batch_approve(batch=batch, actor=ref["approver"], meeting_date=dt.date(2022, 3, 14),
                              minutes_reference="基准", attendees="基准", today=dt.date(2022, 3, 14))
                times[enabled].append(time.perf_counter() - started)
        set_summary_triggers(True)
        print(f"{size:>8} {statistics.median(times[True]):>17.2f} {statistics.median(times[False]):>10.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000,100000,1000000", help="applications, comma-separated sizes")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per case")
    parser.add_argument("--drop", action="store_true", help="drop the city databases afterwards")
    parser.add_argument("--writes", action="store_true",
                        help="instead: time a batch approval with and without the summary triggers")
    args = parser.parse_args()

    if args.writes:
        with throwaway_database("speed-reports_bench_writes"):
            measure_writes([1000, 10000], args.repeat)
        return
    sizes = [int(size) for size in args.rows.split(",")]
    if len(sizes) > 1:
        # One process per size: Django's connection settings are fixed once it is set up.
        lines = []
        for rows in sizes:
            command = [sys.executable, __file__, "--rows", str(rows), "--repeat", str(args.repeat)]
            output = subprocess.run(command + ["--drop"] * args.drop, check=True, text=True,
                                    stdout=subprocess.PIPE).stdout
            print(output, end="", flush=True)
            lines += [line for line in output.splitlines() if line.startswith(f"{rows:>9,} ")]
        print()
        print(HEADER)
        print("\n".join(lines))
        return
    (rows,) = sizes
    build_city.PREFIX = CITY_PREFIX  # this bench's own city, never another bench's
    started = time.perf_counter()
    city = build_city.city_database(rows)
    print(f"{city.name}: ready in {time.perf_counter() - started:.1f} s", flush=True)
    from django.contrib.auth import get_user_model

    users = {scope: get_user_model().objects.get(username=city.users[who])
             for scope, who in (("district", "reviewer"), ("station", "liaison"))}
    print(HEADER, flush=True)
    measure(rows, users, args.repeat)
    if args.drop:
        from django.db import connections

        connections.close_all()
        build_city.drop_city(rows)


if __name__ == "__main__":
    main()
