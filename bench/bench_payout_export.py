"""Time and peak memory of writing the bank's payout spreadsheet for 100,000 payouts.

The rows are built in memory the way cases.exports builds them from a sheet's
lines (same columns, same cell types, same two sheets), so no database rows
are needed; Django is set up only for settings and the time zone. The file
goes to a temporary folder and is deleted at the end. DATABASE_URL is only
read by the settings (postgres://postgres@127.0.0.1:5432/postgres when unset).

    .venv/bin/python bench/bench_payout_export.py [rows] [--tracemalloc]
"""
from __future__ import annotations

import resource
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _throwaway import id_number, setup_django


def rows(count: int):
    for n in range(1, count + 1):
        yield (
            n,
            f"SY-2022-{n:05d}" if n < 100000 else f"SY-2023-{n - 99999:05d}",
            f"张{n % 997}明",
            id_number(n),
            f"6222020200{n:09d}",
            "中国工商银行北京顺义支行",
            "大病医疗救助",
            Decimal(10000 + n % 40000) + Decimal("0.50"),
            f"2022年第一季度第{n % 13 + 1}批",
            "顺义第一工会服务站",
        )


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 100_000
    # tracemalloc slows openpyxl several times over: only on request; max RSS is always reported.
    trace = "--tracemalloc" in sys.argv
    setup_django()
    from payouts.exports import build_sheets
    from reliefdesk.xlsx import write_xlsx

    total = sum(Decimal(10000 + n % 40000) + Decimal("0.50") for n in range(1, count + 1))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "payout_sheet.xlsx"
        sheets = build_sheets(rows(count), count=count, total=total, fund_name="北京市温暖基金会（顺义区）职工专项温暖基金",
                              generated_by="bench")
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        written = write_xlsx(path, sheets)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        if trace:
            tracemalloc.stop()
        size = path.stat().st_size
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"payout sheet export: {count:,} payouts ({written - 1:,} detail rows + 1 summary row)")
    print(f"  time:               {elapsed:.1f} s ({count / elapsed:,.0f} rows/s)")
    if peak is not None:
        print(f"  peak Python memory: {peak / 1024 / 1024:.1f} MB (tracemalloc)")
    print(f"  process max RSS:    {maxrss_mb:.0f} MB")
    print(f"  file size:          {size / 1024 / 1024:.1f} MB")
    print(f"  total:              {total:,.2f} yuan")


if __name__ == "__main__":
    main()
