"""Reads of payouts and payout sheets, always scoped to what the user may see."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from payouts.models import ExportLog, Payout, PayoutSheet, PayoutSheetLine
from funds.models import Fund
from funds.selectors import fund_position, funds_visible_to, ledger_part_for
from reliefdesk.money import ZERO
from reliefdesk.scope import get_or_404, scope_queryset


def payouts_visible_to(*, user) -> QuerySet[Payout]:
    return scope_queryset(
        Payout.objects.select_related("application__category", "batch", "aid_category", "fund", "station"), user
    )


def payout_sheets_visible_to(*, user) -> QuerySet[PayoutSheet]:
    return scope_queryset(PayoutSheet.objects.select_related("fund", "created_by"), user, station=None)


def payouts_awaiting_member_card(*, user, member) -> QuerySet[Payout]:
    """The member's pending payouts, in no live sheet, whose card or bank is not his current one.

    A payout carries the card frozen at approval; a card changed since reaches these only when finance
    applies it (``payouts_apply_member_card``). Nothing is offered while he has no card on file.
    """
    if not member.card_number:
        return Payout.objects.none()
    live_line = PayoutSheetLine.objects.filter(payout=OuterRef("pk"), released=False)
    return (payouts_visible_to(user=user)
            .filter(application__member=member, status=Payout.Status.PENDING)
            .exclude(Exists(live_line))
            .exclude(card_number=member.card_number, bank_name=member.bank_name)
            .order_by("pk"))


def payout_get(*, user, pk: int) -> Payout:
    return get_or_404(payouts_visible_to(user=user).select_related("application__member", "reissue_of"), pk=pk)


def payout_sheet_get(*, user, pk: int) -> PayoutSheet:
    return get_or_404(payout_sheets_visible_to(user=user), pk=pk)


def payout_list(*, user, params=None):
    """The payout list's FilterSet over the user's payouts (the same rows the page shows)."""
    from payouts.forms import PayoutFilter

    live_line = PayoutSheetLine.objects.filter(payout=OuterRef("pk"), released=False)
    queryset = payouts_visible_to(user=user).annotate(
        live_sheet_number=Subquery(live_line.values("sheet__number")[:1]),
        live_sheet_id=Subquery(live_line.values("sheet_id")[:1]),
    ).order_by("-created_at", "-id")
    return PayoutFilter(params, queryset=queryset, user=user)


def live_sheet_of(*, payout: Payout) -> PayoutSheet | None:
    line = payout.sheet_lines.filter(released=False).select_related("sheet").first()
    return line.sheet if line else None


def sheet_lines(*, sheet: PayoutSheet) -> QuerySet[PayoutSheetLine]:
    return (sheet.lines.select_related("payout__application__category", "payout__batch", "payout__station",
                                       "payout__reissued_as")
            .order_by("released", "position"))


def sheet_totals(*, sheet: PayoutSheet) -> dict:
    """Counts and sums of a sheet's live lines by payout status."""
    lines = PayoutSheetLine.objects.filter(sheet=sheet, released=False)
    figures = lines.aggregate(
        rows=Count("id"),
        total=Coalesce(Sum("payout__amount"), ZERO),
        paid_rows=Count("id", filter=Q(payout__status=Payout.Status.PAID)),
        paid_total=Coalesce(Sum("payout__amount", filter=Q(payout__status=Payout.Status.PAID)), ZERO),
        failed_rows=Count("id", filter=Q(payout__status=Payout.Status.FAILED)),
        failed_total=Coalesce(Sum("payout__amount", filter=Q(payout__status=Payout.Status.FAILED)), ZERO),
    )
    figures["open_rows"] = figures["rows"] - figures["paid_rows"] - figures["failed_rows"]
    figures["open_total"] = figures["total"] - figures["paid_total"] - figures["failed_total"]
    return figures


def sheet_exports(*, sheet: PayoutSheet) -> QuerySet[ExportLog]:
    return sheet.exports.select_related("user").order_by("-created_at")


@dataclass(frozen=True)
class FundSummary:
    fund: Fund
    balance: object
    committed: object
    available: object
    pending_count: int
    pending_total: object


def finance_overview(*, user) -> dict:
    """What finance sees first: each fund's position, sheets by state, payouts to put in a sheet or reissue."""
    funds = funds_visible_to(user=user).filter(active=True).order_by("slug")
    payouts = payouts_visible_to(user=user)
    pending = {row["fund_id"]: row for row in payouts.filter(status=Payout.Status.PENDING)
               .values("fund_id").annotate(count=Count("id"), total=Coalesce(Sum("amount"), ZERO))}
    summaries = []
    for fund in funds:
        position = fund_position(fund=fund, district=ledger_part_for(fund=fund, user=user))
        row = pending.get(fund.pk, {})
        summaries.append(FundSummary(fund=fund, balance=position.balance, committed=position.committed,
                                     available=position.available, pending_count=row.get("count", 0),
                                     pending_total=row.get("total", ZERO)))
    sheets = payout_sheets_visible_to(user=user)
    sheet_counts = {row["status"]: row["count"] for row in sheets.values("status").annotate(count=Count("id"))}
    sheet_states = [(value, label, sheet_counts.get(value, 0)) for value, label in PayoutSheet.Status.choices]
    open_sheets = list(sheets.filter(status__in=[PayoutSheet.Status.DRAFT, PayoutSheet.Status.EXPORTED])
                       .order_by("created_at")[:20])
    to_reissue = list(
        payouts_visible_to(user=user).filter(status=Payout.Status.FAILED, reissued_as__isnull=True)
        .order_by("created_at")[:50]
    )
    return {"funds": summaries, "sheet_states": sheet_states, "open_sheets": open_sheets, "to_reissue": to_reissue,
            "pending_count": sum(s.pending_count for s in summaries)}


def owed_by_fund(fund_ids: list[int], district_id: int | None = None) -> dict[int, Decimal]:
    """Approved aid not yet paid, per fund: pending, in a sheet, or failed and not yet reissued.

    A failed payout is still owed to the member until its reissue (a new
    payout, counted instead) exists, so it stays committed. With
    ``district_id``, only that district's payouts (its part of a city-wide fund).
    """
    payouts = Payout.objects.filter(fund_id__in=fund_ids)
    if district_id is not None:
        payouts = payouts.filter(district_id=district_id)
    owed = (payouts
            .filter(Q(status__in=[Payout.Status.PENDING, Payout.Status.IN_SHEET])
                    | Q(status=Payout.Status.FAILED, reissued_as__isnull=True))
            .values("fund_id").annotate(total=Coalesce(Sum("amount"), ZERO)).values_list("fund_id", "total"))
    return dict(owed)


def payout_reference(entry) -> str:
    """The number of the payout ``entry`` debits (application or cycle line; "" for any other entry)."""
    payout = getattr(entry, "payout", None)
    return payout.reference if payout is not None else ""
