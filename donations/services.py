"""Every write of donors, campaigns and donations.

Finance of the fund's district (or an administrator) records donations.
Receipt numbers run per fund and year without gaps: the counter row is
locked while a number is taken, inside the transaction that saves the
donation, so a rolled-back entry gives its number back. Nothing is ever
deleted: a mistake is voided with a reason, and a confirmed donation's
ledger credit is reversed.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from donations.ledger import donation_post_credit, donation_post_reversal, donations_post_credits
from donations.models import Campaign, Donation, Donor
from donations.selectors import campaigns_visible_to, donations_visible_to, donors_visible_to
from donations.workflow import DONATION
from funds.models import Fund
from funds.selectors import funds_visible_to
from reliefdesk.counters import counter_take
from reliefdesk.errors import DomainError
from reliefdesk.history import record_event
from reliefdesk.models import Role
from reliefdesk.money import quantize_money
from reliefdesk.scope import district_of, get_or_404, require_role, role_of

DONATION_ROLES = (Role.FINANCE,)

def _locked_fund(*, actor, fund: Fund) -> Fund:
    """The fund, if the actor is finance of its district (or admin); 403 / 404 otherwise."""
    require_role(actor, *DONATION_ROLES)
    return get_or_404(funds_visible_to(user=actor), pk=fund.pk)


def _district_for(*, actor, fund: Fund):
    if fund.district_id:
        return fund.district
    raise DomainError(_("Donations can only be recorded for a district fund."), field="fund")


def receipt_number(fund: Fund, year: int, seq: int) -> str:
    return f"{fund.slug.upper()}-{year}-{seq:06d}"


def receipt_number_sql(fund: Fund, *, year: str, seq: str) -> tuple[str, dict]:
    """:func:`receipt_number` as an SQL expression over the integer expressions ``year`` and ``seq``, with its
    named parameters (the set-based import numbers its rows in the database)."""
    return (f"%(receipt_prefix)s || '-' || ({year})::text || '-' || CASE WHEN ({seq}) < 1000000"
            f" THEN lpad(({seq})::text, 6, '0') ELSE ({seq})::text END", {"receipt_prefix": fund.slug.upper()})


def receipt_key(*, fund: Fund, year: int) -> str:
    return f"receipt:{fund.pk}:{year}"


def receipt_numbers_allocate(*, fund: Fund, year: int, count: int = 1) -> int:
    """Reserve ``count`` consecutive receipt numbers of the fund and year; returns the first (gap-free)."""
    return counter_take(key=receipt_key(fund=fund, year=year), count=count)


def received_on_error(received_on: dt.date) -> str | None:
    """Why ``received_on`` cannot be a donation's date, or None: money is never received after today."""
    if received_on > timezone.localdate():
        return _("The date received cannot be after today.")
    return None


def _clean_amount(amount) -> Decimal:
    try:
        value = quantize_money(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise DomainError(_("Enter the amount as a number of yuan."), field="amount") from None
    if value <= 0:
        raise DomainError(_("The amount must be above zero."), field="amount")
    return value


def reference_taken(*, channel: str, reference: str | None, exclude_pk: int | None = None) -> Donation | None:
    if not reference:
        return None
    existing = Donation.objects.filter(channel=channel, external_reference=reference)
    if exclude_pk:
        existing = existing.exclude(pk=exclude_pk)
    return existing.only("id", "receipt_number").first()


def _check_reference(*, channel: str, reference: str | None) -> None:
    taken = reference_taken(channel=channel, reference=reference)
    if taken:
        raise DomainError(
            _("This transaction number was already recorded for this channel (receipt %(receipt)s).")
            % {"receipt": taken.receipt_number},
            field="external_reference", code="duplicate_reference",
        )


# --- donors ----------------------------------------------------------------

DONOR_FIELDS = ("kind", "name", "employer", "unit_name", "contact")


def _donor_district(*, actor, district=None):
    if role_of(actor) == Role.ADMIN:
        if district is None:
            raise DomainError(_("Choose the district of the donor."), field="district")
        return district
    return district_of(actor)


def _check_donor_unique(*, district, kind, name, unit_name, exclude_pk=None) -> None:
    clash = Donor.objects.filter(district=district, kind=kind, name=name, unit_name=unit_name or "")
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(_("This donor already exists."), field="name")


def donor_create(*, actor, kind: str, name: str, district=None, employer=None, unit_name: str = "",
                 contact: str = "") -> Donor:
    require_role(actor, *DONATION_ROLES)
    name = (name or "").strip()
    if kind == Donor.Kind.ANONYMOUS and not name:
        name = "匿名"
    if not name:
        raise DomainError(_("Enter the donor's name."), field="name")
    with transaction.atomic():
        district = _donor_district(actor=actor, district=district)
        _check_donor_unique(district=district, kind=kind, name=name, unit_name=unit_name)
        donor = Donor.objects.create(kind=kind, name=name, district=district, employer=employer,
                                     unit_name=(unit_name or "").strip(), contact=contact or "")
        record_event(donor, actor=actor, action="donor.created", data={"kind": kind, "name": name})
    return donor


def donor_update(*, actor, donor: Donor, **changes) -> Donor:
    require_role(actor, *DONATION_ROLES)
    with transaction.atomic():
        donor = get_or_404(donors_visible_to(user=actor).select_for_update(of=("self",)), pk=donor.pk)
        before = {field: str(getattr(donor, field) or "") for field in DONOR_FIELDS}
        for field in DONOR_FIELDS:
            if field in changes:
                value = changes[field]
                setattr(donor, field, value if value is not None or field == "employer" else "")
        donor.name = donor.name.strip()
        if not donor.name:
            raise DomainError(_("Enter the donor's name."), field="name")
        _check_donor_unique(district=donor.district, kind=donor.kind, name=donor.name, unit_name=donor.unit_name,
                            exclude_pk=donor.pk)
        donor.save(update_fields=list(DONOR_FIELDS))
        after = {field: str(getattr(donor, field) or "") for field in DONOR_FIELDS}
        changed = {k: [before[k], after[k]] for k in DONOR_FIELDS if before[k] != after[k]}
        if changed:
            record_event(donor, actor=actor, action="donor.updated", data=changed)
    return donor


# --- campaigns -------------------------------------------------------------

CAMPAIGN_FIELDS = ("name", "starts_on", "ends_on", "target", "channel_notes")


def _check_campaign(*, fund, name, starts_on, ends_on, target, exclude_pk=None) -> None:
    if not name:
        raise DomainError(_("Enter the campaign's name."), field="name")
    if ends_on and starts_on and ends_on < starts_on:
        raise DomainError(_("The campaign cannot end before it starts."), field="ends_on")
    if target is not None and target <= 0:
        raise DomainError(_("The target must be above zero."), field="target")
    clash = Campaign.objects.filter(fund=fund, name=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(_("This fund already has a campaign of that name."), field="name")


def campaign_create(*, actor, fund: Fund, name: str, starts_on: dt.date, ends_on: dt.date | None = None,
                    target: Decimal | None = None, channel_notes: str = "") -> Campaign:
    with transaction.atomic():
        fund = _locked_fund(actor=actor, fund=fund)
        name = (name or "").strip()
        target = quantize_money(target) if target is not None else None
        _check_campaign(fund=fund, name=name, starts_on=starts_on, ends_on=ends_on, target=target)
        campaign = Campaign.objects.create(fund=fund, name=name, starts_on=starts_on, ends_on=ends_on,
                                           target=target, channel_notes=channel_notes or "")
        record_event(campaign, actor=actor, action="campaign.created",
                     data={"name": name, "target": str(target) if target is not None else None})
    return campaign


def campaign_update(*, actor, campaign: Campaign, **changes) -> Campaign:
    require_role(actor, *DONATION_ROLES)
    with transaction.atomic():
        campaign = get_or_404(campaigns_visible_to(user=actor).select_for_update(of=("self",)), pk=campaign.pk)
        before = {field: str(getattr(campaign, field) or "") for field in CAMPAIGN_FIELDS}
        for field in CAMPAIGN_FIELDS:
            if field in changes:
                setattr(campaign, field, changes[field])
        campaign.name = (campaign.name or "").strip()
        campaign.channel_notes = campaign.channel_notes or ""
        if campaign.target is not None:
            campaign.target = quantize_money(campaign.target)
        _check_campaign(fund=campaign.fund, name=campaign.name, starts_on=campaign.starts_on,
                        ends_on=campaign.ends_on, target=campaign.target, exclude_pk=campaign.pk)
        campaign.save(update_fields=list(CAMPAIGN_FIELDS))
        after = {field: str(getattr(campaign, field) or "") for field in CAMPAIGN_FIELDS}
        changed = {k: [before[k], after[k]] for k in CAMPAIGN_FIELDS if before[k] != after[k]}
        if changed:
            record_event(campaign, actor=actor, action="campaign.updated", data=changed)
    return campaign


# --- donations -------------------------------------------------------------

def donation_record(*, actor, fund: Fund, campaign: Campaign | None, donor: Donor | None, amount,
                    received_on: dt.date, channel: str, external_reference: str | None = None, note: str = "",
                    confirm: bool = False) -> Donation:
    """Record one donation with the next receipt number; ``confirm`` credits the ledger at once."""
    amount = _clean_amount(amount)
    reference = (external_reference or "").strip() or None
    if channel not in Donation.Channel.values:
        raise DomainError(_("Choose a channel."), field="channel")
    if received_on is None:
        raise DomainError(_("Enter the date the money was received."), field="received_on")
    # Before the counter is touched: a refused date must not take a receipt number of its year.
    problem = received_on_error(received_on)
    if problem:
        raise DomainError(problem, field="received_on", code="future_date")
    with transaction.atomic():
        fund = _locked_fund(actor=actor, fund=fund)
        district = _district_for(actor=actor, fund=fund)
        if campaign is not None and campaign.fund_id != fund.pk:
            raise DomainError(_("This campaign belongs to another fund."), field="campaign")
        if donor is not None and donor.district_id != district.pk:
            raise DomainError(_("This donor belongs to another district."), field="donor")
        _check_reference(channel=channel, reference=reference)
        year = received_on.year
        seq = receipt_numbers_allocate(fund=fund, year=year)
        try:
            with transaction.atomic():
                donation = Donation.objects.create(
                    fund=fund, district=district, campaign=campaign, donor=donor, amount=amount,
                    received_on=received_on, channel=channel, external_reference=reference, note=note or "",
                    receipt_year=year, receipt_seq=seq, receipt_number=receipt_number(fund, year, seq),
                    recorded_by=actor,
                )
        except IntegrityError as exc:
            # Another entry of the same transaction committed between our check and our insert.
            if "donation_reference_unique_per_channel" in str(exc):
                raise DomainError(_("This transaction number was already recorded for this channel."),
                                  field="external_reference", code="duplicate_reference") from exc
            raise
        record_event(donation, actor=actor, action="donation.recorded", to_status=Donation.Status.RECORDED,
                     data={"amount": str(amount), "receipt_number": donation.receipt_number})
        if confirm:
            _confirm_locked(donation, actor=actor)
    return donation


def _confirm_locked(donation: Donation, *, actor) -> None:
    DONATION.check(donation, "confirm", actor=actor)
    donation_post_credit(donation=donation, actor=actor)
    DONATION.apply(donation, "confirm", actor=actor, update_fields=("credit_entry",),
                   data={"amount": str(donation.amount)})


def donation_confirm_many(*, donations: list[Donation], actor) -> list[Donation]:
    """Confirm many recorded donations at once: one COPY of credits, one UPDATE, one INSERT of history."""
    require_role(actor, *DONATION_ROLES)
    with transaction.atomic():
        locked = list(donations_visible_to(user=actor).select_for_update(of=("self",))
                      .filter(pk__in=[d.pk for d in donations]).order_by("pk"))
        for donation in locked:
            DONATION.check(donation, "confirm", actor=actor)
        credits = donations_post_credits(donations=locked, actor=actor)
        DONATION.apply_many(locked, "confirm", actor=actor, columns={"credit_entry_id": "bigint"},
                            values_for=lambda d: (credits[d.pk],), data_for=lambda d: {"amount": str(d.amount)})
        for donation in locked:
            donation.credit_entry_id = credits[donation.pk]
    return locked


def _locked_donation(*, actor, donation: Donation) -> Donation:
    require_role(actor, *DONATION_ROLES)
    return get_or_404(donations_visible_to(user=actor).select_for_update(of=("self",)), pk=donation.pk)


def donation_confirm(*, donation: Donation, actor) -> Donation:
    """recorded → confirmed: the fund ledger is credited exactly once."""
    with transaction.atomic():
        donation = _locked_donation(actor=actor, donation=donation)
        _confirm_locked(donation, actor=actor)
    return donation


def donation_void(*, donation: Donation, actor, reason: str) -> Donation:
    """recorded/confirmed → voided, with a reason; a confirmed donation's credit is reversed."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for voiding this donation."), field="reason")
    with transaction.atomic():
        donation = _locked_donation(actor=actor, donation=donation)
        DONATION.check(donation, "void", actor=actor, reason=reason)
        fields = []
        if donation.status == Donation.Status.CONFIRMED:
            donation_post_reversal(donation=donation, actor=actor, reason=reason)
            fields.append("void_entry")
        DONATION.apply(donation, "void", actor=actor, reason=reason, update_fields=fields,
                       data={"amount": str(donation.amount)})
    return donation
