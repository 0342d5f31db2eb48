"""Server time of the donor pages with 100,000 donors in one district.

Creates a throwaway database (``speed-pages_donors``) on the server of
DATABASE_URL, COPYs in 100,000 donors of 顺义 (units and individuals, their
names starting with a hundred surnames) and 5,000 of 大兴, and 20,000
confirmed donations spread over the first donors, then requests as 顺义's
finance, through Django's test client: the donation form, the search as it is
typed (one character, two, a piece inside a unit), the search button without a script, the donor
list's first page, a page deep in the list (walked by key) and a searched list.
Beside each, in the same run: hand-written SQL for the same rows. The
database is dropped at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_donors.py \
        [--donors 100000] [--repeat 15]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _throwaway import throwaway_database

BENCH_DB = "speed-pages_donors"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢" \
           "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"

SEARCH_SQL = """
SELECT id, name, unit_name, kind FROM donations_donor
WHERE district_id = %s AND (UPPER(name) LIKE %s OR UPPER(unit_name) LIKE %s) ORDER BY UPPER(name), name, id
LIMIT 10
"""
INSIDE_SQL = """
SELECT id, name, unit_name, kind FROM donations_donor
WHERE district_id = %s AND (UPPER(name) LIKE %s OR UPPER(unit_name) LIKE %s
      OR (name_pieces @> %s::text[] AND UPPER(name) LIKE %s)
      OR (unit_pieces @> %s::text[] AND UPPER(unit_name) LIKE %s))
ORDER BY UPPER(name) LIKE %s OR UPPER(unit_name) LIKE %s DESC, UPPER(name), name, id
LIMIT 10
"""
LIST_SQL = """
WITH page AS (SELECT id FROM donations_donor WHERE district_id = %s AND (name, id) > (%s, %s)
              ORDER BY name, id LIMIT 51)
SELECT d.id, d.name, d.kind, d.unit_name,
       count(n.id) FILTER (WHERE n.status = 'recorded'), coalesce(sum(n.amount) FILTER (WHERE n.status = 'recorded'), 0)
FROM page JOIN donations_donor d ON d.id = page.id LEFT JOIN donations_donation n ON n.donor_id = d.id
GROUP BY d.id ORDER BY d.name, d.id
"""


def _times(func, repeat: int) -> list[float]:
    func()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return times


def _p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


def fill(donors: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from donations.models import Donor
    from funds.models import Fund
    from reliefdesk.bulk import copy_rows
    from reliefdesk.models import District, Role, StaffAssignment

    shunyi = District.objects.create(code="SY", name="顺义")
    daxing = District.objects.create(code="DX", name="大兴")
    fund = Fund.objects.create(slug="shunyi", name="顺义温暖基金", district=shunyi)
    finance = get_user_model().objects.create(username="bench-finance")
    StaffAssignment.objects.create(user=finance, role=Role.FINANCE, district=shunyi)

    def donor_rows(district, count, tag):
        for n in range(count):
            surname = SURNAMES[n % len(SURNAMES)]
            if n % 10 == 0:
                yield (Donor.Kind.UNIT, f"{surname}氏{tag}实业有限公司{n}", district.pk, "", "")
            else:
                yield (Donor.Kind.INDIVIDUAL, f"{surname}{tag}{n}", district.pk, f"{SURNAMES[n % 37]}氏{tag}单位{n % 300}", "")

    with transaction.atomic():
        copy_rows("donations_donor", ["kind", "name", "district_id", "unit_name", "contact"], donor_rows(shunyi, donors, "顺"))
        copy_rows("donations_donor", ["kind", "name", "district_id", "unit_name", "contact"], donor_rows(daxing, 5000, "大"))
        with connection.cursor() as cursor:
            # Recorded (not yet confirmed) gifts: the list sums them the same way, no ledger entry needed.
            cursor.execute("""
                INSERT INTO donations_donation (fund_id, district_id, donor_id, amount, received_on, channel,
                    external_reference, receipt_year, receipt_seq, receipt_number, note, status, void_reason,
                    recorded_by_id, created_at)
                SELECT %s, %s, d.id, 10 + d.id %% 90, DATE '2022-03-05', 'bank', NULL, 2022,
                       row_number() OVER (ORDER BY d.id), 'BENCH-' || d.id, '', 'recorded', '', %s, now()
                FROM donations_donor d WHERE d.district_id = %s ORDER BY d.id LIMIT 20000
            """, [fund.pk, shunyi.pk, finance.pk, shunyi.pk])
            cursor.execute("ANALYZE")
    return {"finance": finance, "fund": fund, "district": shunyi}


def measure(filled: dict, repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from donations.models import Donor

    district = filled["district"]
    client = Client()
    client.force_login(filled["finance"])
    deep = Donor.objects.filter(district=district).order_by("name", "pk").values_list("name", "pk")[80_000]
    form_url, search_url, list_url = (reverse("donations:donation-create"), reverse("donations:donor-search"),
                                      reverse("donations:donor-list"))
    search_post = {"fund": filled["fund"].pk, "donor_q": "张", "amount": "10", "received_on": "2022-03-05",
                   "channel": "bank", "search_donors": "1"}
    from reliefdesk.search import name_pieces

    def inside(text):
        pieces, start, anywhere = name_pieces(text), f"{text}%", f"%{text}%"
        return (INSIDE_SQL, [district.pk, start, start, pieces, anywhere, pieces, anywhere, start, start])

    cases = [
        ("donation form", lambda: client.get(form_url), None),
        ("search '张' as typed", lambda: client.get(search_url, {"q": "张"}), (SEARCH_SQL, [district.pk, "张%", "张%"])),
        ("search '张顺1' as typed", lambda: client.get(search_url, {"q": "张顺1"}),
         (SEARCH_SQL, [district.pk, "张顺1%", "张顺1%"])),
        ("search '顺单位29' (inside a unit)", lambda: client.get(search_url, {"q": "顺单位29"}), inside("顺单位29")),
        ("search '实业有限' (inside, 10,000)", lambda: client.get(search_url, {"q": "实业有限"}), inside("实业有限")),
        ("search button (no script)", lambda: client.post(form_url, search_post),
         (SEARCH_SQL, [district.pk, "张%", "张%"])),
        ("donor list, first page", lambda: client.get(list_url), (LIST_SQL, [district.pk, "", 0])),
        ("donor list, 80,000 in", lambda: client.get(list_url, {"after": deep[1]}),
         (LIST_SQL, [district.pk, deep[0], deep[1]])),
        ("donor list, searched '李'", lambda: client.get(list_url, {"q": "李"}),
         (SEARCH_SQL.replace("LIMIT 10", "LIMIT 51"), [district.pk, "李%", "李%"])),
    ]
    print(f"{'request':<28} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KB':>6} {'SQL p50 ms':>11}")
    for name, request, baseline in cases:
        executed = []

        def count(execute, sql, params, many, context):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = request()
        assert response.status_code == 200, (name, response.status_code)
        times = _times(request, repeat)
        sql = ""
        if baseline is not None:
            def raw():
                with connection.cursor() as cursor:
                    cursor.execute(*baseline)
                    cursor.fetchall()
            sql = f"{statistics.median(_times(raw, repeat)) * 1000:.2f}"
        print(f"{name:<28} {statistics.median(times) * 1000:>8.1f} {_p95(times) * 1000:>8.1f} {len(executed):>8} "
              f"{len(response.content) / 1024:>6.0f} {sql:>11}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--donors", type=int, default=100_000, help="donors of the district")
    parser.add_argument("--repeat", type=int, default=15, help="timed requests each")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()
    os.environ.setdefault("DEBUG", "false")
    with throwaway_database(BENCH_DB, keep=args.keep):
        started = time.perf_counter()
        filled = fill(args.donors)
        print(f"filled in {time.perf_counter() - started:.1f} s")
        measure(filled, args.repeat)


if __name__ == "__main__":
    main()
