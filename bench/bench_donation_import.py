"""Time and peak memory of checking and importing a unit spreadsheet of 100,000 donations.

Runs against throwaway databases (``bench_donation_import_*``) on the server of
DATABASE_URL (created and dropped here), so it never touches real data:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_donation_import.py [rows] \
        [--today /path/to/a/checkout/of/before]

The file is imported twice, each time in its own process and database: with
the reader of before (openpyxl read-only) and with python-calamine, the same
commit both times. With ``--today`` the same file is imported a third time by
that checkout's own code (its bench, openpyxl read-only): the time of the
import as it was. Check, commit, total and peak memory are printed side by
side, with the ratios of the totals.
"""
from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _throwaway import throwaway_database

BENCH_DB = "bench_donation_import"
CHANNELS = ["二维码", "银行转账", "现金", "工资代扣", "其他"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_sheet(path: str, rows: int) -> None:
    """Built in a child process so its memory does not count against the import."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet("捐款明细")
    ws.append(["捐赠方", "单位", "金额", "日期", "渠道", "流水号", "备注"])
    start = dt.date(2022, 3, 1)
    for n in range(rows):
        channel = CHANNELS[n % len(CHANNELS)]
        ws.append([f"职工{n % 20000}", f"爱心单位{n % 300}", (n % 100) + 1 + (n % 7) / 10,
                   start + dt.timedelta(days=n % 200), channel, f"BENCH-{n:07d}", ""])
    workbook.save(path)


def main(rows: int, sheet: str, reader: str) -> None:
    from django.conf import settings
    from django.core.files import File

    from donations import imports
    from donations.models import Donation, DonationImport
    from funds.models import Fund, LedgerEntry
    from reliefdesk import importing, xlsx
    from reliefdesk.models import District, Role, StaffAssignment
    from django.contrib.auth import get_user_model

    if reader == "openpyxl":  # the reader of before: openpyxl read-only, cells streamed
        importing.read_rows = xlsx.read_rows_openpyxl
    district = District.objects.create(code="SY", name="顺义")
    fund = Fund.objects.create(slug="shunyi", name="顺义温暖基金", district=district)
    user = get_user_model().objects.create(username="bench-finance")
    StaffAssignment.objects.create(user=user, role=Role.FINANCE, district=district)

    with tempfile.TemporaryDirectory() as folder:
        settings.MEDIA_ROOT = folder
        base = peak_mb()
        began, cpu = time.perf_counter(), time.process_time()
        with open(sheet, "rb") as handle:
            imp = imports.donation_import_upload(actor=user, fund=fund, campaign=None, upload=File(handle, name="bench.xlsx"))
        imp = imports.donation_import_validate(imp=imp)
        checked, checked_cpu = time.perf_counter() - began, time.process_time() - cpu
        assert imp.status == DonationImport.Status.VALIDATED, imp.errors[:3]
        checked_peak = peak_mb()
        print(f"  check:  {checked:6.1f} s (Python CPU {checked_cpu:.1f} s)  {imp.rows_ok:,} good rows, "
              f"{imp.total_ok:,.2f} yuan, peak RSS {checked_peak:.0f} MB (at start: {base:.0f} MB)")

        began, cpu = time.perf_counter(), time.process_time()
        imports.donation_import_commit(imp=imp, actor=user, confirm=True)
        committed = time.perf_counter() - began
        print(f"  commit: {committed:6.1f} s (Python CPU {time.process_time() - cpu:.1f} s)  "
              f"{Donation.objects.count():,} donations, {LedgerEntry.objects.count():,} ledger credits, "
              f"peak RSS {peak_mb():.0f} MB")
        print(f"  check + commit: {checked + committed:.1f} s, peak RSS {peak_mb():.0f} MB; load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"  the import's own increment over the process at start: +{peak_mb() - base:.0f} MB "
              f"(check +{checked_peak - base:.0f} MB)")
        print(f"RESULT {checked + committed:.2f} {peak_mb():.0f}")


_FIGURE = re.compile(r"^\s*(check|commit):\s*([0-9.]+) s")


def _run(command: list[str], label: str) -> dict:
    """Run one import in its own process; its check, commit, total (s) and peak RSS (MB) from what it prints."""
    print(f"{label}:", flush=True)
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    figures = {}
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            seconds, peak = line.split()[1:3]
            figures.update(total=float(seconds), peak=float(peak))
        else:
            print(line)
            if match := _FIGURE.match(line):
                figures[match.group(1)] = float(match.group(2))
    return figures


def compare(rows: int, today: str | None) -> None:
    """The same file imported in fresh processes and databases: with the reader of before (openpyxl read-only)
    and with python-calamine, and with ``today`` the code of that checkout, openpyxl read-only."""
    with tempfile.TemporaryDirectory() as folder:
        sheet = os.path.join(folder, "bench.xlsx")
        began = time.perf_counter()
        child = multiprocessing.get_context("fork").Process(target=write_sheet, args=(sheet, rows))
        child.start()
        child.join()
        print(f"spreadsheet of {rows:,} rows written in {time.perf_counter() - began:.1f} s "
              f"({os.path.getsize(sheet) / 1e6:.1f} MB); load average {os.getloadavg()[0]:.1f}")
        results = {}
        runs = [("openpyxl", "openpyxl read-only", __file__), ("calamine", "python-calamine", __file__)]
        if today:
            runs.insert(0, ("today", "today's code, openpyxl read-only",
                            os.path.join(today, "bench", "bench_donation_import.py")))
        for key, label, script in runs:
            results[key] = _run([sys.executable, script, str(rows), "--sheet", sheet, "--reader",
                                 "calamine" if key == "calamine" else "openpyxl"], label)
        print(f"\n{rows:,} rows, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
              + (f"; today's code: {today}" if today else ""))
        print(f"  {'':38} {'check':>8} {'commit':>8} {'total':>8} {'peak RSS':>9}")
        for key, label, _script in runs:
            figures = results[key]
            print(f"  {label[:38]:38} {figures['check']:6.1f} s {figures['commit']:6.1f} s {figures['total']:6.1f} s "
                  f"{figures['peak']:6.0f} MB")
        after = results["calamine"]["total"]
        line = f"  total, python-calamine / openpyxl read-only (the same commit): {after / results['openpyxl']['total']:.2f}x"
        if today:
            line += f"; python-calamine / today's openpyxl read-only: {after / results['today']['total']:.2f}x"
        print(line)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", type=int, nargs="?", default=100_000)
    parser.add_argument("--sheet", help="import this file (one run, in this process)")
    parser.add_argument("--reader", choices=["openpyxl", "calamine"], default="calamine")
    parser.add_argument("--today", help="a checkout of the code before: its import of the same file is the baseline")
    args = parser.parse_args()
    if args.sheet:
        with throwaway_database(f"{BENCH_DB}_{args.reader}"):
            main(args.rows, args.sheet, args.reader)
    else:
        compare(args.rows, args.today)
