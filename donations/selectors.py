"""Reads of donors, campaigns and donations, always scoped to the user's district."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, NullIf, TruncMonth, Upper

from donations.models import Campaign, Donation, DonationImport, Donor
from funds.models import Fund
from reliefdesk.models import HistoryEvent
from reliefdesk.scope import scope_queryset
from reliefdesk.search import name_pieces

ZERO = Decimal("0.00")


def funds_for_donations(*, user) -> QuerySet[Fund]:
    """Funds the user may record donations for: those of his district (admin: all)."""
    return scope_queryset(Fund.objects.filter(active=True).select_related("district"), user, station=None)


def donors_visible_to(*, user) -> QuerySet[Donor]:
    return scope_queryset(Donor.objects.select_related("district", "employer"), user, station=None)


# A search shows this many donors to pick from: enough to see the one meant, few enough to read.
DONOR_MATCHES = 10


def donor_matches(queryset: QuerySet[Donor], text: str) -> QuerySet[Donor]:
    """Donors whose name, or the unit they gave through, starts with ``text`` or holds it (any case).

    The start through the indexes on UPPER(name) and UPPER(unit_name) (text_pattern_ops) of each district;
    a piece inside (two characters or more: "医院" in "顺义区医院") through the GIN indexes on their
    two-character pieces (kept in the row), the candidates then kept by a plain ``icontains``.
    """
    text = (text or "").strip()
    if not text:
        return queryset.none()
    matches = _starts_with(text)
    if len(text) > 1:
        pieces = name_pieces(text)
        matches |= (Q(name_pieces__contains=pieces, name__icontains=text)
                    | Q(unit_pieces__contains=pieces, unit_name__icontains=text))
    return queryset.filter(matches)


def _starts_with(text: str) -> Q:
    return Q(name__istartswith=text) | Q(unit_name__istartswith=text)


# Matches are ordered by UPPER(name) first, which no index provides: PostgreSQL then takes the matches
# from the prefix and piece indexes and sorts those few, instead of walking the district in name order
# hoping to meet ten matches early (130 ms for a rare prefix among 100,000 donors, against 1 ms). Those
# whose name or unit starts with the text come first: they are what one types.
MATCH_ORDER = (Upper("name"), "name", "pk")


def donor_search(*, user, text: str, limit: int = DONOR_MATCHES) -> list[Donor]:
    """The first ``limit`` donors of the user's scope matching ``text``: those starting with it first, by name."""
    starts = Case(When(_starts_with((text or "").strip()), then=Value(0)), default=Value(1))
    return list(donor_matches(donors_visible_to(user=user), text).order_by(starts, *MATCH_ORDER)[:limit])


@dataclass(frozen=True)
class DonorPage:
    """One page of the donor list, walked by key: the donor before and after it, when there are more."""

    donors: list
    before: int | None  # pk of the page's first donor, when a page comes before
    after: int | None  # pk of the page's last donor, when a page comes after


def donor_page(*, user, text: str = "", after: int | None = None, before: int | None = None,
               per_page: int) -> DonorPage:
    """The donors after (or before) the donor ``after`` (``before``) in (name, pk) order, with their totals.

    Walking by key costs the same on the last page as on the first (no count, no offset), and the
    totals are summed for the page's donors only.
    """
    donors = donors_visible_to(user=user)
    searched = bool(text.strip())
    if searched:
        donors = donor_matches(donors, text)
    key_of = donors_visible_to(user=user).filter(pk=after if after is not None else before).values_list("name", "pk")
    key = key_of.first() if (after is not None or before is not None) else None
    backwards = key is not None and after is None
    keys = donors.order_by().values_list("pk", flat=True)
    if key is not None:
        # The row comparison walks the (district, name, id) index; a search walks its own order.
        columns, values = ("UPPER(donations_donor.name), donations_donor.name, donations_donor.id",
                           "UPPER(%s), %s, %s") if searched else ("donations_donor.name, donations_donor.id", "%s, %s")
        params = (key[0], *key) if searched else key
        keys = keys.alias(beyond=RawSQL(f"({columns}) {'<' if backwards else '>'} ({values})", params,
                                        output_field=BooleanField())).filter(beyond=True)
    order = MATCH_ORDER if searched else ("name", "pk")
    if backwards:
        order = [field.desc() if hasattr(field, "desc") else f"-{field}" for field in order]
    keys = list(keys.order_by(*order)[:per_page + 1])
    more = len(keys) > per_page
    keys = keys[:per_page]
    if backwards:
        keys.reverse()
    rows = {d.pk: d for d in donor_totals(donors_visible_to(user=user).filter(pk__in=keys))} if keys else {}
    page = [rows[pk] for pk in keys if pk in rows]
    has_before = (more if backwards else key is not None) and bool(page)
    has_after = (key is not None if backwards else more) and bool(page)
    return DonorPage(donors=page, before=page[0].pk if has_before else None,
                     after=page[-1].pk if has_after else None)


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
