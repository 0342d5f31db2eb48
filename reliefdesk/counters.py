"""Gap-free numbers: one counter row per sequence, raised in the caller's transaction."""
from __future__ import annotations

from django.db import connection

from reliefdesk.models import Counter


def counter_take(*, key: str, count: int = 1) -> int:
    """Reserve ``count`` consecutive numbers of sequence ``key``; returns the first.

    One upsert: the row is created at the first use and stays locked until
    the caller's transaction ends, so concurrent takers queue, and a
    rollback gives the numbers back.
    """
    table = Counter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, last) VALUES (%s, %s) "  # noqa: S608 - the table name is the model's
            f"ON CONFLICT (key) DO UPDATE SET last = {table}.last + EXCLUDED.last RETURNING last",
            [key, count],
        )
        (last,) = cursor.fetchone()
    return last - count + 1


def counter_last(*, key: str) -> int:
    """The last number given out of ``key`` (0 before the first)."""
    return Counter.objects.filter(key=key).values_list("last", flat=True).first() or 0
