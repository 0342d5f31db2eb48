"""The public-holiday calendar: the State Council's arrangements, one year at a time.

Public notices are counted in working days from this calendar
(:mod:`reliefdesk.workdays`). The arrangements the ``chinesecalendar``
package knows (2004–2026) reach every install through a data migration; a
later year's arrangement is entered by an administrator once the State
Council publishes it (usually in November), typed into a form or uploaded
as an xlsx of dates. A year counts as known only when its arrangement was
entered as a whole (a :class:`~reliefdesk.models.HolidayYear` row).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from reliefdesk.errors import DomainError

OFFICIAL_SOURCE = "chinesecalendar 1.11.0"
# A New Year holiday has moved days as early as 29 December of the year before (2008, 2019):
# an arrangement may name days from this date of the previous December on.
NEW_YEAR_REACHES_BACK_TO = 28
WORKDAY_WORDS = {"上班", "调休上班", "是", "1", "y", "yes", "true", "workday", "work", "x", "√"}
DAY_OFF_WORDS = {"", "休", "放假", "休息", "否", "0", "n", "no", "false", "holiday", "off"}
COLUMN_NAMES = {"date": ("日期", "date"), "name": ("名称", "name"), "workday": ("上班", "workday")}


@dataclass(frozen=True)
class CalendarDay:
    date: dt.date
    name: str
    is_workday: bool


@dataclass
class EnteredLine:
    """One line of an arrangement as typed or uploaded, before it is checked."""

    line: int
    date: object
    name: object
    workday: object


# --- the official calendar ----------------------------------------------------

def official_calendar() -> dict[int, list[CalendarDay]]:
    """Every arrangement the chinesecalendar package knows: year → its days off and make-up working days."""
    from chinese_calendar import constants

    chinese = {holiday.value: holiday.chinese for holiday in constants.Holiday}
    new_year = constants.Holiday.new_years_day.value
    covered = {day.year for day in constants.holidays}
    years: dict[int, list[CalendarDay]] = {}
    for table, is_workday in ((constants.holidays, False), (constants.workdays, True)):
        for day, english in table.items():
            name = chinese.get(english, english)
            # Days at the end of December moved for New Year belong to the next year's arrangement.
            year = day.year + 1 if day.month == 12 and english == new_year else day.year
            if year not in covered:
                continue
            years.setdefault(year, []).append(CalendarDay(day, f"{name}调休上班" if is_workday else name, is_workday))
    return {year: sorted(days, key=lambda d: d.date) for year, days in sorted(years.items())}


def install_official_calendar(holiday_model, year_model) -> list[int]:
    """Put the official arrangements that are missing into the calendar; returns the years added.

    Takes the models as arguments so the data migration can pass its
    historical ones. A date already in the table takes the official entry.
    """
    calendar = official_calendar()
    present = set(year_model.objects.filter(year__in=list(calendar)).values_list("year", flat=True))
    missing = [year for year in calendar if year not in present]
    if not missing:
        return []
    holiday_model.objects.bulk_create(
        [holiday_model(date=day.date, name=day.name, is_workday=day.is_workday)
         for year in missing for day in calendar[year]],
        update_conflicts=True, unique_fields=["date"], update_fields=["name", "is_workday"])
    year_model.objects.bulk_create([year_model(year=year, source=OFFICIAL_SOURCE) for year in missing],
                                   ignore_conflicts=True)
    return missing


# --- an administrator enters a year --------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", _text(value))
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def lines_from_text(text: str) -> list[EnteredLine]:
    """``2027-01-01 元旦`` for a day off, ``2027-02-07 春节调休 上班`` for a make-up working day."""
    lines = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        parts = [part for part in re.split(r"[,，\t ]+", raw.strip()) if part]
        lines.append(EnteredLine(line=number, date=parts[0], name=parts[1] if len(parts) > 1 else "",
                                 workday=" ".join(parts[2:])))
    return lines


def lines_from_xlsx(upload) -> list[EnteredLine]:
    """The columns 日期, 名称 and 上班 (or date, name, workday) of the first sheet."""
    from reliefdesk.xlsx import read_rows

    rows = read_rows(upload)
    header = [_text(cell).lower() for cell in next(rows, None) or ()]
    positions = {}
    for key, names in COLUMN_NAMES.items():
        for name in names:
            if name in header:
                positions[key] = header.index(name)
    if "date" not in positions or "name" not in positions:
        raise DomainError(_("The first row must name the columns 日期, 名称 and 上班."), field="file")

    def cell(values, key):
        index = positions.get(key)
        return values[index] if index is not None and index < len(values) else None

    lines = []
    for number, values in enumerate(rows, start=2):
        if not any(_text(value) for value in values):
            continue
        lines.append(EnteredLine(line=number, date=cell(values, "date"), name=cell(values, "name"),
                                 workday=cell(values, "workday")))
    return lines


def check_arrangement(year: int, lines: list[EnteredLine]) -> tuple[list[CalendarDay], list[str]]:
    """The days of ``year``'s arrangement, and what is wrong with the lines (empty when all is well)."""
    problems: list[str] = []
    days: list[CalendarDay] = []
    first = dt.date(year - 1, 12, NEW_YEAR_REACHES_BACK_TO)
    last = dt.date(year, 12, 31)
    seen: dict[dt.date, int] = {}
    for entry in lines:
        day = _date(entry.date)
        name = _text(entry.name)
        flag = entry.workday if isinstance(entry.workday, bool) else _text(entry.workday).lower()
        where = _("Line %(line)d") % {"line": entry.line}
        if day is None:
            problems.append(_("%(where)s: “%(value)s” is not a date (write 2027-01-01).")
                            % {"where": where, "value": _text(entry.date)})
            continue
        if not first <= day <= last:
            problems.append(_("%(where)s: %(date)s is outside the %(year)d arrangement (%(first)s to %(last)s).")
                            % {"where": where, "date": day.isoformat(), "year": year, "first": first.isoformat(),
                               "last": last.isoformat()})
            continue
        if day in seen:
            problems.append(_("%(where)s: %(date)s is listed twice (also on line %(other)d).")
                            % {"where": where, "date": day.isoformat(), "other": seen[day]})
            continue
        seen[day] = entry.line
        if not name:
            problems.append(_("%(where)s: %(date)s needs the holiday's name.") % {"where": where, "date": day})
            continue
        if len(name) > 50:
            problems.append(_("%(where)s: the name may have at most 50 characters.") % {"where": where})
            continue
        if isinstance(flag, bool):
            is_workday = flag
        elif flag in WORKDAY_WORDS:
            is_workday = True
        elif flag in DAY_OFF_WORDS:
            is_workday = False
        else:
            problems.append(_("%(where)s: write 上班 for a make-up working day, or leave it empty for a day off; "
                              "not “%(value)s”.") % {"where": where, "value": flag})
            continue
        if is_workday and day.weekday() < 5:
            problems.append(_("%(where)s: %(date)s is a %(weekday)s; a make-up working day is a Saturday or Sunday.")
                            % {"where": where, "date": day.isoformat(), "weekday": WEEKDAYS[day.weekday()]})
            continue
        days.append(CalendarDay(day, name, is_workday))
    if not lines:
        problems.append(_("Enter the days of the arrangement, one a line."))
    elif not problems and not any(not day.is_workday for day in days):
        problems.append(_("The arrangement has no day off."))
    return sorted(days, key=lambda d: d.date), problems


def holiday_year_enter(*, actor, year: int, source: str, lines: list[EnteredLine]):
    """Enter ``year``'s arrangement as a whole, or nothing; a year or a date already in the calendar is refused."""
    from reliefdesk.history import record_event
    from reliefdesk.models import Holiday, HolidayYear, Role
    from reliefdesk.scope import require_role

    require_role(actor, Role.ADMIN)
    if not 2000 <= year <= 2100:
        raise DomainError(_("Enter a year between 2000 and 2100."), field="year")
    days, problems = check_arrangement(year, lines)
    if problems:
        raise DomainError(" ".join(problems[:20]), field="days")
    source = (source or "").strip()[:200]
    with transaction.atomic():
        if HolidayYear.objects.filter(year=year).exists():
            raise DomainError(_("The arrangement for %(year)d is already in the calendar.") % {"year": year},
                              field="year")
        taken = list(Holiday.objects.filter(date__in=[day.date for day in days]).order_by("date"))
        if taken:
            raise DomainError(
                _("Already in the calendar: %(days)s. Correct those days under Administration → Holidays.")
                % {"days": "、".join(f"{h.date.isoformat()} {h.name}" for h in taken)}, field="days")
        try:
            with transaction.atomic():
                arrangement = HolidayYear.objects.create(year=year, source=source, entered_by=actor)
                Holiday.objects.bulk_create([Holiday(date=day.date, name=day.name, is_workday=day.is_workday)
                                             for day in days])
        except IntegrityError:  # another administrator entered the year (or one of its days) a moment ago
            raise DomainError(_("The arrangement for %(year)d is already in the calendar.") % {"year": year},
                              field="year") from None
        record_event(arrangement, actor=actor, action="holiday_year.entered",
                     data={"year": year, "source": source, "days_off": sum(not d.is_workday for d in days),
                           "workdays": sum(d.is_workday for d in days)})
    return arrangement
