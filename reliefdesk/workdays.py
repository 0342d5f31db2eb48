"""Working-day arithmetic for public-notice periods.

A day is a working day when it is Monday to Friday and not a public holiday,
or when it is a weekend day worked to make up for a holiday (调休, a Holiday
row with ``is_workday``). The notice starts on ``start`` when that is a
working day and lasts ``days`` working days. The count is only true across
years whose holiday arrangement is in the calendar
(:func:`missing_arrangements`).
"""
from __future__ import annotations

import datetime as dt

from reliefdesk.holidays import NEW_YEAR_REACHES_BACK_TO
from reliefdesk.models import Holiday, HolidayYear

# A notice never runs longer than this many calendar days, however many holidays.
_SEARCH_SLACK = 60


def _calendar(start: dt.date, end: dt.date) -> dict[dt.date, bool]:
    """Holiday rows between ``start`` and ``end``: date → is it worked."""
    return dict(Holiday.objects.filter(date__range=(start, end)).values_list("date", "is_workday"))


def _is_working(day: dt.date, calendar: dict[dt.date, bool]) -> bool:
    if day in calendar:
        return calendar[day]
    return day.weekday() < 5


def is_working_day(day: dt.date) -> bool:
    return _is_working(day, _calendar(day, day))


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The last day of a period of ``days`` working days beginning on or after ``start``.

    ``add_working_days(monday, 5)`` is that Friday; a start on a Saturday
    counts from the Monday. One query whatever the length.
    """
    if days < 1:
        raise ValueError("a notice lasts at least one working day")
    horizon = start + dt.timedelta(days=days * 2 + _SEARCH_SLACK)
    calendar = _calendar(start, horizon)
    day = start
    counted = 0
    while True:
        if _is_working(day, calendar):
            counted += 1
            if counted == days:
                return day
        day += dt.timedelta(days=1)
        if day > horizon:
            horizon = day + dt.timedelta(days=days * 2 + _SEARCH_SLACK)
            calendar.update(_calendar(day, horizon))


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days from ``start`` to ``end``, both included (0 when end < start)."""
    if end < start:
        return 0
    calendar = _calendar(start, end)
    count = 0
    day = start
    while day <= end:
        count += _is_working(day, calendar)
        day += dt.timedelta(days=1)
    return count


def missing_arrangements(start: dt.date, end: dt.date) -> list[int]:
    """The years a period from ``start`` to ``end`` depends on whose holiday arrangement is not entered.

    A period reaching the last days of December also depends on the next
    year's arrangement, which may move those days for New Year.
    """
    needed = set(range(start.year, end.year + 1))
    if (end.month, end.day) >= (12, NEW_YEAR_REACHES_BACK_TO):
        needed.add(end.year + 1)
    known = set(HolidayYear.objects.filter(year__in=needed).values_list("year", flat=True))
    return sorted(needed - known)
