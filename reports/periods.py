"""Reporting periods: a month, a quarter, a year or custom dates, in Beijing time.

A period is a range of calendar dates in Asia/Shanghai. Timestamps (a
submission, a history row) fall in it when they are at or after midnight
Beijing time of the first day and before midnight of the day after the last;
dates (paid on, received on, booked on) when they lie between the two days.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

BEIJING = ZoneInfo("Asia/Shanghai")

MONTH = "month"
QUARTER = "quarter"
YEAR = "year"
CUSTOM = "custom"

QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        start = dt.date(year, month, 1)
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        return cls(MONTH, start, following - dt.timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first_month = 3 * (quarter - 1) + 1
        start = dt.date(year, first_month, 1)
        end = cls.month(year, first_month + 2).end
        return cls(QUARTER, start, end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def custom(cls, start: dt.date, end: dt.date) -> Period:
        return cls(CUSTOM, start, end)

    @classmethod
    def current_quarter(cls, today: dt.date | None = None) -> Period:
        today = today or timezone.localdate(timezone=BEIJING)
        return cls.quarter(today.year, (today.month - 1) // 3 + 1)

    @property
    def start_at(self) -> dt.datetime:
        """Midnight Beijing time at the start of the first day."""
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=BEIJING)

    @property
    def end_before(self) -> dt.datetime:
        """Midnight Beijing time after the last day (exclusive bound)."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=BEIJING)

    @property
    def name_zh(self) -> str:
        """The period as Chinese reports name it: 2022年第一季度, 2022年3月, 2022年, 2022年1月1日至2022年2月15日."""
        if self.kind == YEAR:
            return f"{self.start.year}年"
        if self.kind == QUARTER:
            return f"{self.start.year}年{QUARTER_NAMES[(self.start.month - 1) // 3 + 1]}"
        if self.kind == MONTH:
            return f"{self.start.year}年{self.start.month}月"
        return f"{_day_zh(self.start)}至{_day_zh(self.end)}"

    @property
    def slug(self) -> str:
        """A short name for file names: 2022Q1, 2022-03, 2022, 20220101-20220215."""
        if self.kind == YEAR:
            return f"{self.start.year}"
        if self.kind == QUARTER:
            return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == MONTH:
            return f"{self.start:%Y-%m}"
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}"

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches."""
        out = []
        current = self.start.replace(day=1)
        while current <= self.end:
            out.append(current)
            current = dt.date(current.year + (current.month == 12), current.month % 12 + 1, 1)
        return out


def _day_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
