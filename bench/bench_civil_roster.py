"""Time of importing and matching a civil-affairs list of 100,000 rows, beside a donation import of the same size.

Both run in the same throwaway database (``hh_file_bench_roster`` on the server of DATABASE_URL, created
and dropped here), one after the other, so their times compare on the same machine and load. The district
has 20,000 live household files (a head and one more person each); the list names 7,000 of their heads
(some with the file's status, some newly or otherwise), 3,000 of the other people under another name,
and 90,000 people on no file; 2,000 files on the list as 低保 are not on it any more.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_civil_roster.py [rows]
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _throwaway import id_birth_date, id_number, throwaway_database
from bench_donation_import import write_sheet as write_donation_sheet

BENCH_DB = "hh_file_bench_roster"
FILES = 20_000
HEADS_LISTED = 7_000
PEOPLE_LISTED = 3_000
DROPPED = 2_000


def write_roster(path: str, rows: int) -> None:
    """Built in a child process so its memory does not count against the import."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("民政救助名单")
    ws.append(["姓名", "身份证号", "类别", "起始日期", "截止日期"])
    for n in range(rows):
        if n < HEADS_LISTED:
            seq, name = n, f"户主{n}"
        elif n < HEADS_LISTED + PEOPLE_LISTED:
            # The spouse of a file past the dropped ones, listed under another name.
            seq, name = FILES + DROPPED + n, f"改名{n}"
        else:
            seq, name = 2 * FILES + n, f"居民{n}"
        ws.append([name, id_number(seq), "低保" if n % 3 else "低收入", dt.date(2024, 1 + n % 12, 1),
                   dt.date(2025, 12, 31) if n % 2 else None])
    workbook.save(path)


def make_files(district, station, user) -> None:
    """20,000 live files in three COPYs: heads, files, one more person each."""
    from django.utils import timezone

    from cases.models import Member
    from households.models import Household, HouseholdPerson
    from reliefdesk.bulk import copy_rows, draw_ids

    now = timezone.now().isoformat()
    member_ids = draw_ids(Member, FILES)
    copy_rows(Member._meta.db_table, ["id", "name", "id_number", "birth_date", "sex", "phone", "is_union_member",
                                      "card_number", "bank_name", "created_at", "updated_at"],
              ([pk, f"户主{n}", id_number(n), id_birth_date(n).isoformat(), "M", "", True, "", "", now, now]
               for n, pk in enumerate(member_ids)))
    household_ids = draw_ids(Household, FILES)

    def status(n):
        # The first heads on the list: a third already 低保 as listed, a third none (newly), a third another status.
        if n < HEADS_LISTED:
            return ("dibao", "2024-01-01") if n % 3 == 1 else ("none", None) if n % 3 == 0 else ("low_income", "2023-01-01")
        return ("dibao", "2023-01-01") if n < HEADS_LISTED + DROPPED else ("none", None)

    copy_rows(Household._meta.db_table,
              ["id", "reference", "head_id", "station_id", "district_id", "status", "monthly_income", "causes",
               "cause_note", "civil_status", "civil_status_from", "single_parent", "narrative", "created_by_id",
               "created_at", "updated_at", "last_reason", "filed_on", "next_review_due", "exit_reason", "exit_note"],
              ([pk, f"SY-HH-2024-{n:06d}", member_ids[n], station.pk, district.pk, "on_file", "1500.00", "{illness}",
                "", *status(n), False, "", user.pk, now, now, "", "2024-01-15", "2025-01-15", "", ""]
               for n, pk in enumerate(household_ids)))
    copy_rows(HouseholdPerson._meta.db_table,
              ["household_id", "relation", "name", "id_number", "birth_date", "health", "health_note", "school_level",
               "in_school", "monthly_income"],
              ([pk, "spouse", f"配偶{n}", id_number(FILES + n), id_birth_date(FILES + n).isoformat(), "healthy", "",
                "", False, "0.00"] for n, pk in enumerate(household_ids)))


def timed(label: str, work):
    began, cpu = time.perf_counter(), time.process_time()
    result = work()
    took = time.perf_counter() - began
    print(f"{label:<28} {took:6.1f} s (Python CPU {time.process_time() - cpu:5.1f} s)")
    return result, took


def main(rows: int) -> None:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files import File

    from donations import imports
    from donations.models import DonationImport
    from funds.models import Fund
    from households.models import CivilRoster, CivilRosterMatch
    from households.services import roster
    from reliefdesk.models import District, Role, StaffAssignment, Station

    district = District.objects.create(code="SY", name="顺义")
    station = Station.objects.create(district=district, code="SY01", name="胜利街道工会服务站")
    fund = Fund.objects.create(slug="shunyi", name="顺义温暖基金", district=district)
    user = get_user_model().objects.create(username="bench-finance")
    StaffAssignment.objects.create(user=user, role=Role.FINANCE, district=district)
    make_files(district, station, user)

    with tempfile.TemporaryDirectory() as folder:
        settings.MEDIA_ROOT = folder
        donations_xlsx, roster_xlsx = os.path.join(folder, "donations.xlsx"), os.path.join(folder, "roster.xlsx")
        for target, path in ((write_donation_sheet, donations_xlsx), (write_roster, roster_xlsx)):
            child = multiprocessing.get_context("fork").Process(target=target, args=(path, rows))
            child.start()
            child.join()
        print(f"{rows:,} rows each; {FILES:,} live household files with {2 * FILES:,} people; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

        def donation_check():
            with open(donations_xlsx, "rb") as handle:
                imp = imports.donation_import_upload(actor=user, fund=fund, campaign=None,
                                                     upload=File(handle, name="donations.xlsx"))
            return imports.donation_import_validate(imp=imp)

        imp, donation_checked = timed("donations: check", donation_check)
        assert imp.status == DonationImport.Status.VALIDATED, imp.errors[:3]
        _done, donation_committed = timed("donations: commit", lambda: imports.donation_import_commit(
            imp=imp, actor=user, confirm=True))

        def roster_check():
            with open(roster_xlsx, "rb") as handle:
                imp = roster.civil_roster_upload(actor=user, as_of=dt.date(2024, 6, 30),
                                                 upload=File(handle, name="roster.xlsx"))
            return roster.civil_roster_validate(roster=imp)

        listed, roster_checked = timed("roster: check", roster_check)
        assert listed.status == CivilRoster.Status.VALIDATED, listed.errors[:3]
        listed, roster_committed = timed("roster: import and match", lambda: roster.civil_roster_commit(
            roster=listed, actor=user))
        counts = {kind: listed.matches.filter(kind=kind).count() for kind in CivilRosterMatch.Kind.values}
        print(f"matches: {counts}")
        _n, accepted = timed("roster: accept all new", lambda: roster.roster_matches_accept_all(
            actor=user, roster=listed, kind="new"))
        donation_total, roster_total = donation_checked + donation_committed, roster_checked + roster_committed
        print(f"donation import total {donation_total:.1f} s; roster import and match total {roster_total:.1f} s "
              f"({roster_total / donation_total:.0%} of the donation import)")


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with throwaway_database(BENCH_DB):
        main(count)
