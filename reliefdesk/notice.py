"""The public notice (公示) and the meeting after it, for whatever a meeting approves.

Award batches (cases) and filing batches (households) go through the same
two steps: a notice posted for a number of working days, counted with the
official holidays (reliefdesk.workdays), then a meeting (会议审批) after
it. The rules live here once: a notice starts today or later and never
before its batch existed, cannot reach a year whose holiday arrangement is
not entered, and the meeting follows its end. The public-notice list is one
shape too (:class:`NoticeList`): masked names and ID numbers, the station,
a category column (the aid category, or the causes of hardship) and, for
awards, the amount; the same rows make the printable page
(``templates/reliefdesk/notice.html``) and its spreadsheet.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from reliefdesk.errors import DomainError, TransitionNotAllowed
from reliefdesk.masking import mask_id_number, mask_name
from reliefdesk.money import ZERO
from reliefdesk.workdays import add_working_days, missing_arrangements
from reliefdesk.xlsx import Sheet


def notice_end(*, start: dt.date | None, days: int | None, created_on: dt.date, today: dt.date) -> dt.date:
    """The last day of a notice from ``start`` for ``days`` working days, or a refusal naming its field.

    A notice is posted, not back-dated: it starts today or later, never before
    the batch existed (``created_on``), and its end is counted only across
    years whose holiday arrangement is in the calendar.
    """
    if days is None or days < 1:
        raise DomainError(_("The notice lasts at least one working day."), field="days")
    if start is None:
        raise DomainError(_("Enter the day the notice starts."), field="start")
    if start < created_on:
        raise DomainError(_("The notice cannot start before the batch was created on %(date)s.")
                          % {"date": created_on.isoformat()}, field="start")
    if start < today:
        raise DomainError(_("The notice cannot start in the past: the earliest start is today, %(today)s.")
                          % {"today": today.isoformat()}, field="start")
    end = add_working_days(start, days)
    missing = missing_arrangements(start, end)
    if missing:
        raise DomainError(
            _("The notice would run until %(end)s, which depends on the holiday arrangement for %(year)d; "
              "it is not in the calendar yet. An administrator enters it under Holidays.")
            % {"end": end.isoformat(), "year": missing[0]}, field="start")
    return end


def notice_is_over(*, notice_end: dt.date | None, today: dt.date) -> bool:
    return notice_end is not None and today > notice_end


@dataclass(frozen=True)
class Meeting:
    date: dt.date
    minutes_reference: str
    attendees: str


def meeting_check(*, notice_start: dt.date, notice_end: dt.date, meeting_date: dt.date | None,
                  minutes_reference: str, attendees: str, today: dt.date) -> Meeting:
    """The meeting that approves what was on notice: after the notice, not in the future, with its minutes.

    Raises TransitionNotAllowed while the notice runs, DomainError naming the field otherwise.
    """
    minutes_reference = (minutes_reference or "").strip()
    attendees = (attendees or "").strip()
    if not notice_is_over(notice_end=notice_end, today=today):
        raise TransitionNotAllowed(
            _("The public notice runs until %(end)s: the batch can be approved from the next day.")
            % {"end": notice_end.isoformat()})
    if meeting_date is None:
        raise DomainError(_("Enter the meeting date."), field="meeting_date")
    if meeting_date > today:
        raise DomainError(_("The meeting date cannot be in the future."), field="meeting_date")
    if meeting_date <= notice_end:
        raise DomainError(
            _("The meeting must follow the public notice, which ran from %(start)s to %(end)s: "
              "enter a meeting date after %(end)s.")
            % {"start": notice_start.isoformat(), "end": notice_end.isoformat()},
            field="meeting_date")
    if not minutes_reference:
        raise DomainError(_("Enter the minutes reference."), field="minutes_reference")
    if not attendees:
        raise DomainError(_("Enter who attended the meeting."), field="attendees")
    return Meeting(date=meeting_date, minutes_reference=minutes_reference, attendees=attendees)


@dataclass(frozen=True)
class NoticeRow:
    """One line of a public notice, already masked: nothing unmasked leaves this module."""

    name: str
    id_number: str
    station: str
    category: str
    amount: Decimal | None = None

    @classmethod
    def masked(cls, *, name: str, id_number: str, station: str, category: str,
               amount: Decimal | None = None) -> NoticeRow:
        return cls(name=mask_name(name), id_number=mask_id_number(id_number), station=station, category=category,
                   amount=amount)


@dataclass
class NoticeList:
    """What a public-notice page and its spreadsheet show."""

    heading: str  # who posts it: the fund, or the district union
    title: str
    intro: str
    start: dt.date
    end: dt.date
    footer: str
    rows: Sequence[NoticeRow]
    category_title: str = ""
    with_amount: bool = True
    sheet_title: str = ""
    header: list[str] = field(init=False)

    def __post_init__(self):
        self.rows = list(self.rows)
        self.category_title = self.category_title or _("Category")
        self.header = [_("No."), _("Name"), _("ID number"), _("Service station"), self.category_title]
        if self.with_amount:
            self.header.append(_("Amount (yuan)"))

    @property
    def total(self) -> Decimal:
        return sum((row.amount or ZERO for row in self.rows), ZERO)

    def sheet(self) -> Sheet:
        """The same masked rows as the printable page."""

        def lines():
            for index, row in enumerate(self.rows, start=1):
                line = [index, row.name, row.id_number, row.station, row.category]
                if self.with_amount:
                    line.append(row.amount)
                yield line

        widths = [6, 12, 22, 28, 22] + ([14] if self.with_amount else [])
        return Sheet(title=self.sheet_title or _("Public notice"), header=self.header, rows=lines(), widths=widths,
                     money_columns=[5] if self.with_amount else [], text_columns=[2])
