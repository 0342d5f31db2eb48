"""How long generating and approving a monthly living-subsidy cycle takes for 100,000 households on file.

Creates a throwaway database on the server of DATABASE_URL, migrates it, writes the households (their
heads, 低保 from 2023, a card each) with COPY, then times ``cycle_generate`` and ``cycle_approve`` (every
line, every payout, in one transaction each) and counts their queries and the Python heap's peak. Beside
them, in the same run, the baseline: the bare INSERT … SELECT of the same lines and of their payouts,
which is the least any set-based generation and approval can cost. The database is dropped at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_cycles.py [--households 100000]
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _throwaway import id_birth_date, id_number, throwaway_database

BENCH_DB = "cycles-core_bench_cycles"
CYCLE_DATE = dt.date(2024, 3, 1)


def setup(households: int):
    from django.contrib.auth import get_user_model
    from django.db import connection

    from cases.models import Member
    from funds.models import AidCategory, Fund, LedgerEntry, Parameter, ParameterValue, Programme, RuleSet, Tier
    from households.models import Household
    from reliefdesk.bulk import copy_rows, draw_ids
    from reliefdesk.models import District, Employer, Role, StaffAssignment, Station

    district = District.objects.create(code="SY", name="顺义", name_en="Shunyi")
    stations = [Station.objects.create(district=district, code=f"SY{i:02d}", name=f"顺义第{i}工会服务站")
                for i in range(1, 30)]
    employer = Employer.objects.create(district=district, name="北京顺鑫农业股份有限公司")
    fund = Fund.objects.create(slug="shunyi", name="北京市温暖基金会（顺义区）职工专项温暖基金", district=district)
    category = AidCategory.objects.create(code="living", name="生活救助", name_en="Living aid")
    dibao = Parameter.objects.create(code="dibao_monthly", name="低保标准", name_en="monthly minimum living standard")
    ParameterValue.objects.create(parameter=dibao, valid_from=dt.date(2023, 9, 1), value=Decimal("1395.00"))
    programme = Programme.objects.create(fund=fund, category=category, code="living", name="生活补贴",
                                         schedule=Programme.Schedule.MONTHLY, enrolment=Programme.Enrolment.CIVIL_STATUS)
    rule_set = RuleSet.objects.create(fund=fund, category=category, programme=programme, version_name="2023年版",
                                      effective_from=dt.date(2023, 1, 1), status=RuleSet.Status.ACTIVE,
                                      basis=RuleSet.Basis.NONE, membership_required=False)
    Tier.objects.create(rule_set=rule_set, lower=Decimal("0"), kind=Tier.Kind.PARAMETER, parameter=dibao,
                        multiplier=Decimal("1"))
    LedgerEntry.objects.create(fund=fund, kind=LedgerEntry.Kind.OPENING, amount=Decimal("900000000.00"),
                               booked_on=dt.date(2023, 1, 1))
    User = get_user_model()
    reviewer = User.objects.create_user("bench_reviewer")
    StaffAssignment.objects.create(user=reviewer, role=Role.REVIEWER, district=district)
    approver = User.objects.create_user("bench_approver")
    StaffAssignment.objects.create(user=approver, role=Role.APPROVER, district=district)

    now = dt.datetime.now(dt.timezone.utc)
    member_ids = draw_ids(Member, households)
    copy_rows(Member._meta.db_table,
              ("id", "name", "id_number", "birth_date", "sex", "phone", "employer_id", "is_union_member",
               "card_number", "bank_name", "created_at", "updated_at"),
              ((pk, f"户主{n}", id_number(n), id_birth_date(n), "M", "", employer.pk, True,
                f"62220200{n:011d}", "中国工商银行北京顺义支行", now, now) for n, pk in enumerate(member_ids)))
    copy_rows(Household._meta.db_table,
              ("reference", "head_id", "station_id", "district_id", "status", "monthly_income", "causes",
               "cause_note", "civil_status", "civil_status_from", "single_parent", "narrative", "created_by_id",
               "created_at", "updated_at", "last_reason", "filed_on", "next_review_due", "exit_reason", "exit_note"),
              ((f"SY-HH-2023-{n + 1:06d}", pk, stations[n % len(stations)].pk, district.pk, "on_file", "1200.00",
                "{illness}", "", "dibao", dt.date(2023, 1, 1), False, "", reviewer.pk, now, now, "",
                dt.date(2023, 6, 1), dt.date(2024, 6, 1), "", "") for n, pk in enumerate(member_ids)))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"programme": programme, "reviewer": reviewer, "approver": approver, "fund": fund,
            "district": district, "rule_set": rule_set}


def measured(step):
    """(result, seconds, queries, peak Python heap in MB) of ``step()``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    tracemalloc.start()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = step()
        elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return result, elapsed, len(captured), peak / 1024 / 1024


def baseline(ref):
    """The bare INSERT … SELECT of the lines of a cycle, then of their payouts: the floor of both steps."""
    from django.db import connection, transaction

    def generate():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO households_cycle (programme_id, district_id, cycle_date, period_key, title, status, "
                "rule_set_id, line_count, left_out_count, total, generated_by_id, generated_at) VALUES "
                "(%s, %s, %s, 'baseline', 'baseline', 'generated', %s, 0, 0, 0, %s, now()) RETURNING id",
                [ref["programme"].pk, ref["district"].pk, CYCLE_DATE, ref["rule_set"].pk, ref["reviewer"].pk])
            cycle_id = cursor.fetchone()[0]
            cursor.execute(
                "INSERT INTO households_cycleline (cycle_id, household_id, amount, explanation, explanation_en, "
                "rule_set_id, payee_name, payee_id_number, card_number, bank_name, removed, removed_reason) "
                "SELECT %s, h.id, 1395.00, '', '', %s, m.name, m.id_number, m.card_number, m.bank_name, FALSE, '' "
                "FROM households_household AS h JOIN cases_member AS m ON m.id = h.head_id "
                "WHERE h.district_id = %s AND h.status = 'on_file' AND h.civil_status IN ('dibao', 'low_income')",
                [cycle_id, ref["rule_set"].pk, ref["district"].pk])
            return cycle_id

    def approve(cycle_id):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO cases_payout (source, source_id, status, bank_reference, failure_reason, created_at, "
                "fund_id, district_id, station_id, amount, payee_name, payee_id_number, card_number, bank_name, "
                "reference, approval_title) "
                "SELECT 'cycle_line', l.id, 'pending', '', '', now(), %s, %s, h.station_id, l.amount, l.payee_name, "
                "l.payee_id_number, l.card_number, l.bank_name, 'B-' || l.id, '' "
                "FROM households_cycleline AS l JOIN households_household AS h ON h.id = l.household_id "
                "WHERE l.cycle_id = %s", [ref["fund"].pk, ref["district"].pk, cycle_id])

    cycle_id, *generated = measured(generate)
    _none, *approved = measured(lambda: approve(cycle_id))
    with connection.cursor() as cursor:  # leave the fund and the tables as the real run will find them
        cursor.execute("DELETE FROM cases_payout WHERE source_id IN "
                       "(SELECT id FROM households_cycleline WHERE cycle_id = %s)", [cycle_id])
        cursor.execute("DELETE FROM households_cycleline WHERE cycle_id = %s", [cycle_id])
        cursor.execute("DELETE FROM households_cycle WHERE id = %s", [cycle_id])
    return generated, approved


def run(households: int) -> None:
    from households.models import Cycle
    from households.services.cycles import cycle_approve, cycle_generate
    from payouts.models import Payout

    started = time.perf_counter()
    ref = setup(households)
    print(f"{households:,} households on file written with COPY in {time.perf_counter() - started:.1f} s")

    base_generated, base_approved = baseline(ref)
    generation, *generated = measured(lambda: cycle_generate(programme=ref["programme"], cycle_date=CYCLE_DATE,
                                                             actor=ref["reviewer"]))
    cycle = generation.cycle
    _cycle, *approved = measured(lambda: cycle_approve(cycle=cycle, actor=ref["approver"]))
    cycle = Cycle.objects.get(pk=cycle.pk)
    assert cycle.line_count == households and cycle.status == Cycle.Status.APPROVED
    assert Payout.objects.filter(source="cycle_line").count() == households

    print(f"{'step':<34} {'seconds':>8} {'queries':>8} {'peak MB':>8}")
    for name, (seconds, queries, peak) in (("generate (cycle_generate)", generated),
                                           ("baseline: INSERT … SELECT lines", base_generated),
                                           ("approve (cycle_approve)", approved),
                                           ("baseline: INSERT … SELECT payouts", base_approved)):
        print(f"{name:<34} {seconds:>8.2f} {queries:>8} {peak:>8.1f}")
    print(f"cycle {cycle.title}: {cycle.line_count:,} lines, {cycle.total:,} yuan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=100_000)
    args = parser.parse_args()
    with throwaway_database(BENCH_DB):
        run(args.households)


if __name__ == "__main__":
    main()
