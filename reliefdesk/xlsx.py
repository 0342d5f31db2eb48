"""Writing and reading spreadsheets the same way everywhere.

Rows are built once (a header then data rows) and written with openpyxl in
write-only mode into a temporary file, so memory stays flat at 100,000 rows.
A text cell that starts with =, +, - or @ is written so that no spreadsheet
program evaluates it (formula injection).
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.http import FileResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula."""
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


@dataclass
class Sheet:
    title: str
    header: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] = field(default_factory=list)
    # Column indexes (0-based) whose numbers are money: two decimals.
    money_columns: Sequence[int] = field(default_factory=list)
    # Column indexes kept as text even when they look like numbers (ID, card numbers).
    text_columns: Sequence[int] = field(default_factory=list)


def _cell(ws, value, *, money: bool = False, text: bool = False):
    if value is None:
        return None
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=safe_text(value))
        if text:
            cell.number_format = "@"
        return cell
    if isinstance(value, bool):
        return WriteOnlyCell(ws, value=value)
    if isinstance(value, Decimal) or (money and isinstance(value, (int, float))):
        # openpyxl writes Decimal as a number cell; the format shows two decimals.
        cell = WriteOnlyCell(ws, value=value)
        if money:
            cell.number_format = MONEY_FORMAT
        return cell
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATETIME_FORMAT
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return WriteOnlyCell(ws, value=value)


def write_xlsx(path: str | os.PathLike, sheets: Sequence[Sheet], *,
               progress: Callable[[int], None] | None = None, progress_every: int = 1000) -> int:
    """Write ``sheets`` to ``path``; returns the number of data rows written."""
    workbook = Workbook(write_only=True)
    written = 0
    for sheet in sheets:
        ws = workbook.create_sheet(title=sheet.title[:31])
        for index, width in enumerate(sheet.widths):
            ws.column_dimensions[chr(ord("A") + index)].width = width
        bold = Font(bold=True)
        header = []
        for title in sheet.header:
            cell = WriteOnlyCell(ws, value=title)
            cell.font = bold
            header.append(cell)
        ws.append(header)
        money = set(sheet.money_columns)
        text = set(sheet.text_columns)
        for row in sheet.rows:
            ws.append([_cell(ws, value, money=i in money, text=i in text) for i, value in enumerate(row)])
            written += 1
            if progress and written % progress_every == 0:
                progress(written)
    workbook.save(path)
    return written


def xlsx_response(sheets: Sequence[Sheet], filename: str) -> FileResponse:
    """Build the workbook into a temporary file and stream it from there."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.close()
    try:
        write_xlsx(handle.name, sheets)
        stream = open(handle.name, "rb")  # noqa: SIM115 - FileResponse closes it
    finally:
        # On POSIX the open stream keeps the data readable after unlinking.
        os.unlink(handle.name)
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def file_response(path: str | Path, filename: str) -> FileResponse:
    return FileResponse(open(path, "rb"), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def read_rows(path_or_file, *, sheet: str | None = None) -> Iterable[tuple]:
    """Yield the rows of a sheet as tuples of cell values (read-only mode: flat memory).

    Numbers come back as int or float (convert with reliefdesk.money.to_decimal),
    dates as datetime.
    """
    workbook = load_workbook(path_or_file, read_only=True, data_only=True)
    try:
        ws = workbook[sheet] if sheet else workbook.worksheets[0]
        yield from ws.iter_rows(values_only=True)
    finally:
        workbook.close()
