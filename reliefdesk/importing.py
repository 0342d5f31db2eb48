"""One way to import a spreadsheet, for every import (a unit's donations, the bank's results).

1. **Stage** the upload under ``MEDIA_ROOT/staged/<folder>/`` with a name of
   ours (:func:`stage_upload`); the preview and the commit find it by its
   token. The commit or a cancel discards it (:func:`discard_staged`); one
   never committed is deleted after ``STAGED_UPLOAD_MAX_AGE`` seconds, at the
   next upload or by ``manage.py purge_staged_uploads`` (:func:`purge_staged`).
2. **Read** it once (:func:`open_table`: python-calamine, within reliefdesk.xlsx's
   limits on size, unpacked parts, rows and columns, checked before it parses): the header row names the
   columns, blank rows are skipped, every row keeps its line number.
3. **Validate every row** before anything is written, collecting each bad
   row's errors (:class:`RowErrors`), and show the preview.
4. **Commit** all rows or none, set-based (COPY, ``UPDATE … FROM
   unnest``, one history INSERT: reliefdesk.bulk), in one transaction.
5. A file above ``BACKGROUND_ROWS_THRESHOLD`` rows is checked or committed
   by the worker as a job with progress (:func:`needs_background`,
   reliefdesk.jobs.start_job).
"""
from __future__ import annotations

import datetime as dt
import operator
import re
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from reliefdesk.errors import DomainError
from reliefdesk.xlsx import NotAWorkbook, SpreadsheetRefused, count_rows, read_rows

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
# At most this many row errors are kept for the preview (the count is always exact).
MAX_ERRORS_KEPT = 2000


class ImportFileError(DomainError):
    """The file as a whole cannot be read: not a workbook, empty, or without the columns it needs."""


def cell_text(value) -> str:
    """A cell as the text a person typed: 12.0 → "12", None → ""."""
    if value.__class__ is str:  # most cells: checked first
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def cell_date(value) -> dt.date | None:
    """A date cell, or a date written as 2022-03-05, 2022/3/5, 2022.3.5, 2022年3月5日 or 20220305; else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError:
                return None
    return None


@dataclass
class Table:
    """A sheet's rows after its header: ``positions`` maps each known column to its index."""

    positions: dict[str, int]
    rows: Iterator[tuple[int, tuple]]  # (line number, cell values), blank rows skipped

    def cell(self, values: Sequence, key: str):
        index = self.positions.get(key)
        return values[index] if index is not None and index < len(values) else None

    def picker(self, keys: Sequence[str]) -> Callable[[Sequence], tuple]:
        """A function giving a row's cells of ``keys`` at once, as many :meth:`cell` calls would (None for a
        column the header lacks or the row does not reach): one call per row instead of one per cell."""
        width = max(self.positions.values(), default=-1) + 2
        absent = width - 1  # always None: where the header's missing columns are read
        get = operator.itemgetter(*[self.positions.get(key, absent) for key in keys], absent)
        pad = (None,) * width

        def pick(values: Sequence) -> tuple:
            if len(values) < width:
                values = (*values, *pad[len(values):])
            return get(values)[:-1]

        return pick


def open_table(path, *, columns: dict[str, str], required: Sequence[str],
               missing_message: str | None = None) -> Table:
    """The first sheet of ``path`` read row by row; ``columns`` maps keys to header titles.

    Raises ImportFileError when the file is not a workbook, is empty or lacks a required column.
    """
    try:
        rows = iter(read_rows(path))
        header = next(rows, None)
    except NotAWorkbook as exc:
        raise ImportFileError(_("This file is not an Excel workbook (.xlsx)."), code="not_xlsx") from exc
    except SpreadsheetRefused as exc:  # too large, or declaring too much: its own message says what
        raise ImportFileError(exc.message, code="refused") from exc
    except Exception as exc:  # a damaged file raises many kinds
        raise ImportFileError(_("This file is not an Excel workbook (.xlsx)."), code="not_xlsx") from exc
    if header is None:
        raise ImportFileError(_("The file is empty."), code="empty")
    titles = [cell_text(title) for title in header]
    positions = {key: titles.index(title) for key, title in columns.items() if title in titles}
    missing = [columns[key] for key in required if key not in positions]
    if missing:
        message = missing_message or _("The first row must name the columns; missing: %(columns)s.")
        raise ImportFileError(message % {"columns": "、".join(missing)}, code="columns")

    def data_rows():
        for number, values in enumerate(rows, start=2):
            if values is None or not any(cell_text(v) for v in values):
                continue
            yield number, values

    return Table(positions=positions, rows=data_rows())


class RowErrors:
    """Every problem of every row: the count is exact, the first MAX_ERRORS_KEPT are kept for the preview."""

    def __init__(self):
        self.items: list[dict] = []
        self.count = 0
        self.rows: set[int] = set()

    def add(self, row: int | None, column: str, message) -> None:
        self.count += 1
        if row is not None:
            self.rows.add(row)
        if len(self.items) < MAX_ERRORS_KEPT:
            self.items.append({"row": row, "column": column, "message": str(message)})


STAGING_ROOT = "staged"


def staging_root() -> Path:
    return Path(settings.MEDIA_ROOT) / STAGING_ROOT


def upload_folder(folder: str) -> Path:
    path = staging_root() / folder
    path.mkdir(parents=True, exist_ok=True)
    return path


def purge_staged(*, max_age: float | None = None, now: float | None = None) -> int:
    """Delete every staged upload older than ``max_age`` seconds (``STAGED_UPLOAD_MAX_AGE``); returns how many.

    A file checked and previewed but never committed nor cancelled (the tab
    was closed) would otherwise stay on disk for ever, with the full card and
    ID numbers of a bank's result file in it.
    """
    max_age = settings.STAGED_UPLOAD_MAX_AGE if max_age is None else max_age
    cutoff = (time.time() if now is None else now) - max_age
    removed = 0
    for path in staging_root().glob("*/*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:  # a commit or another purge took it meanwhile
            continue
    return removed


def stage_upload(upload, *, folder: str, prefix: str = "") -> tuple[str, Path]:
    """Save ``upload`` under a name of ours; returns (token, path) for the preview and the commit.

    Each new upload first sweeps away the staged files abandoned long enough ago.
    """
    purge_staged()
    token = uuid.uuid4().hex
    path = upload_folder(folder) / f"{prefix}{token}.xlsx"
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return token, path


def staged_path(*, folder: str, token: str, prefix: str = "") -> Path | None:
    """The staged file of ``token``, or None when the token is not ours or the file is gone."""
    if not _TOKEN.match(token or ""):
        return None
    path = upload_folder(folder) / f"{prefix}{token}.xlsx"
    return path if path.exists() else None


def discard_staged(*, folder: str, token: str, prefix: str = "") -> bool:
    """Delete the staged file of ``token`` (a cancelled or finished check); whether there was one."""
    path = staged_path(folder=folder, token=token, prefix=prefix)
    if path is None:
        return False
    path.unlink(missing_ok=True)
    return True


def estimated_rows(path) -> int:
    """Data rows as the sheet declares them (reliefdesk.xlsx.count_rows, within the reading limits)."""
    try:
        return count_rows(path)
    except Exception:  # an unreadable file is reported by the check itself
        return 0


def needs_background(rows: int) -> bool:
    return rows > settings.BACKGROUND_ROWS_THRESHOLD
