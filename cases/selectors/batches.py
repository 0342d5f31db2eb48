"""Reads for approval batches: lists, the batch page, the cases that can join it, the public notice."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from cases.forms.batches import BatchFilter, CandidateFilter
from cases.models import Application, Batch
from cases.selectors.intake import applications_visible_to
from reliefdesk.money import ZERO
from reliefdesk.notice import NoticeList, NoticeRow
from reliefdesk.scope import get_or_404, scope_queryset

S = Application.Status
B = Batch.Status

# Cases that a batch holds or held to approval (removed and objected cases leave it).
MEMBER_STATUSES = (S.IN_BATCH, S.APPROVED, S.PAID, S.PAYMENT_FAILED)


def _money_sum(field: str, **extra):
    return Coalesce(Sum(field, **extra), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2))


def batches_visible_to(*, user) -> QuerySet[Batch]:
    return scope_queryset(Batch.objects.select_related("fund", "district", "created_by", "approved_by"), user,
                          station=None)


def batch_list(*, user, data=None) -> tuple[QuerySet[Batch], object]:

    in_batch = Q(applications__status__in=MEMBER_STATUSES)
    queryset = batches_visible_to(user=user).annotate(
        case_count=Count("applications", filter=in_batch),
        total=_money_sum("applications__proposed_amount", filter=in_batch),
        override_count=Count("applications", filter=in_batch & Q(applications__is_override=True)),
    ).order_by("-created_at", "-id")
    filterset = BatchFilter(data or None, queryset=queryset, user=user)
    if filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    return queryset, filterset


def batch_get(*, user, pk: int) -> Batch:
    return get_or_404(batches_visible_to(user=user), pk=pk)


def batch_applications(*, batch: Batch) -> QuerySet[Application]:
    return (batch.applications.filter(status__in=MEMBER_STATUSES)
            .select_related("category", "station")
            .order_by("station__code", "reference"))


@dataclass(frozen=True)
class CategoryTotal:
    name: str
    count: int
    total: Decimal


@dataclass(frozen=True)
class BatchTotals:
    by_category: list[CategoryTotal]
    count: int
    total: Decimal
    overrides: int
    unconfirmed_overrides: int


def batch_totals(*, batch: Batch) -> BatchTotals:
    rows = list(
        batch.applications.filter(status__in=MEMBER_STATUSES).order_by()
        .values("category__sort_order", "category__name")
        .annotate(n=Count("id"), total=_money_sum("proposed_amount"),
                  overrides=Count("id", filter=Q(is_override=True)),
                  unconfirmed=Count("id", filter=Q(is_override=True, override_confirmed_at__isnull=True)))
        .order_by("category__sort_order", "category__name")
    )
    return BatchTotals(
        by_category=[CategoryTotal(r["category__name"], r["n"], r["total"]) for r in rows],
        count=sum(r["n"] for r in rows),
        total=sum((r["total"] for r in rows), ZERO),
        overrides=sum(r["overrides"] for r in rows),
        unconfirmed_overrides=sum(r["unconfirmed"] for r in rows),
    )


def batch_candidates(*, batch: Batch, user, data=None) -> tuple[QuerySet[Application], object]:
    """Verified cases of the batch's fund outside any batch, filtered for the checkbox list."""

    queryset = (applications_visible_to(user=user)
                .filter(status=S.VERIFIED, batch__isnull=True, fund_id=batch.fund_id, district_id=batch.district_id)
                .order_by("verified_at", "id"))
    filterset = CandidateFilter(data or None, queryset=queryset, user=user)
    if filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    return queryset, filterset


def notice_person(application: Application) -> tuple[str, str]:
    """Name and ID number as the notice lists them: those approved (the frozen snapshot) once approved."""
    frozen = (application.award_snapshot or {}).get("member") or {}
    if frozen.get("name"):
        return frozen["name"], frozen.get("id_number", "")
    return application.member.name, application.member.id_number


def notice_rows(*, batch: Batch) -> list[Application]:
    """The cases on the public-notice list (公示名单), each with ``notice_name`` and ``notice_id_number``."""
    rows = list(batch.applications.filter(status__in=MEMBER_STATUSES)
                .select_related("category", "member", "station")
                .order_by("station__code", "reference"))
    for application in rows:
        application.notice_name, application.notice_id_number = notice_person(application)
    return rows


def notice_list(*, batch: Batch) -> NoticeList:
    """The batch's public-notice list (公示名单): masked, with category and amount (reliefdesk.notice)."""
    rows = [NoticeRow.masked(name=a.notice_name, id_number=a.notice_id_number, station=a.station.name,
                             category=a.category.name, amount=a.proposed_amount)
            for a in notice_rows(batch=batch)]
    return NoticeList(
        heading=batch.fund.name,
        title=_("Public notice of the relief recipients of %(title)s") % {"title": batch.title},
        intro=_("The following applications have been verified and are proposed for aid. They are made public from "
                "%(start)s to %(end)s (%(n)s working days). Anyone with an objection may report it to the district "
                "union's aid centre within this period.")
        % {"start": batch.notice_start.isoformat(), "end": batch.notice_end.isoformat(), "n": batch.notice_days},
        start=batch.notice_start, end=batch.notice_end, footer=batch.district.name, rows=rows,
        category_title=_("Category"), with_amount=True)
