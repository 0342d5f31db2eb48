"""One page of a long list of rows, with a cost that does not grow with the list.

A page of a joined queryset taken with LIMIT/OFFSET makes PostgreSQL join
every row before it skips to the page (a sheet of 10,000 lines: 10,000 joins
for 50 rows shown). :func:`rows_page` first takes the page's keys from the
list's own table in its order, then fetches just those rows with what they
join: a count, a narrow key query and a wide query of one page's rows,
whatever the list's length or the page's depth.
"""
from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


def rows_page(queryset: QuerySet, number, *, per_page: int) -> Page:
    """Page ``number`` (as typed in the address: out of range gives the last page) of ``queryset``."""
    page = Paginator(queryset.values_list("pk", flat=True), per_page).get_page(number)
    keys = list(page.object_list)
    rows = {row.pk: row for row in queryset.order_by().filter(pk__in=keys)} if keys else {}
    page.object_list = [rows[key] for key in keys if key in rows]
    return page
