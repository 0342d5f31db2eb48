"""Recurring aid on the dashboard: per programme, the cycles of the period, 人次 paid and the amount.

The cycles counted are those whose date lies in the period; 人次 and amount
are the cycle-line payouts paid in the period (by their payment date, as
every paid figure of the dashboard), so a cycle of March paid in April
counts its money in April. Everything starts from the doors — a liaison
counts the payouts of his stations — and costs one query whatever the
number of lines: one, the visible programmes with their period's cycles and
paid lines counted in subqueries.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.db.models import Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from funds.models import Programme
from households.models import CycleLine
from households.selectors.cycles import cycles_visible_to
from payouts.models import Payout
from payouts.selectors import payouts_visible_to
from reliefdesk.money import ZERO, quantize_money
from reports.periods import Period

TEN_THOUSAND = Decimal("10000")


@dataclass(frozen=True)
class ProgrammeRow:
    name: str
    fund: str
    cycles: int
    person_times: int  # 人次: cycle lines paid in the period
    amount: Decimal


def wan(amount: Decimal) -> str:
    """Yuan as 万元 with two decimals: 28400 → '2.84'."""
    return f"{quantize_money(amount / TEN_THOUSAND):,.2f}"


def paid_sentence(*, person_times: int, amount: Decimal) -> str:
    """The seeds' sentence: 共计救助困难职工N人次，总计救助金额X万元."""
    return _("In all, needy workers were helped %(n)s times, %(amount)s ten-thousand yuan in total") % {
        "n": person_times, "amount": wan(amount)}


class CycleFigures:
    def __init__(self, user, period: Period):
        self.user = user
        self.period = period

    @cached_property
    def rows(self) -> list[ProgrammeRow]:
        p = self.period
        paid = (payouts_visible_to(user=self.user)
                .filter(source="cycle_line", status=Payout.Status.PAID, paid_on__gte=p.start, paid_on__lte=p.end,
                        source_id__in=CycleLine.objects.filter(cycle__programme=OuterRef(OuterRef("pk"))).values("id"))
                .order_by().annotate(one=Value(1)).values("one"))
        cycles = (cycles_visible_to(user=self.user)
                  .filter(programme=OuterRef("pk"), cycle_date__gte=p.start, cycle_date__lte=p.end)
                  .order_by().annotate(one=Value(1)).values("one"))
        # Only programmes with a cycle or a paid line the user sees: the doors of cycles and payouts scope them.
        programmes = (Programme.objects
                      .annotate(n_cycles=Coalesce(Subquery(cycles.annotate(n=Count("id")).values("n")), 0),
                                n_paid=Coalesce(Subquery(paid.annotate(n=Count("id")).values("n")), 0),
                                paid_amount=Coalesce(Subquery(paid.annotate(total=Sum("amount")).values("total")),
                                                     ZERO))
                      .filter(Q(n_cycles__gt=0) | Q(n_paid__gt=0))
                      .select_related("fund").order_by("fund__slug", "code"))
        return [ProgrammeRow(name=programme.name, fund=programme.fund.name, cycles=programme.n_cycles,
                             person_times=programme.n_paid, amount=programme.paid_amount)
                for programme in programmes]

    @property
    def person_times(self) -> int:
        return sum(row.person_times for row in self.rows)

    @property
    def amount(self) -> Decimal:
        return sum((row.amount for row in self.rows), ZERO)

    @property
    def cycles(self) -> int:
        return sum(row.cycles for row in self.rows)

    @property
    def sentence(self) -> str:
        return paid_sentence(person_times=self.person_times, amount=self.amount)


def cycle_figures(user, period: Period) -> CycleFigures:
    return CycleFigures(user, period)
