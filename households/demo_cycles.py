"""Demo cycles of recurring aid, after the demo households (the programmes come with the funds demo).

Shunyi's living subsidy (生活补贴, 1 × the monthly 低保标准 per household
that is 低保 or 低收入 on the cycle's date): the month before last approved,
exported to the bank and paid; last month approved and exported, waiting
for the bank's results; this month generated, one line removed with its
reason, waiting for the approver. 老王 (朝阳) received 1,000 at National Day
2017 and his child's 金秋助学 of 2,200 for the autumn term of 2018, before he
left in March 2019; 贾超 (海淀) the city's holiday visits at the Spring
Festivals of 2015 and 2016, before he left in 2017. Everything goes through
the cycle and payout services, so lines, payouts, ledger debits and history
are real. Idempotent: a programme that has cycles is left alone.
"""
from __future__ import annotations

import datetime as dt
import os

from django.contrib.auth import get_user_model
from django.utils import timezone

from funds.models import Programme
from households.models import Cycle, CycleLine
from households.selectors.cycles import PAYOUT_SOURCE
from households.services import cycles as services
from payouts import services as payouts
from payouts.models import Payout
from reliefdesk.errors import DomainError
from reliefdesk.models import District

REMOVED_REASON = "本月已通过临时救助另行解决，本期不重复发放。"


def _users() -> dict:
    names = ["reviewer", "approver", "finance", "admin"]
    return {u.username: u for u in get_user_model().objects.filter(username__in=names)}


def _month_start(day: dt.date, back: int) -> dt.date:
    first = day.replace(day=1)
    for _i in range(back):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first


def _pay(cycle: Cycle, *, finance, paid_on: dt.date | None, bank_reference: str = "") -> str:
    """The cycle's payouts in one sheet, exported; recorded as paid on ``paid_on`` (None: not yet)."""
    line_ids = CycleLine.objects.filter(cycle=cycle, removed=False).values("id")
    pending = list(Payout.objects.filter(source=PAYOUT_SOURCE, source_id__in=line_ids,
                                         status=Payout.Status.PENDING).order_by("id"))
    if not pending:
        return ""
    sheet = payouts.payout_sheet_create(actor=finance, fund=cycle.programme.fund, payouts=pending)
    os.unlink(payouts.payout_sheet_export(sheet=sheet, actor=finance).path)
    if paid_on is not None:
        payouts.payout_mark_paid(payouts=pending, actor=finance, paid_on=paid_on,
                                 bank_reference=bank_reference or f"BANK{paid_on:%Y%m%d}{cycle.pk:03d}")
    return sheet.number


def _generate(programme: Programme, day: dt.date, actor, **extra) -> Cycle:
    return services.cycle_generate(programme=programme, cycle_date=day, actor=actor, **extra).cycle


def _shunyi(users, stdout) -> None:
    programme = Programme.objects.filter(fund__slug="shunyi", code="sy-living").first()
    if programme is None:
        stdout.write("Cycles: the Shunyi living-subsidy programme is missing (run the funds demo first); skipped.")
        return
    if programme.cycles.exists():
        stdout.write("Cycles: Shunyi's living subsidy already there.")
        return
    reviewer, approver, finance = users["reviewer"], users["approver"], users["finance"]
    today = timezone.localdate()
    paid = _generate(programme, _month_start(today, 2), reviewer)
    services.cycle_approve(cycle=paid, actor=approver)
    _pay(paid, finance=finance, paid_on=min(_month_start(today, 2) + dt.timedelta(days=9), today))
    exported = _generate(programme, _month_start(today, 1), reviewer)
    services.cycle_approve(cycle=exported, actor=approver)
    sheet = _pay(exported, finance=finance, paid_on=None)
    current = _generate(programme, _month_start(today, 0), reviewer)
    line = CycleLine.objects.filter(cycle=current).order_by("id").first()
    if line is not None:
        services.cycle_line_remove(line=line, actor=reviewer, reason=REMOVED_REASON)
    current.refresh_from_db()
    stdout.write(f"Cycles: {paid.title} paid, {exported.title} in sheet {sheet}, {current.title} "
                 f"({current.line_count} lines, {current.left_out_count} left out) waiting for approval.")


def _past(programme_code: str, *, district_code: str, when: list[tuple[dt.date, str | None]], admin,
          stdout, who: str) -> None:
    """Cycles of a programme on past dates, approved and paid then (the seeds' stories)."""
    programme = Programme.objects.filter(code=programme_code).first()
    district = District.objects.filter(code=district_code).first()
    if programme is None or district is None:
        stdout.write(f"Cycles: {programme_code} or district {district_code} missing; {who}'s cycles skipped.")
        return
    if programme.cycles.filter(district=district).exists():
        stdout.write(f"Cycles: {who}'s {programme.name} already there.")
        return
    titles = []
    for day, holiday in when:
        try:
            cycle = _generate(programme, day, admin, holiday=holiday,
                              district=district if programme.fund.district_id is None else None)
            if cycle.status == Cycle.Status.GENERATED and cycle.line_count:
                services.cycle_approve(cycle=cycle, actor=admin)
                _pay(cycle, finance=admin, paid_on=day + dt.timedelta(days=3))
        except DomainError as exc:
            stdout.write(f"Cycles: {programme.name} on {day} not paid ({exc.message}).")
            continue
        titles.append(cycle.title)
    stdout.write(f"Cycles: {who}: {'、'.join(titles)}.")


def seed(stdout) -> None:
    users = _users()
    if len(users) < 4:
        stdout.write("Cycles: demo users missing (run reliefdesk.demo first); nothing added.")
        return
    _shunyi(users, stdout)
    admin = users["admin"]
    _past("cy-holiday", district_code="CY", when=[(dt.date(2017, 9, 25), "national-day")], admin=admin,
          stdout=stdout, who="老王")
    _past("cy-autumn-school", district_code="CY", when=[(dt.date(2018, 10, 15), None)], admin=admin,
          stdout=stdout, who="老王")
    _past("city-holiday", district_code="HD", when=[(dt.date(2015, 2, 12), "spring-festival"),
                                                     (dt.date(2016, 2, 1), "spring-festival")],
          admin=admin, stdout=stdout, who="贾超")
