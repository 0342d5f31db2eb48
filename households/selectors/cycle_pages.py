"""Reads behind the programme and cycle pages: lists, a cycle's lines with their payouts, its left-out list.

Every read starts from the doors (``programmes_visible_to``,
``cycles_visible_to``, ``cycle_lines_visible_to``), so a liaison sees the
lines of his stations only and anyone outside a cycle's district gets 404.
A cycle of 100,000 lines is read a page at a time; its sums come from one
aggregate.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from funds.models import Programme
from funds.selectors import programmes_visible_to
from households.forms.cycles import CycleFilter
from households.models import Cycle, CycleExclusion, CycleLine
from households.selectors.cycles import cycle_exclusions_visible_to, cycle_lines_visible_to, cycles_visible_to
from payouts.models import Payout, PayoutSheetLine
from payouts.selectors import payouts_visible_to
from reliefdesk.money import ZERO
from reliefdesk.scope import get_or_404
from reliefdesk.xlsx import Sheet

CYCLE_LINE = "cycle_line"


def programme_list(*, user) -> QuerySet[Programme]:
    return (programmes_visible_to(user=user).select_related("fund__district", "category")
            .annotate(cycle_count=Count("cycles", distinct=True))
            .order_by("-active", "fund__slug", "code"))


def programme_get(*, user, pk: int) -> Programme:
    return get_or_404(programmes_visible_to(user=user).select_related("fund__district", "category", "created_by"),
                      pk=pk)


@dataclass(frozen=True)
class CycleList:
    queryset: QuerySet
    filterset: CycleFilter


def cycle_list(*, user, data=None) -> CycleList:
    queryset = cycles_visible_to(user=user).select_related("programme__fund", "district", "generated_by")
    filterset = CycleFilter(data or None, queryset=queryset, user=user,
                            programmes=programmes_visible_to(user=user).order_by("fund__slug", "code"))
    if filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    return CycleList(queryset=queryset.order_by("-cycle_date", "-id"), filterset=filterset)


def cycle_get(*, user, pk: int) -> Cycle:
    return get_or_404(cycles_visible_to(user=user).select_related(
        "programme__fund__district", "programme__category", "district", "rule_set", "generated_by", "approved_by"),
        pk=pk)


def _latest_payout(field: str):
    """The newest payout of the line (a reissue is newer than the payout it replaced)."""
    return Subquery(Payout.objects.filter(source=CYCLE_LINE, source_id=OuterRef("pk"))
                    .order_by("-id").values(field)[:1])


def cycle_lines(*, cycle: Cycle, user) -> QuerySet[CycleLine]:
    """The cycle's lines the user may see, kept ones first, with their newest payout's status and sheet."""
    live_sheet = PayoutSheetLine.objects.filter(payout_id=OuterRef("payout_id"), released=False)
    return (cycle_lines_visible_to(user=user).filter(cycle=cycle)
            .select_related("household__head", "household__station", "pupil", "removed_by")
            .annotate(payout_id=_latest_payout("id"), payout_status=_latest_payout("status"),
                      payout_paid_on=_latest_payout("paid_on"))
            .annotate(sheet_id=Subquery(live_sheet.values("sheet_id")[:1]),
                      sheet_number=Subquery(live_sheet.values("sheet__number")[:1]))
            .order_by("removed", "household__station__code", "household__reference", "pupil_id", "id"))


def cycle_lines_sheet(*, cycle: Cycle, user) -> Sheet:
    """The cycle's lines the user may see as a spreadsheet: ID and card numbers as text, amounts as numbers."""
    labels = dict(Payout.Status.choices)
    removed = _("Removed")

    def rows():
        for line in cycle_lines(cycle=cycle, user=user).iterator(chunk_size=2000):
            if line.removed:
                status = f"{removed}: {line.removed_reason}"
            else:
                status = str(labels.get(line.payout_status, "") or cycle.get_status_display())
            yield [line.household.reference, line.household.station.name, line.payee_name, line.payee_id_number,
                   line.pupil.name if line.pupil_id else "", line.card_number, line.bank_name, line.amount,
                   line.explanation, status]

    return Sheet(title=cycle.title[:31],
                 header=[_("reference"), _("service station"), _("Payee"), _("ID number"), _("pupil"),
                         _("Card number"), _("Bank"), _("Amount (yuan)"), _("explanation"), _("status")],
                 rows=rows(), widths=[16, 22, 12, 22, 12, 24, 20, 14, 48, 20],
                 money_columns=[7], text_columns=[3, 5])


def cycle_line_get(*, user, cycle: Cycle, pk: int) -> CycleLine:
    return get_or_404(cycle_lines_visible_to(user=user).filter(cycle=cycle)
                      .select_related("household__head", "household__station", "pupil", "removed_by", "rule_set",
                                      "parameter_value"), pk=pk)


def line_payouts(*, line: CycleLine, user) -> QuerySet[Payout]:
    """The line's payouts, the first one and any reissue of it, newest first."""
    return (payouts_visible_to(user=user).filter(source=CYCLE_LINE, source_id=line.pk)
            .order_by("-id"))


def cycle_exclusions(*, cycle: Cycle, user) -> QuerySet[CycleExclusion]:
    """Who was left out and why: the households the user may see (a liaison: his stations')."""
    return (cycle_exclusions_visible_to(user=user).filter(cycle=cycle)
            .select_related("household__head", "household__station", "pupil")
            .order_by("reason", "household__station__code", "household__reference", "id"))


@dataclass(frozen=True)
class CycleFigures:
    lines: int
    total: Decimal
    removed: int
    left_out: int
    paid_lines: int
    paid_total: Decimal
    failed_lines: int


def cycle_figures(*, cycle: Cycle, user) -> CycleFigures:
    """The kept lines' count and total, the removed and left-out counts, what is paid: two queries."""
    paid = Q(payout_status=Payout.Status.PAID)
    kept = Q(removed=False)
    figures = (cycle_lines(cycle=cycle, user=user).order_by().aggregate(
        n_lines=Count("id", filter=kept),
        sum_total=Coalesce(Sum("amount", filter=kept), ZERO),
        n_removed=Count("id", filter=Q(removed=True)),
        n_paid=Count("id", filter=kept & paid),
        sum_paid=Coalesce(Sum("amount", filter=kept & paid), ZERO),
        n_failed=Count("id", filter=kept & Q(payout_status=Payout.Status.FAILED)),
    ))
    return CycleFigures(lines=figures["n_lines"], total=figures["sum_total"], removed=figures["n_removed"],
                        paid_lines=figures["n_paid"], paid_total=figures["sum_paid"], failed_lines=figures["n_failed"],
                        left_out=cycle_exclusions(cycle=cycle, user=user).count())


def cycle_payouts_for_sheet(*, cycle: Cycle, user) -> QuerySet[Payout]:
    """The cycle's payouts finance can still put in a sheet: pending and in no live sheet."""
    line_ids = cycle_lines_visible_to(user=user).filter(cycle=cycle, removed=False).values("pk")
    in_sheet = PayoutSheetLine.objects.filter(released=False).values("payout_id")
    return (payouts_visible_to(user=user)
            .filter(source=CYCLE_LINE, source_id__in=line_ids, status=Payout.Status.PENDING)
            .exclude(pk__in=in_sheet).order_by("id"))
