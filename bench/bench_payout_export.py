"""Time and peak memory of writing the bank's payout spreadsheet for 100,000 payouts.

The rows are built in memory the way cases.exports builds them from a sheet's
lines (same columns, same cell types, same two sheets), so no database rows
are needed; Django is set up only for settings and the time zone. The file
goes to a temporary folder and is deleted at the end. DATABASE_URL is only
read by the settings (postgres://postgres@127.0.0.1:5432/postgres when unset).

    .venv/bin/python bench/bench_payout_export.py [rows] [--tracemalloc]

It writes the same rows three ways: reliefdesk.xlsx.write_xlsx (xlsxwriter,
constant memory), bare openpyxl write-only (the baseline) and bare xlsxwriter,
and prints each one's time and peak memory.
"""
from __future__ import annotations

import datetime as dt
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


def bare_openpyxl(path, sheets) -> int:
    """The baseline: openpyxl write-only, cells typed and formatted as the bank's sheet needs, nothing more."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    written = 0
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.title)
        ws.append(list(sheet.header))
        money, text = set(sheet.money_columns), set(sheet.text_columns)
        for row in sheet.rows:
            cells = []
            for index, value in enumerate(row):
                if isinstance(value, dt.datetime):  # the summary's time: Excel keeps no time zone
                    value = value.replace(tzinfo=None)
                cell = WriteOnlyCell(ws, value=value)
                if index in money:
                    cell.number_format = "#,##0.00"
                elif index in text:
                    cell.number_format = "@"
                cells.append(cell)
            ws.append(cells)
            written += 1
    workbook.save(path)
    return written


def bare_xlsxwriter(path, sheets) -> int:
    """xlsxwriter constant-memory with no checks at all: what the library alone costs."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    money_format, text_format = workbook.add_format({"num_format": "#,##0.00"}), workbook.add_format({"num_format": "@"})
    written = 0
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet.title)
        ws.write_row(0, 0, list(sheet.header))
        money, text = set(sheet.money_columns), set(sheet.text_columns)
        formats = [money_format if i in money else text_format if i in text else None for i in range(len(sheet.header))]
        for number, row in enumerate(sheet.rows, start=1):
            for index, value in enumerate(row):
                if isinstance(value, str):
                    ws.write_string(number, index, value, formats[index])
                elif isinstance(value, (int, float, Decimal)):
                    ws.write_number(number, index, value, formats[index])
                elif isinstance(value, dt.datetime):
                    ws.write_datetime(number, index, value.replace(tzinfo=None), formats[index])
                else:
                    ws.write(number, index, value, formats[index])
            written += 1
    workbook.close()
    return written


def _measure(name, write, count, trace, folder) -> tuple[float, int]:
    """Each writer runs in its own child process, so one's peak memory is not another's."""
    import multiprocessing

    parent, child = multiprocessing.get_context("fork").Pipe()

    def run():
        try:
            child.send(measured())
        except BaseException as exc:
            child.send(exc)
            raise

    def measured():
        from payouts.exports import build_sheets

        total = sum(Decimal(10000 + n % 40000) + Decimal("0.50") for n in range(1, count + 1))
        sheets = build_sheets(rows(count), count=count, total=total,
                              fund_name="北京市温暖基金会（顺义区）职工专项温暖基金", generated_by="bench")
        path = Path(folder) / f"{name}.xlsx"
        base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        written = write(path, sheets)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024 if trace else None
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        return elapsed, written, peak, rss, base_rss, path.stat().st_size

    process = multiprocessing.get_context("fork").Process(target=run)
    process.start()
    result = parent.recv()
    process.join()
    if isinstance(result, BaseException):
        raise result
    return result


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 100_000
    # tracemalloc slows every writer several times over: only on request; max RSS is always reported.
    trace = "--tracemalloc" in sys.argv
    setup_django()
    from reliefdesk.xlsx import write_xlsx

    writers = [("reliefdesk.xlsx (xlsxwriter)", write_xlsx), ("bare openpyxl write-only", bare_openpyxl),
               ("bare xlsxwriter constant-memory", bare_xlsxwriter)]
    print(f"payout sheet export: {count:,} payouts (+ 1 summary row), same rows for each writer, each in its own process")
    print(f"{'writer':<34} {'time s':>7} {'rows/s':>8} {'max RSS MB':>11} {'(at start)':>10} "
          f"{'traced MB':>10} {'file MB':>8}")
    figures = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, write in writers:
            elapsed, written, peak, rss, base_rss, size = _measure(name.split()[0], write, count, trace, folder)
            figures[name] = elapsed
            traced = f"{peak:.1f}" if peak is not None else "-"
            print(f"{name:<34} {elapsed:>7.1f} {count / elapsed:>8,.0f} {rss:>11.0f} {base_rss:>10.0f} "
                  f"{traced:>10} {size / 1024 / 1024:>8.1f}")
    ours, baseline = figures[writers[0][0]], figures[writers[1][0]]
    print(f"reliefdesk.xlsx / bare openpyxl: {ours / baseline:.2f}x; bare xlsxwriter / bare openpyxl: "
          f"{figures[writers[2][0]] / baseline:.2f}x")


if __name__ == "__main__":
    main()
