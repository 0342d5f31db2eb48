"""Set-based writes: many rows in a constant number of statements.

``copy_rows`` streams rows into a table with PostgreSQL's COPY,
``draw_ids`` takes primary keys from a table's sequence beforehand (so rows
written by COPY can be pointed at by other rows in the same transaction),
and ``update_rows`` changes many rows with one ``UPDATE … FROM unnest(…)``
whatever their number. Callers hold the transaction and have checked the
rows; nothing here checks a business rule.
"""
from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.db import connection


def _copy_text(value) -> str:
    """One field in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return (str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY ``rows`` into ``table``; returns how many were written."""
    buffer = io.StringIO()
    count = 0
    for row in rows:
        buffer.write("\t".join(_copy_text(value) for value in row))
        buffer.write("\n")
        count += 1
    if not count:
        return 0
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)
    return count


def draw_ids(model, count: int) -> list[int]:
    """``count`` fresh primary keys of ``model``'s table, in one query."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                       [model._meta.db_table, count])
        return [row[0] for row in cursor.fetchall()]


def update_rows(table: str, *, key: str = "id", columns: dict[str, str], rows: Sequence[Sequence]) -> int:
    """``UPDATE table SET col = v.col … FROM unnest(arrays) v WHERE table.key = v.key`` in one statement.

    ``columns`` maps each column to its SQL type (``{"status": "text", "paid_on": "date"}``);
    each row is (key, value of each column in that order). Returns the number of rows changed.
    """
    if not rows:
        return 0
    names = list(columns)
    arrays = [list(column) for column in zip(*rows)]
    casts = ["bigint[]", *[f"{columns[name]}[]" for name in names]]
    unnest = ", ".join(f"%s::{cast}" for cast in casts)
    assignments = ", ".join(f'"{name}" = v."{name}"' for name in names)
    aliases = ", ".join(f'"{name}"' for name in [key, *names])
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" AS t SET {assignments} FROM unnest({unnest}) AS v({aliases}) '  # noqa: S608
            f'WHERE t."{key}" = v."{key}"',
            arrays,
        )
        return cursor.rowcount
