"""Writing and reading spreadsheets the same way everywhere.

Rows are built once (a header then data rows) and written with xlsxwriter in
constant-memory mode into a temporary file, so memory stays flat at 100,000
rows. Every text is written as an explicit (inline) string cell, which no
spreadsheet program evaluates; one that starts with =, +, - or @ also gets
the quote prefix (formula injection), its text unchanged. ID and card numbers
are text cells, amounts number cells with two decimals.

Reading takes spreadsheets from outside: before anything is parsed the file
is checked (:func:`check_xlsx`: its size, the unpacked size and compression
ratio of each zip part, the dimensions each sheet declares), and while the
rows are read they are capped, so a crafted file is refused with a clear
message instead of filling the memory or a CPU.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _
from openpyxl.utils.cell import range_boundaries

from reliefdesk.errors import DomainError

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Parts smaller than this may compress as well as they like: they cannot hurt.
RATIO_FLOOR_BYTES = 1024 * 1024
MAX_PARTS = 1000
MB = 1024 * 1024


class SpreadsheetRefused(DomainError):
    """A spreadsheet refused before or while it is read: too large, not an xlsx, or declaring too much."""

    def __init__(self, message, *, field: str | None = "file"):
        super().__init__(message, field=field, code="spreadsheet_refused")


class NotAWorkbook(SpreadsheetRefused):
    """The file is no xlsx workbook at all (another kind of file, or a damaged one)."""


def looks_like_formula(value: str) -> bool:
    """Text a spreadsheet program would run as a formula if it were typed in."""
    return bool(value) and value.startswith(FORMULA_PREFIXES)


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


class _Formats:
    """xlsxwriter formats are the workbook's: one per combination, made on first use."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.made: dict[tuple, object] = {}

    def get(self, *, bold: bool = False, number_format: str | None = None, quote: bool = False):
        key = (bold, number_format, quote)
        made = self.made.get(key)
        if made is None:
            properties = {}
            if bold:
                properties["bold"] = True
            if number_format:
                properties["num_format"] = number_format
            if quote:
                properties["quote_prefix"] = True
            made = self.made[key] = self.workbook.add_format(properties)
        return made


def _naive_local(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        return value
    from django.utils import timezone

    return timezone.localtime(value).replace(tzinfo=None)


def _write_sheet(ws, sheet: Sheet, formats: _Formats, count: Callable[[], None]) -> None:
    for index, width in enumerate(sheet.widths):
        ws.set_column(index, index, width)
    bold = formats.get(bold=True)
    for column, title in enumerate(sheet.header):
        ws.write_string(0, column, str(title), bold)
    money = set(sheet.money_columns)
    text = set(sheet.text_columns)
    money_format = formats.get(number_format=MONEY_FORMAT)
    text_format = formats.get(number_format="@")
    quoted = formats.get(quote=True)
    quoted_text = formats.get(number_format="@", quote=True)
    date_format = formats.get(number_format=DATE_FORMAT)
    datetime_format = formats.get(number_format=DATETIME_FORMAT)
    write_string, write_number = ws.write_string, ws.write_number
    for row_number, row in enumerate(sheet.rows, start=1):
        for column, value in enumerate(row):
            kind = value.__class__
            if value is None:
                continue
            if kind is str:
                # write_string never makes a formula: text that looks like one is an inline string cell with
                # the quote prefix, so Excel does not turn it into a formula when someone edits the cell.
                if value and value.startswith(FORMULA_PREFIXES):
                    write_string(row_number, column, value, quoted_text if column in text else quoted)
                else:
                    write_string(row_number, column, value, text_format if column in text else None)
            elif kind is Decimal or kind is int or kind is float:
                # A Decimal is written as its own digits (12400.50), never through a float.
                write_number(row_number, column, value, money_format if column in money else None)
            elif kind is bool:
                ws.write_boolean(row_number, column, value)
            elif isinstance(value, dt.datetime):
                ws.write_datetime(row_number, column, _naive_local(value), datetime_format)
            elif isinstance(value, dt.date):
                ws.write_datetime(row_number, column, value, date_format)
            elif isinstance(value, (int, float, Decimal)):
                write_number(row_number, column, value, money_format if column in money else None)
            else:
                write_string(row_number, column, str(value), text_format if column in text else None)
        count()


def write_xlsx(path: str | os.PathLike, sheets: Sequence[Sheet], *,
               progress: Callable[[int], None] | None = None, progress_every: int = 1000) -> int:
    """Write ``sheets`` to ``path``; returns the number of data rows written.

    xlsxwriter in constant-memory mode: each row goes to the sheet's file as it is written (text as
    inline strings, no shared-string table), so memory stays flat and 100,000 rows take about two
    thirds of openpyxl's write-only time.
    """
    import xlsxwriter

    workbook = xlsxwriter.Workbook(os.fspath(path), {
        "constant_memory": True,
        # Only what is asked is written: no text turned into a number, a formula or a link.
        "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
    })
    formats = _Formats(workbook)
    written = 0

    def count() -> None:
        nonlocal written
        written += 1
        if progress and written % progress_every == 0:
            progress(written)

    try:
        for sheet in sheets:
            _write_sheet(workbook.add_worksheet(sheet.title[:31]), sheet, formats, count)
    finally:
        workbook.close()
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


# --- reading spreadsheets from outside ---------------------------------------------

@dataclass(frozen=True)
class XlsxLimits:
    max_bytes: int
    max_unpacked_bytes: int
    max_ratio: int
    max_shared_strings_bytes: int
    max_rows: int
    max_columns: int


def xlsx_limits() -> XlsxLimits:
    return XlsxLimits(
        max_bytes=settings.XLSX_MAX_BYTES,
        max_unpacked_bytes=settings.XLSX_MAX_UNPACKED_BYTES,
        max_ratio=settings.XLSX_MAX_RATIO,
        max_shared_strings_bytes=settings.XLSX_MAX_SHARED_STRINGS_BYTES,
        max_rows=settings.XLSX_MAX_ROWS,
        max_columns=settings.XLSX_MAX_COLUMNS,
    )


def _size_of(source) -> int:
    if isinstance(source, (str, os.PathLike)):
        return os.path.getsize(source)
    size = getattr(source, "size", None)
    if size is not None:
        return size
    position = source.tell()
    source.seek(0, os.SEEK_END)
    size = source.tell()
    source.seek(position)
    return size


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _declared_dimension(archive: zipfile.ZipFile, name: str) -> tuple[int, int] | None:
    """Rows and columns a worksheet part declares (its ``<dimension>``), read without reaching its cells."""
    from openpyxl.xml.functions import iterparse

    with archive.open(name) as source:
        for _event, element in iterparse(source, events=("start",)):
            tag = _local(element.tag)
            if tag == "dimension":
                try:
                    min_col, min_row, max_col, max_row = range_boundaries(element.get("ref", ""))
                except (TypeError, ValueError):
                    return None
                return (max_row or min_row or 0), (max_col or min_col or 0)
            if tag == "sheetData":
                return None
    return None


def _refuse_size(limits: XlsxLimits, size: int) -> None:
    if size > limits.max_bytes:
        raise SpreadsheetRefused(_("The file is %(size).1f MB; a spreadsheet may be at most %(max).0f MB.")
                                 % {"size": size / MB, "max": limits.max_bytes / MB})


def check_xlsx(source, *, limits: XlsxLimits | None = None) -> None:
    """Refuse, before it is parsed, a workbook that would cost too much to read.

    ``source`` is a path or an open file (an upload); a file is left at its start.
    Python's zipfile never unpacks more than a part declares, so the declared
    sizes are the sizes that will be read.
    """
    limits = limits or xlsx_limits()
    _refuse_size(limits, _size_of(source))
    not_xlsx = NotAWorkbook(_("This file is not an Excel workbook (.xlsx)."))
    try:
        if not zipfile.is_zipfile(source):
            raise not_xlsx
        with zipfile.ZipFile(source) as archive:
            parts = archive.infolist()
            names = {part.filename for part in parts}
            if "[Content_Types].xml" not in names or not any(n.startswith("xl/worksheets/") for n in names):
                raise not_xlsx
            if len(parts) > MAX_PARTS:
                raise SpreadsheetRefused(_("The workbook has %(count)d parts; at most %(max)d are accepted.")
                                         % {"count": len(parts), "max": MAX_PARTS})
            total = 0
            for part in parts:
                total += part.file_size
                if (part.file_size > RATIO_FLOOR_BYTES
                        and part.file_size > limits.max_ratio * max(part.compress_size, 1)):
                    raise SpreadsheetRefused(
                        _("The workbook's part %(part)s unpacks to %(ratio)d times its packed size; at most "
                          "%(max)d times is accepted. Save the file again from Excel or WPS.")
                        % {"part": part.filename, "ratio": part.file_size // max(part.compress_size, 1),
                           "max": limits.max_ratio})
                if part.filename.endswith("sharedStrings.xml") and part.file_size > limits.max_shared_strings_bytes:
                    raise SpreadsheetRefused(
                        _("The workbook's text table unpacks to %(size)d MB; at most %(max)d MB is accepted.")
                        % {"size": part.file_size // MB, "max": limits.max_shared_strings_bytes // MB})
            if total > limits.max_unpacked_bytes:
                raise SpreadsheetRefused(_("The workbook unpacks to %(size)d MB; at most %(max)d MB is accepted.")
                                         % {"size": total // MB, "max": limits.max_unpacked_bytes // MB})
            for part in parts:
                if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                    declared = _declared_dimension(archive, part.filename)
                    if declared is not None:
                        _refuse_extent(limits, *declared)
    except zipfile.BadZipFile:
        raise not_xlsx from None
    except SyntaxError:  # ParseError of a worksheet's start
        raise not_xlsx from None
    finally:
        if not isinstance(source, (str, os.PathLike)):
            source.seek(0)


def _refuse_extent(limits: XlsxLimits, rows: int, columns: int) -> None:
    if rows > limits.max_rows or columns > limits.max_columns:
        raise SpreadsheetRefused(
            _("The sheet spans %(rows)s rows and %(columns)s columns; at most %(max_rows)s rows and "
              "%(max_columns)s columns are accepted.")
            % {"rows": f"{rows:,}", "columns": f"{columns:,}", "max_rows": f"{limits.max_rows:,}",
               "max_columns": f"{limits.max_columns:,}"})


def validate_xlsx_upload(upload) -> None:
    """Form validation of an uploaded spreadsheet: ValidationError with the reason it is refused."""
    from django.core.exceptions import ValidationError

    try:
        check_xlsx(upload)
    except SpreadsheetRefused as exc:
        raise ValidationError(exc.message, code="spreadsheet_refused") from None


def _open_workbook(source):
    """The workbook's strings, styles and sheet list, without touching any sheet's cells.

    openpyxl's own read-only loader reads each sheet once just to size it
    when the sheet declares no dimension; this takes the same steps minus
    that one (openpyxl 3.1 internals, pinned in requirements.txt).
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    reader = ExcelReader(source, read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_strings()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    sheets = [(sheet.name, rel.target) for sheet, rel in reader.parser.find_sheets()
              if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
    return reader, sheets


def _sheet_rows(reader, part: str, limits: XlsxLimits) -> Iterator[tuple]:
    """Cell values row by row, each row as long as its last cell; missing rows come as ``()``.

    Cells are taken one at a time and dropped once read, so neither a row of
    a million cells nor a row numbered in the millions costs more than the
    caps allow; reading stops at the end of the sheet's data.
    """
    from openpyxl.worksheet._reader import CELL_TAG, DATA_TAG, ROW_TAG, WorkSheetParser
    from openpyxl.xml.functions import iterparse

    wb = reader.wb
    cells = WorkSheetParser(None, reader.shared_strings, data_only=True, epoch=wb.epoch,
                            date_formats=wb._date_formats, timedelta_formats=wb._timedelta_formats)
    with reader.archive.open(part) as source:
        expected = yielded = 0
        sheet_data = row_element = None
        values: dict[int, object] = {}
        count = 0
        for event, element in iterparse(source, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == ROW_TAG:
                    number = element.get("r")
                    cells.row_counter = int(float(number)) if number else cells.row_counter + 1
                    cells.col_counter = 0
                    if cells.row_counter > limits.max_rows:
                        _refuse_extent(limits, cells.row_counter, 0)
                    row_element, values, count = element, {}, 0
                elif tag == DATA_TAG:
                    sheet_data = element
                continue
            if tag == CELL_TAG:
                cell = cells.parse_cell(element)
                count += 1
                if cell["column"] > limits.max_columns or count > limits.max_columns:
                    _refuse_extent(limits, cells.row_counter, max(cell["column"], count))
                if cell["value"] is not None:
                    values[cell["column"]] = cell["value"]
                element.clear()
                if row_element is not None:
                    with suppress(ValueError):
                        row_element.remove(element)
            elif tag == ROW_TAG:
                yielded += max(cells.row_counter - expected, 1)
                if yielded > limits.max_rows:
                    _refuse_extent(limits, yielded, 0)
                while expected + 1 < cells.row_counter:
                    expected += 1
                    yield ()
                row = [None] * (max(values) if values else 0)
                for column, value in values.items():
                    row[column - 1] = value
                expected = cells.row_counter
                yield tuple(row)
                row_element = None
                if sheet_data is not None:
                    with suppress(ValueError):
                        sheet_data.remove(element)
            elif tag == DATA_TAG:
                return


_TAG = re.compile(rb'<(?:(row)|c)(?=[\s>/])(?:[^>]*?\sr="([A-Z]*)([0-9]*)")?')
_SCAN_CHUNK = 1024 * 1024


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _scan_extent(archive: zipfile.ZipFile, part: str, limits: XlsxLimits) -> int:
    """The sheet's last row number; a sheet whose cells reach too far, or whose rows hold too many cells,
    is refused before it is loaded.

    The reader (python-calamine) builds a dense block from the first to the last cell it meets, so one
    cell a million rows down or in column XFD would cost gigabytes: every row and cell tag is read
    here first (a plain scan of the XML, no parsing), and the same caps as while reading apply.
    """
    row = column = rows = cells = last_row = 0
    row_digits = b""  # the row number as its tag wrote it: a cell of the same row says the same digits
    numbers: dict[bytes, int] = {}  # column letters already met, and their number
    max_rows, max_columns = limits.max_rows, limits.max_columns
    tail = b""
    with archive.open(part) as source:
        while chunk := source.read(_SCAN_CHUNK):
            data = tail + chunk
            cut = data.rfind(b"<")
            data, tail = data[:cut], data[cut:]
            for is_row, letters, digits in _TAG.findall(data):
                if is_row:
                    row = int(digits) if digits else row + 1
                    row_digits = digits
                    if row > last_row:
                        last_row = row
                    rows += 1
                    column = cells = 0
                    if row > max_rows or rows > max_rows:
                        _refuse_extent(limits, max(row, rows), 0)
                    continue
                cells += 1
                if letters:
                    column = numbers.get(letters) or numbers.setdefault(letters, _column_number(letters))
                    if digits and digits != row_digits and int(digits) != row:
                        row = int(digits)  # a cell outside its row: count it where it says
                        row_digits = digits
                        last_row = max(last_row, row)
                        if row > max_rows:
                            _refuse_extent(limits, row, 0)
                else:
                    column += 1
                if column > max_columns or cells > max_columns:
                    _refuse_extent(limits, row, max(column, cells))
    return last_row


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(name, worksheet part) of each worksheet, in the workbook's order (xl/workbook.xml and its rels)."""
    from xml.etree import ElementTree

    rels = {}
    with suppress(KeyError):
        for rel in ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels")):
            target = rel.get("Target", "")
            rels[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    parts = []
    for element in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter():
        if _local(element.tag) == "sheet":
            rid = next((value for key, value in element.attrib.items() if _local(key) == "id"), None)
            target = rels.get(rid, "")
            if target.startswith("xl/worksheets/") and target in archive.namelist():
                parts.append((element.get("name", ""), target))
    return parts


def _values(sheet) -> Iterator[tuple]:
    """The rows of a python-calamine sheet as openpyxl read-only gives them.

    Empty cells are None (calamine says ""), a date cell is a datetime, each row is as long as its last
    cell and an empty row is (). calamine's rows start at the sheet's first row but at the used range's
    first column: the columns before it are put back.
    """
    pad = (None,) * (sheet.start[1] if sheet.start else 0)
    date, combine, midnight = dt.date, dt.datetime.combine, dt.time()
    for values in sheet.iter_rows():
        row = [None if value == "" else combine(value, midnight) if value.__class__ is date else value
               for value in values]
        while row and row[-1] is None:
            row.pop()
        yield (*pad, *row) if row else ()


def read_rows(path_or_file, *, sheet: str | None = None) -> Iterator[tuple]:
    """Yield the rows of a sheet as tuples of cell values.

    Numbers come back as int or float (convert with reliefdesk.money.to_decimal),
    dates as datetime. The file is checked first (:func:`check_xlsx`), then the
    sheet's extent is scanned (:func:`_scan_extent`); only then does python-calamine
    read it (about 17 times faster than openpyxl read-only; it holds the sheet's
    cells, within the caps, while the rows are handed out). :class:`SpreadsheetRefused`
    says what was too much.
    """
    from python_calamine import CalamineWorkbook

    limits = xlsx_limits()
    check_xlsx(path_or_file, limits=limits)
    try:
        with zipfile.ZipFile(path_or_file) as archive:
            parts = _sheet_parts(archive)
            if not parts:
                raise SpreadsheetRefused(_("The workbook has no sheet."))
            names = dict(parts)
            if sheet is not None and sheet not in names:
                raise KeyError(f"Worksheet {sheet} does not exist.")
            _scan_extent(archive, names[sheet] if sheet else parts[0][1], limits)
    finally:
        if not isinstance(path_or_file, (str, os.PathLike)):
            path_or_file.seek(0)
    if isinstance(path_or_file, (str, os.PathLike)):
        workbook = CalamineWorkbook.from_path(os.fspath(path_or_file))
    else:
        workbook = CalamineWorkbook.from_filelike(path_or_file)
    try:
        yield from _values(workbook.get_sheet_by_name(sheet or parts[0][0]))
    finally:
        workbook.close()


def read_rows_openpyxl(path_or_file, *, sheet: str | None = None) -> Iterator[tuple]:
    """The same rows read by openpyxl in read-only mode (cells streamed, flat memory, many times slower):
    the reference that :func:`read_rows` is measured and tested against."""
    limits = xlsx_limits()
    check_xlsx(path_or_file, limits=limits)
    reader, sheets = _open_workbook(path_or_file)
    try:
        if not sheets:
            raise SpreadsheetRefused(_("The workbook has no sheet."))
        parts = dict(sheets)
        if sheet is not None and sheet not in parts:
            raise KeyError(f"Worksheet {sheet} does not exist.")
        yield from _sheet_rows(reader, parts[sheet] if sheet else sheets[0][1], limits)
    finally:
        reader.archive.close()


def count_rows(path_or_file) -> int:
    """Data rows of the first sheet (below the header): its declared dimension, else its scanned extent.

    Neither parses the text table nor a cell, so it is cheap enough to decide, at upload, whether a
    file is checked in the background.
    """
    limits = xlsx_limits()
    check_xlsx(path_or_file, limits=limits)
    try:
        with zipfile.ZipFile(path_or_file) as archive:
            parts = _sheet_parts(archive)
            if not parts:
                return 0
            declared = _declared_dimension(archive, parts[0][1])
            rows = declared[0] if declared is not None else _scan_extent(archive, parts[0][1], limits)
    finally:
        if not isinstance(path_or_file, (str, os.PathLike)):
            path_or_file.seek(0)
    return max(0, rows - 1)
