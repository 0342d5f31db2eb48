"""Reads of donors, campaigns and donations, always scoped to the user's district."""
from __future__ import annotations

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, CharField, Count, F, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, NullIf, TruncMonth

from donations.models import Campaign, Donation, DonationImport, Donor
from funds.models import Fund
from reliefdesk.models import HistoryEvent
from reliefdesk.scope import scope_queryset

ZERO = Decimal("0.00")


def funds_for_donations(*, user) -> QuerySet[Fund]:
    """Funds the user may record donations for: those of his district (admin: all)."""
    return scope_queryset(Fund.objects.filter(active=True).select_related("district"), user, station=None)


def donors_visible_to(*, user) -> QuerySet[Donor]:
    return scope_queryset(Donor.objects.select_related("district", "employer"), user, station=None)


def campaigns_visible_to(*, user) -> QuerySet[Campaign]:
    return scope_queryset(Campaign.objects.select_related("fund", "fund__district"), user, station=None,
                          district="fund__district")


def donations_visible_to(*, user) -> QuerySet[Donation]:
    return scope_queryset(
        Donation.objects.select_related("fund", "campaign", "donor", "recorded_by"), user, station=None
    )


def donation_imports_visible_to(*, user) -> QuerySet[DonationImport]:
    return scope_queryset(DonationImport.objects.select_related("fund", "campaign", "uploaded_by", "job"), user,
                          station=None, district="fund__district")


# --- receipts --------------------------------------------------------------

VOID_ACTION = "donation.voided"

# A receipt was issued for a donation once it was confirmed: it stays issued when the donation is
# voided later (and then prints marked void); a donation voided before confirmation never had one.
RECEIPT_ISSUED = Q(status=Donation.Status.CONFIRMED) | Q(status=Donation.Status.VOIDED,
                                                        voided_from=Donation.Status.CONFIRMED)


def with_void(queryset: QuerySet[Donation]) -> QuerySet[Donation]:
    """Each donation with ``voided_at`` and ``voided_from`` (the state it was voided from), from its history.

    The void's history row is the record of when it happened; None for a donation not voided.
    """
    events = (HistoryEvent.objects.filter(content_type=ContentType.objects.get_for_model(Donation),
                                          object_id=OuterRef("pk"), action=VOID_ACTION)
              .order_by("-created_at", "-id"))
    return queryset.annotate(voided_at=Subquery(events.values("created_at")[:1]),
                             voided_from=Subquery(events.values("from_status")[:1]))


def receipts_of_campaign(queryset: QuerySet[Donation]) -> tuple[QuerySet[Donation], dict]:
    """The receipts of a campaign's donations in number order, and how many were left out and why.

    Printed: every confirmed donation, and every donation voided after it was
    confirmed (marked void). Left out: donations not yet confirmed, and those
    voided before they were confirmed, for which no receipt was ever issued.
    """
    donations = with_void(queryset)
    counts = donations.order_by().aggregate(
        unconfirmed=Count("id", filter=Q(status=Donation.Status.RECORDED)),
        voided=Count("id", filter=Q(status=Donation.Status.VOIDED)),
        voided_issued=Count("id", filter=Q(status=Donation.Status.VOIDED, voided_from=Donation.Status.CONFIRMED)),
    )
    left_out = {"unconfirmed": counts["unconfirmed"], "voided_unissued": counts["voided"] - counts["voided_issued"]}
    return donations.filter(RECEIPT_ISSUED).order_by("receipt_year", "receipt_seq"), left_out


def totals(queryset: QuerySet[Donation]) -> dict:
    """Count and sum of the given rows, computed by the database."""
    return queryset.order_by().aggregate(count=Count("id"), total=Coalesce(Sum("amount"), ZERO))


def state_totals(queryset: QuerySet[Donation]) -> dict[str, dict]:
    """Count and sum of the rows in each state, in one query: ``{"confirmed": {"count", "total"}, ...}``.

    Money received is the confirmed state only; recorded (not yet
    confirmed) and voided gifts are shown apart, never added to it.
    """
    aggregates = {}
    for state in Donation.Status.values:
        in_state = Q(status=state)
        aggregates[f"{state}_count"] = Count("id", filter=in_state)
        aggregates[f"{state}_total"] = Coalesce(Sum("amount", filter=in_state), ZERO)
    row = queryset.order_by().aggregate(**aggregates)
    return {state: {"count": row[f"{state}_count"], "total": row[f"{state}_total"]}
            for state in Donation.Status.values}


def _counted(queryset: QuerySet[Donation]) -> QuerySet[Donation]:
    """Donations that count as money received: confirmed ones."""
    return queryset.filter(status=Donation.Status.CONFIRMED)


def _confirmed_and_recorded(relation: str) -> dict:
    """Annotations of a donor's or campaign's confirmed count and total, and the not-yet-confirmed apart."""
    confirmed = Q(**{f"{relation}__status": Donation.Status.CONFIRMED})
    recorded = Q(**{f"{relation}__status": Donation.Status.RECORDED})
    return {
        "donation_count": Count(relation, filter=confirmed),
        "donation_total": Coalesce(Sum(f"{relation}__amount", filter=confirmed), ZERO),
        "recorded_count": Count(relation, filter=recorded),
        "recorded_total": Coalesce(Sum(f"{relation}__amount", filter=recorded), ZERO),
    }


# The unit a donation is credited to: the unit itself, or the unit an individual gave through.
UNIT_OF_DONOR = Case(
    When(donor__kind=Donor.Kind.UNIT, then=F("donor__name")),
    default=NullIf(F("donor__unit_name"), Value("")),
    output_field=CharField(),
)


def campaign_summary(campaign: Campaign) -> dict:
    """Confirmed total, count, progress, ranking of units, by channel and by month — SQL aggregates.

    Every figure is of confirmed money; the recorded (not yet confirmed) and
    voided gifts are counted apart.
    """
    states = state_totals(Donation.objects.filter(campaign=campaign))
    donations = _counted(Donation.objects.filter(campaign=campaign))
    head = states[Donation.Status.CONFIRMED]
    progress = None
    if campaign.target:
        progress = min(100, int(head["total"] * 100 / campaign.target))
    units = list(
        donations.annotate(unit=UNIT_OF_DONOR).exclude(unit__isnull=True).values("unit")
        .annotate(count=Count("id"), total=Sum("amount")).order_by("-total", "unit")
    )
    channel_labels = dict(Donation.Channel.choices)
    channels = [
        {**row, "label": channel_labels.get(row["channel"], row["channel"])}
        for row in donations.values("channel").annotate(count=Count("id"), total=Sum("amount")).order_by("-total")
    ]
    months = list(
        donations.annotate(month=TruncMonth("received_on")).values("month")
        .annotate(count=Count("id"), total=Sum("amount")).order_by("month")
    )
    return {
        "count": head["count"],
        "total": head["total"],
        "recorded": states[Donation.Status.RECORDED],
        "voided": states[Donation.Status.VOIDED],
        "progress": progress,
        "units": units,
        "channels": channels,
        "months": months,
    }


def campaign_totals(queryset: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Campaigns with their confirmed count and total, and the not-yet-confirmed apart, for the list page."""
    return queryset.annotate(**_confirmed_and_recorded("donations")).order_by("-starts_on", "name")


def donor_totals(queryset: QuerySet[Donor]) -> QuerySet[Donor]:
    """Donors with their confirmed count and total, and the not-yet-confirmed apart, for the list page."""
    return queryset.annotate(**_confirmed_and_recorded("donations"))
