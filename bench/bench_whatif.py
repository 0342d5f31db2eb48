"""How long the what-if takes to re-judge 100,000 decided cases under a draft rule set.

Creates a throwaway database (``bench_whatif``) on the server of DATABASE_URL,
migrates it, builds the Shunyi 2022 rules, a draft revision and 100,000
approved or paid medical cases in 2022 (``bulk_create``; five cases per
member, so the per-person bookkeeping of the what-if is exercised), then times ``funds.whatif.run_whatif`` (one
streamed query, the pure engine in Python). The database is dropped at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_whatif.py [--rows N]
"""
from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _throwaway import id_birth_date, id_number, throwaway_database

BENCH_DB = "bench_whatif"
D = Decimal


def fill(rows: int):
    from django.contrib.auth import get_user_model

    from cases.models import Application, Member
    from funds import engine
    from funds.models import AidCategory, Fund, RuleSet, Tier
    from funds.selectors import rules_of
    from funds.services import rule_set_revise, rule_set_save_tiers
    from reliefdesk.models import District, Employer, Role, StaffAssignment, Station

    shunyi = District.objects.create(code="SY", name="顺义", name_en="Shunyi")
    station = Station.objects.create(district=shunyi, code="SY01", name="顺义第一工会服务站")
    employer = Employer.objects.create(district=shunyi, name="北京顺鑫农业股份有限公司")
    fund = Fund.objects.create(slug="shunyi", name="北京市温暖基金会（顺义区）职工专项温暖基金", district=shunyi)
    medical = AidCategory.objects.create(code="medical", name="大病医疗救助", name_en="Medical")
    admin = get_user_model().objects.create_user(username="bench_admin", password="bench-password-1")
    StaffAssignment.objects.create(user=admin, role=Role.ADMIN)

    active = RuleSet.objects.create(fund=fund, category=medical, version_name="2022年修订",
                                    effective_from=dt.date(2022, 1, 1), status=RuleSet.Status.ACTIVE,
                                    minimum_basis=D("20000"))
    Tier.objects.bulk_create([
        Tier(rule_set=active, lower=D("20000"), upper=D("50000"), kind="rate", rate=D("15")),
        Tier(rule_set=active, lower=D("50000"), upper=D("100000"), kind="rate", rate=D("20")),
        Tier(rule_set=active, lower=D("100000"), upper=None, kind="fixed", amount=D("30000")),
    ])
    draft = rule_set_revise(rule_set=active, actor=admin)
    rule_set_save_tiers(rule_set=draft, actor=admin, tiers=[
        {"lower": D("20000"), "upper": D("50000"), "kind": "rate", "rate": D("20")},
        {"lower": D("50000"), "upper": D("100000"), "kind": "rate", "rate": D("25")},
        {"lower": D("100000"), "upper": None, "kind": "fixed", "amount": D("35000")},
    ])

    member_count = max(rows // 5, 1)
    members = Member.objects.bulk_create([
        Member(name=f"会员{n}", id_number=id_number(n), birth_date=id_birth_date(n),
               sex="M", employer=employer, card_number="6222020200001234567", bank_name="中国工商银行")
        for n in range(member_count)
    ], batch_size=5000)
    rules = rules_of(active)
    applications = []
    for n in range(rows):
        self_paid = D(20000 + (n * 7919) % 130000) + D("0.50")
        event = dt.date(2022, 1, 1) + dt.timedelta(days=n % 360)
        granted = engine.evaluate(rules, engine.Facts(self_paid, event, event)).amount or D("0")
        member = members[n % member_count]
        applications.append(Application(
            reference=f"SY-2022-{n + 1:06d}", fund=fund, category=medical, member=member,
            beneficiary_id_number=member.id_number, beneficiary_name=member.name, station=station, district=shunyi,
            created_by=admin, status="paid" if n % 4 else "approved", event_date=event,
            total_cost=self_paid, self_paid=self_paid, awarded_amount=granted, awarded_rule_set=active,
        ))
        if len(applications) == 5000:
            Application.objects.bulk_create(applications)
            applications = []
    Application.objects.bulk_create(applications)
    return draft


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="decided cases to create")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    with throwaway_database(BENCH_DB, keep=args.keep):
        from django.db import connection

        from funds.whatif import run_whatif

        started = time.perf_counter()
        draft = fill(args.rows)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"filled {args.rows:,} decided cases in {time.perf_counter() - started:.1f} s")
        times = []
        result = None
        for _ in range(args.repeat):
            started = time.perf_counter()
            result = run_whatif(draft, date_from=dt.date(2022, 1, 1), date_to=dt.date(2022, 12, 31))
            times.append(time.perf_counter() - started)
        print(f"what-if over {result.count:,} cases: best {min(times):.2f} s, runs "
              + ", ".join(f"{t:.2f}" for t in times) + " s")
        print(f"  granted then {result.total_granted:,.2f}, under the draft {result.total_draft:,.2f}, "
              f"difference {result.difference:,.2f}, not eligible {result.not_eligible:,}")
        print(f"  {result.count / min(times):,.0f} cases a second; "
              f"max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")

if __name__ == "__main__":
    main()
