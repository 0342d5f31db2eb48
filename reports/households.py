"""The household figures of the dashboard: files on file at the period's end and over time, filed and left.

A household is on file on a day when it was filed (the meeting's date)
on or before it and has not left by then (``left_on`` after it, or never):
the same rule for the period's start, its end and every month end of the
chart, counted in one query from the two dates the file keeps (indexed
with the district), never from the history. The figures start from the
households' door, so a liaison counts his stations and a district role its
district.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Q
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from households.models import Cause, Household
from households.selectors import households_visible_to
from reliefdesk import charts
from reports.periods import Period

# The chart shows at least this many month ends, up to the period's end.
CHART_MONTHS = 12


def _on_file_at(day: dt.date) -> Q:
    return Q(filed_on__isnull=False, filed_on__lte=day) & (Q(left_on__isnull=True) | Q(left_on__gt=day))


def _month_end(first_day: dt.date) -> dt.date:
    following = dt.date(first_day.year + (first_day.month == 12), first_day.month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def _months_back(end: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months up to the one holding ``end``."""
    months, current = [], end.replace(day=1)
    for _i in range(count):
        months.append(current)
        current = (current - dt.timedelta(days=1)).replace(day=1)
    return months[::-1]


def on_file_sentence(period: Period, *, start: int, end: int) -> str:
    """The seeds' sentence: 在档困难职工家庭由N户减少至M户."""
    params = {"period": period.name_zh, "start": start, "end": end}
    if end < start:
        return _("%(period)s: needy-worker households on file went down from %(start)s to %(end)s") % params
    if end > start:
        return _("%(period)s: needy-worker households on file went up from %(start)s to %(end)s") % params
    return _("%(period)s: needy-worker households on file stayed at %(end)s") % params


@dataclass(frozen=True)
class StationRow:
    name: str
    on_file: int
    filed: int
    left: int


def chart_days(period: Period) -> list[dt.date]:
    """The days the chart counts: each month end up to the period's end (at least twelve), the last one its end."""
    months = period.months()
    if len(months) < CHART_MONTHS:
        months = _months_back(period.end, CHART_MONTHS)
    return [min(_month_end(first_day), period.end) for first_day in months]


class HouseholdFigures:
    """Every household figure from one query: the district's files grouped by station, counted many ways.

    Each station's row counts its files on file at the period's start and
    end and at every month end of the chart, filed and left in the period,
    and on file at the end by cause; the district's figures are the sums (a
    file belongs to one station). One query whatever the number of files.
    """

    def __init__(self, user, period: Period):
        self.user = user
        self.period = period
        self.days = chart_days(period)

    @cached_property
    def rows(self) -> list[dict]:
        p = self.period
        at_end = _on_file_at(p.end)
        counts = {
            "at_start": Count("id", filter=_on_file_at(p.start - dt.timedelta(days=1))),
            "at_end": Count("id", filter=at_end),
            "filed": Count("id", filter=Q(filed_on__gte=p.start, filed_on__lte=p.end)),
            "left": Count("id", filter=Q(left_on__gte=p.start, left_on__lte=p.end)),
            **{f"cause_{code}": Count("id", filter=at_end & Q(causes__contains=[code])) for code in Cause.values},
            **{f"day_{number}": Count("id", filter=_on_file_at(day)) for number, day in enumerate(self.days)},
        }
        return list(households_visible_to(user=self.user).filter(filed_on__isnull=False, filed_on__lte=p.end)
                    .values("station__code", "station__name").order_by("station__code").annotate(**counts))

    def _sum(self, key: str) -> int:
        return sum(row[key] for row in self.rows)

    @property
    def totals(self) -> dict:
        return {key: self._sum(key) for key in ("at_start", "at_end", "filed", "left")}

    @property
    def sentence(self) -> str:
        totals = self.totals
        return on_file_sentence(self.period, start=totals["at_start"], end=totals["at_end"])

    @property
    def by_cause(self) -> list[tuple[str, int]]:
        """Households on file at the period's end, by cause (one household may have several)."""
        return [(str(label), n) for code, label in Cause.choices if (n := self._sum(f"cause_{code}"))]

    @property
    def by_station(self) -> list[StationRow]:
        return [StationRow(r["station__name"], r["at_end"], r["filed"], r["left"]) for r in self.rows
                if r["at_end"] or r["filed"] or r["left"]]

    @property
    def over_time(self) -> list[tuple[dt.date, int]]:
        """Households on file on each day of the chart."""
        return [(day, self._sum(f"day_{number}")) for number, day in enumerate(self.days)]

    @cached_property
    def chart(self) -> str:
        title = _("Households on file at month end")
        svg = charts.line_chart([(title, [(f"{day:%Y-%m}", count) for day, count in self.over_time])], title=title,
                                empty_message=_("No household on file yet."), money=False)
        return mark_safe(svg)  # noqa: S308 - reliefdesk.charts escapes every label

    @cached_property
    def cause_chart(self) -> str:
        svg = charts.bar_chart(self.by_cause, title=_("Households on file by cause of hardship"),
                               empty_message=_("No household on file yet."), money=False)
        return mark_safe(svg)  # noqa: S308 - reliefdesk.charts escapes every label


def household_figures(user, period: Period) -> HouseholdFigures:
    return HouseholdFigures(user, period)
