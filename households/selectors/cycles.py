"""Reads of programmes' cycles, their lines and who was left out: every lookup starts from a door here.

District roles see their district's cycles; a liaison sees the lines of his stations' households and the
cycles that hold one of them; an administrator sees everything. Anything else is 404.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from funds.selectors import FundPosition, fund_position
from households.models import Cycle, CycleExclusion, CycleLine, ProgrammeEnrolment
from payouts.models import Payout
from reliefdesk.models import Role
from reliefdesk.money import ZERO
from reliefdesk.scope import get_or_404, role_of, scope_queryset, station_ids_of

PAYOUT_SOURCE = "cycle_line"


def cycles_visible_to(*, user) -> QuerySet[Cycle]:
    queryset = Cycle.objects.select_related("programme__fund", "programme__category", "district", "rule_set")
    if role_of(user) == Role.LIAISON:
        mine = CycleLine.objects.filter(cycle=OuterRef("pk"), household__station_id__in=station_ids_of(user))
        return queryset.filter(Exists(mine))
    return scope_queryset(queryset, user, station=None)


def cycle_lines_visible_to(*, user) -> QuerySet[CycleLine]:
    return scope_queryset(CycleLine.objects.select_related("cycle", "household", "pupil"), user,
                          station="household__station", district="cycle__district")


def cycle_exclusions_visible_to(*, user) -> QuerySet[CycleExclusion]:
    return scope_queryset(CycleExclusion.objects.select_related("cycle", "household__head", "pupil"), user,
                          station="household__station", district="cycle__district")


def programme_enrolments_visible_to(*, user) -> QuerySet[ProgrammeEnrolment]:
    return scope_queryset(ProgrammeEnrolment.objects.select_related("programme", "household__head"), user,
                          station="household__station", district="household__district")


def cycle_get(*, user, pk: int) -> Cycle:
    return get_or_404(cycles_visible_to(user=user).select_related("generated_by", "approved_by"), pk=pk)


def cycle_line_get(*, user, pk: int) -> CycleLine:
    return get_or_404(cycle_lines_visible_to(user=user).select_related("household__head", "removed_by"), pk=pk)


def _latest_payout(field: str):
    payouts = Payout.objects.filter(source=PAYOUT_SOURCE, source_id=OuterRef("pk")).order_by("-id")
    return Subquery(payouts.values(field)[:1])


def cycle_lines_of(*, cycle: Cycle, user) -> QuerySet[CycleLine]:
    """The cycle's lines the user may see, in order, each with its latest payout's id and status."""
    return (cycle_lines_visible_to(user=user).filter(cycle=cycle)
            .select_related("household__head", "household__station", "pupil", "removed_by")
            .annotate(payout_id=_latest_payout("id"), payout_status=_latest_payout("status"),
                      payout_reference=_latest_payout("reference"))
            .order_by("removed", "household__station__name", "household__reference", "pupil_id", "id"))


def cycle_left_out(*, cycle: Cycle, user) -> QuerySet[CycleExclusion]:
    """Who was enrolled but got no line in this cycle, and why."""
    return (cycle_exclusions_visible_to(user=user).filter(cycle=cycle)
            .select_related("household__station").order_by("reason", "household__reference", "pupil_id", "id"))


@dataclass(frozen=True)
class CycleFigures:
    lines: int
    removed: int
    total: Decimal  # what approval commits: the lines not removed
    position: FundPosition  # the fund's (for a city-wide fund: the cycle's district's part)
    shortfall: Decimal  # how much the available balance lacks, 0 when it covers the total
    by_reason: dict  # left-out reason → count


def cycle_figures(*, cycle: Cycle) -> CycleFigures:
    """What the approve button shows: the total beside the fund's available balance, in a handful of queries."""
    counts = cycle.lines.aggregate(kept=Count("id", filter=Q(removed=False)),
                                   taken_out=Count("id", filter=Q(removed=True)),
                                   kept_total=Coalesce(Sum("amount", filter=Q(removed=False)), ZERO))
    fund = cycle.programme.fund
    position = fund_position(fund=fund, district=cycle.district if fund.district_id is None else None)
    total = counts["kept_total"]
    shortfall = max(total - position.available, ZERO) if cycle.status == Cycle.Status.GENERATED else ZERO
    by_reason = dict(cycle.exclusions.values("reason").annotate(n=Count("id")).values_list("reason", "n"))
    return CycleFigures(lines=counts["kept"], removed=counts["taken_out"], total=total, position=position,
                        shortfall=shortfall, by_reason=by_reason)


def cycle_payout_counts(*, cycle: Cycle) -> dict[str, int]:
    """Payout status → number of the cycle's live payouts (the latest of each line), after approval."""
    latest = Payout.objects.filter(source=PAYOUT_SOURCE, source_id=OuterRef("source_id"), id__gt=OuterRef("id"))
    rows = (Payout.objects.filter(source=PAYOUT_SOURCE, source_id__in=cycle.lines.values("id"))
            .exclude(Exists(latest)).values("status").annotate(n=Count("id")))
    return {row["status"]: row["n"] for row in rows}
