"""How fast the case list answers at city scale, beside hand-written SQL for the same rows.

On the city of ``bench/build_city.py`` (1,000,000 applications by default; built once, then reused),
as the Shunyi reviewer and as a liaison: the default order, every sort, every filter, every kind of
search and a deep page (page 2000, or the liaison's last page). Each row prints p50/p95 of the whole
request through Django (middleware, selector, template), the queries it made, and p50/p95 of one
hand-written SQL statement that reads the same 25 rows with the same columns (checked to be the same
ids) plus the capped count the page shows, with their ratio; and the time the request's own queries
spent in the database, beside the same hand-written SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_case_list.py [--size N] [--runs 20]
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_city import DEFAULT_SIZE, city_database  # noqa: E402

os.environ.setdefault("DEBUG", "false")  # as served: no query log kept in memory
ROW_LINK = re.compile(r'href="/cases/applications/(\d+)/"')

PAGE = 25
COLUMNS = ("a.id, a.reference, a.beneficiary_name, a.beneficiary_id_number, a.status, a.self_paid, "
           "a.estimate_amount, a.created_at, a.station_id, a.category_id, s.name, c.name")
ORDER = {
    "-created": "a.created_at DESC, a.id DESC", "created": "a.created_at, a.id",
    "reference": "a.reference", "-reference": "a.reference DESC",
    "name": "a.beneficiary_name, a.id", "-name": "a.beneficiary_name DESC, a.id DESC",
    "status": "a.status, a.created_at, a.id", "-status": "a.status DESC, a.created_at DESC, a.id DESC",
    "self_paid": "a.self_paid, a.id", "-self_paid": "a.self_paid DESC, a.id DESC",
    "estimate": "a.estimate_amount, a.id", "-estimate": "a.estimate_amount DESC, a.id DESC",
    "submitted": "a.submitted_at, a.id", "-submitted": "a.submitted_at DESC, a.id DESC",
    "event": "a.event_date, a.id", "-event": "a.event_date DESC, a.id DESC",
}


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(function, runs):
    function()  # warm: plans, caches
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - started)
    return result, statistics.median(seconds) * 1000, percentile(seconds, 0.95) * 1000


def sample_values(cursor, city):
    """Search values taken from the data: a whole ID, a reference, names, the end of an ID."""
    cursor.execute("SELECT beneficiary_id_number, reference, beneficiary_name FROM cases_application "
                   "WHERE district_id = %s AND station_id = %s ORDER BY id DESC LIMIT 1",
                   [city.shunyi_id, city.shunyi_station_ids[0]])
    id_number, reference, name = cursor.fetchone()
    return {"id_number": id_number, "reference": reference, "reference_prefix": reference[:9],
            "id_end": id_number[-6:], "name_prefix": name[0], "inside_name": name[1:3] if len(name) > 2 else name}


def cases_for(role, city, values, station_count):
    """(label, GET parameters, hand-written WHERE (extra conditions, parameters), page)."""
    rows = [("default order", {}, ("", []), 1)]
    for sort in ORDER:
        if sort != "-created":
            rows.append((f"sort {sort}", {"sort": sort}, ("", []), 1))
    rows += [
        ("status = returned", {"status": "returned"}, ("AND a.status = %s", ["returned"]), 1),
        ("status = payment_failed", {"status": "payment_failed"}, ("AND a.status = %s", ["payment_failed"]), 1),
        ("category (not the common one)", {"category": values["category"]},
         ("AND a.category_id = %s", [values["category"]]), 1),
        ("fund", {"fund": values["fund"]}, ("AND a.fund_id = %s", [values["fund"]]), 1),
        ("created in a month", {"created_from": "2024-03-01", "created_to": "2024-03-31"},
         ("AND a.created_at >= '2024-03-01T00:00:00+08:00' AND a.created_at < '2024-04-01T00:00:00+08:00'", []), 1),
    ]
    if role == "reviewer":
        station = city.shunyi_station_ids[7]
        rows.append(("station", {"station": station}, ("AND a.station_id = %s", [station]), 1))
    rows += [
        ("search: whole ID number", {"q": values["id_number"]},
         ("AND (a.beneficiary_id_number = %s "
          "OR a.member_id = ANY(ARRAY(SELECT id FROM cases_member WHERE id_number = %s)))",
          [values["id_number"], values["id_number"]]), 1),
        ("search: whole reference", {"q": values["reference"]}, ("AND a.reference = %s", [values["reference"]]), 1),
        ("search: reference prefix", {"q": values["reference_prefix"]},
         ("AND a.reference LIKE %s", [values["reference_prefix"] + "%"]), 1),
        ("search: end of an ID number", {"q": values["id_end"]},
         ("AND (a.beneficiary_id_number LIKE %s OR reverse(a.beneficiary_id_number) LIKE %s)",
          [values["id_end"] + "%", values["id_end"][::-1] + "%"]), 1),
        ("search: name prefix (surname)", {"q": values["name_prefix"]},
         ("AND a.beneficiary_name LIKE %s", [values["name_prefix"] + "%"]), 1),
        ("search: inside a name", {"q": values["inside_name"]},
         ("AND cases_name_bigrams(a.beneficiary_name) @> %s::text[] AND upper(a.beneficiary_name) LIKE %s",
          [[values["inside_name"][i:i + 2].upper() for i in range(len(values["inside_name"]) - 1)],
           "%" + values["inside_name"].upper() + "%"]), 1),
    ]
    deep = 2000 if role == "reviewer" else max(1, -(-station_count // PAGE))
    rows.append((f"page {deep}", {"page": deep}, ("", []), deep))
    rows.append((f"page {deep}, sort -self_paid", {"page": deep, "sort": "-self_paid"}, ("", []), deep))
    return rows


def run(size: int, runs: int) -> None:
    city = city_database(size)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from funds.models import AidCategory, Fund
    from reliefdesk.models import StaffAssignment

    url = reverse("cases:application-list")
    User = get_user_model()
    with connection.cursor() as cursor:
        values = sample_values(cursor, city)
        cursor.execute("SELECT count(*) FROM cases_application WHERE station_id = %s", [city.shunyi_station_ids[0]])
        station_count = cursor.fetchone()[0]
    values["category"] = AidCategory.objects.get(code="education").pk
    values["fund"] = Fund.objects.get(district_id=city.shunyi_id).pk
    print(f"case list on {city.name}: {size:,} applications; p50/p95 in ms over {runs} runs; "
          f"hand-written SQL reads the same 25 rows", flush=True)
    worst = {"p95": 0.0, "ratio": 0.0, "queries": 0, "db_ratio": 0.0}
    for role, username in (("reviewer", city.users["reviewer"]), ("liaison", city.users["liaison"])):
        user = User.objects.get(username=username)
        assignment = StaffAssignment.objects.get(user=user)
        stations = list(assignment.stations.values_list("id", flat=True))
        if role == "reviewer":
            scope = ("a.district_id = %s", [city.shunyi_id])
        elif len(stations) == 1:  # "= ANY(array)" would keep the station's index from giving the order
            scope = ("a.station_id = %s", stations)
        else:
            scope = ("a.station_id IN %s", [tuple(stations)])
        client = Client()
        client.force_login(user)
        print(f"\n{role} ({username}, {'Shunyi' if role == 'reviewer' else f'{len(stations)} station, {station_count:,} cases'})")
        print(f"  {'what':36} {'Django p50':>10} {'p95':>8} {'queries':>7} {'in DB':>6} {'list':>6}   {'SQL p50':>8} "
              f"{'p95':>8}   {'p95 ×':>6} {'list ×':>6}")
        for label, params, (extra, extra_params), page in cases_for(role, city, values, station_count):
            sort = params.get("sort", "-created")
            sql = (f"SELECT {COLUMNS} FROM cases_application a JOIN reliefdesk_station s ON s.id = a.station_id "
                   f"JOIN funds_aidcategory c ON c.id = a.category_id WHERE {scope[0]} {extra} "
                   f"ORDER BY {ORDER[sort]} LIMIT {PAGE} OFFSET {(page - 1) * PAGE}")

            database_seconds, list_seconds = [], []

            def in_database(execute, sql, params, many, context):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    database_seconds[-1] += time.perf_counter() - started
                    if "cases_application" in sql:  # the count and the rows (not session, user, choices)
                        list_seconds[-1] += time.perf_counter() - started

            def django_page():
                database_seconds.append(0.0)
                list_seconds.append(0.0)
                with connection.execute_wrapper(in_database):
                    response = client.get(url, params)
                assert response.status_code == 200, response.status_code
                return [int(pk) for pk in ROW_LINK.findall(response.content.decode())]

            count_sql = (f"SELECT count(*) FROM (SELECT 1 FROM cases_application a WHERE {scope[0]} {extra} "
                         f"LIMIT 1001) AS capped")

            def hand_page():
                with connection.cursor() as cursor:
                    cursor.execute(sql, scope[1] + extra_params)
                    ids = [row[0] for row in cursor.fetchall()]
                    cursor.execute(count_sql, scope[1] + extra_params)  # the page shows the (capped) count
                    cursor.fetchone()
                    return ids

            with CaptureQueriesContext(connection) as queries:
                django_page()
            query_count = len(queries)  # read now: each request clears the connection's query log
            ids, d50, d95 = timed(django_page, runs)
            db50 = statistics.median(database_seconds[-runs:]) * 1000
            list50 = statistics.median(list_seconds[-runs:]) * 1000
            hand_ids, s50, s95 = timed(hand_page, runs)
            same = "" if ids == hand_ids else "  ROWS DIFFER"
            ratio = d95 / s95 if s95 else float("inf")
            db_ratio = list50 / s50 if s50 else float("inf")
            worst = {"p95": max(worst["p95"], d95), "ratio": max(worst["ratio"], ratio),
                     "queries": max(worst["queries"], query_count), "db_ratio": max(worst["db_ratio"], db_ratio)}
            print(f"  {label:36} {d50:10.1f} {d95:8.1f} {query_count:7d} {db50:6.2f} {list50:6.2f}   {s50:8.2f} {s95:8.2f}   "
                  f"{ratio:6.1f} {db_ratio:6.1f}{same}", flush=True)
    print(f"\nworst: p95 {worst['p95']:.1f} ms (target ≤ 50), {worst['ratio']:.1f}× the SQL's p95 "
          f"(target ≤ 3, less telling where the SQL takes under a millisecond), {worst['queries']} queries "
          f"(target ≤ 12); the page's count and rows take at most {worst['db_ratio']:.1f}× the time of the "
          f"hand-written rows and count (p50)")
    print("in DB: p50 of the time all the request's queries took (session, user, count, rows, choices); list: of "
          "its count and rows alone, beside the hand-written rows and capped count (list ×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    run(args.size, args.runs)


if __name__ == "__main__":
    main()
