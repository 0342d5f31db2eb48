"""Reads of filing batches: lists, the batch page, the households that can join it, the public notice."""
from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from households.models import FilingBatch, Household
from households.selectors import filing_batches_visible_to, households_visible_to
from households.selectors.file import causes_text
from reliefdesk.notice import NoticeList, NoticeRow
from reliefdesk.scope import get_or_404

S = Household.Status
# Households a batch holds, or held up to their filing (removed and objected ones leave it).
MEMBER_STATUSES = (S.IN_BATCH, S.ON_FILE, S.LEFT)


def filing_batch_list(*, user) -> QuerySet[FilingBatch]:
    return (filing_batches_visible_to(user=user).select_related("district", "created_by")
            .annotate(household_count=Count("households", filter=Q(households__status__in=MEMBER_STATUSES)))
            .order_by("-created_at", "-id"))


def filing_batch_get(*, user, pk: int) -> FilingBatch:
    return get_or_404(filing_batches_visible_to(user=user).select_related("district", "created_by", "approved_by"),
                      pk=pk)


def filing_batch_households(*, batch: FilingBatch) -> QuerySet[Household]:
    return (batch.households.filter(status__in=MEMBER_STATUSES).select_related("head", "station")
            .order_by("station__code", "reference"))


def filing_batch_candidates(*, batch: FilingBatch, user) -> QuerySet[Household]:
    """Verified households of the batch's district outside any batch."""
    return (households_visible_to(user=user).filter(status=S.VERIFIED, filing_batch__isnull=True,
                                                    district_id=batch.district_id)
            .select_related("head", "station").order_by("verified_at", "id"))


def filing_notice_list(*, batch: FilingBatch) -> NoticeList:
    """The batch's public-notice list: the award batches' list, the causes of hardship as its category."""
    rows = [NoticeRow.masked(name=h.head.name, id_number=h.head.id_number, station=h.station.name,
                             category=causes_text(h.causes))
            for h in filing_batch_households(batch=batch)]
    return NoticeList(
        heading=_("%(district)s District Federation of Trade Unions") % {"district": batch.district.name},
        title=_("Public notice of the needy-worker households proposed for filing in %(title)s") % {"title": batch.title},
        intro=_("The following households have been verified by a home visit and are proposed for the file of needy-worker "
                "households. They are made public from %(start)s to %(end)s (%(n)s working days). Anyone with an "
                "objection may report it to the district union's aid centre within this period.")
        % {"start": batch.notice_start.isoformat(), "end": batch.notice_end.isoformat(), "n": batch.notice_days},
        start=batch.notice_start, end=batch.notice_end, footer=batch.district.name, rows=rows,
        category_title=_("Causes of hardship"), with_amount=False, sheet_title=_("Public notice"))
