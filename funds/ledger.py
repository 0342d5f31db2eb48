"""Postings to a fund's ledger: append-only, a mistake is corrected by a reversing entry.

The ledger knows funds and amounts, nothing above them: what caused an
entry points at it (a paid payout at its debit, a confirmed donation at its
credit, one-to-one, enforced by the database on their side). The apps post
through :func:`ledger_post` and :func:`ledger_post_many` inside their own
transaction, after their own role and scope checks. Adjustments, reversals
and opening balances are people's actions on the fund, so they check both.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.errors import LedgerRefused
from funds.models import Fund, LedgerEntry
from funds.selectors import city_level_balance, fund_position, funds_visible_to
from reliefdesk.bulk import copy_rows, draw_ids
from reliefdesk.history import record_event
from reliefdesk.models import District, Role
from reliefdesk.money import format_money, quantize_money
from reliefdesk.scope import district_of, require_role, role_of

K = LedgerEntry.Kind


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


@dataclass(frozen=True)
class NewEntry:
    fund_id: int
    kind: str
    amount: Decimal
    booked_on: date
    description: str
    reason: str = ""
    district_id: int | None = None  # the district's part of a city-wide fund it moves (None: city level)


def ledger_post(*, entry: NewEntry, actor, reverses: LedgerEntry | None = None) -> LedgerEntry:
    """One entry; the caller holds the transaction and links what caused it."""
    return LedgerEntry.objects.create(
        fund_id=entry.fund_id, district_id=entry.district_id, kind=entry.kind, amount=quantize_money(entry.amount),
        booked_on=entry.booked_on, description=entry.description, reason=entry.reason, reverses=reverses,
        created_by=_actor(actor))


def ledger_draw_ids(count: int) -> list[int]:
    """Ids for entries about to be posted, so what causes them can point at them first (one query)."""
    return draw_ids(LedgerEntry, count)


def ledger_post_many(*, entries: Sequence[NewEntry], actor, ids: Sequence[int] | None = None) -> list[int]:
    """Many entries in one COPY; returns their ids in the order given (a thousand debits, a 50,000-row import).

    ``ids`` drawn beforehand with :func:`ledger_draw_ids` are used instead of new ones.
    """
    if not entries:
        return []
    ids = list(ids) if ids is not None else draw_ids(LedgerEntry, len(entries))
    creator = _actor(actor)
    now = timezone.now().isoformat()
    copy_rows(LedgerEntry._meta.db_table,
              ["id", "fund_id", "district_id", "kind", "amount", "booked_on", "description", "reason",
               "created_by_id", "created_at"],
              ([pk, e.fund_id, e.district_id, e.kind, quantize_money(e.amount), e.booked_on.isoformat(),
                e.description, e.reason, creator.pk if creator else None, now] for pk, e in zip(ids, entries)))
    return ids


def ledger_post_reversal(*, entry: LedgerEntry, kind: str, description: str, reason: str, actor,
                         booked_on: date | None = None) -> LedgerEntry:
    """The opposite of ``entry``, pointing at it: an entry is reversed once (the database says so)."""
    if not (reason or "").strip():
        raise LedgerRefused(_("Give a reason."), field="reason", code="reason_required")
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise LedgerRefused(_("This entry is already reversed."), code="already_reversed")
    try:
        with transaction.atomic():
            return ledger_post(entry=NewEntry(fund_id=entry.fund_id, district_id=entry.district_id, kind=kind,
                                              amount=-entry.amount, booked_on=booked_on or timezone.localdate(),
                                              description=description, reason=reason.strip()),
                               actor=actor, reverses=entry)
    except IntegrityError as exc:  # a concurrent reversal won the race
        raise LedgerRefused(_("This entry is already reversed."), code="already_reversed") from exc


def booked_on_error(booked_on: date) -> str | None:
    """Why a person cannot book on ``booked_on``, or None: the books hold nothing after today."""
    if booked_on > timezone.localdate():
        return _("The booking date cannot be after today.")
    return None


def _locked_fund(fund: Fund, actor) -> Fund:
    """Lock the fund row (postings of one fund are serialised) after checking the actor may see it."""
    if not funds_visible_to(user=actor).filter(pk=fund.pk).exists():
        raise Http404(_("No such record."))
    return Fund.objects.select_for_update().get(pk=fund.pk)


def _part_of(fund: Fund, actor, district: District | None):
    """The district part a person books on: none for a district's own fund; for a city-wide fund the actor's
    district, or for an administrator the one he chose (None: the city level)."""
    if fund.district_id is not None:
        if district is not None and district.pk != fund.district_id:
            raise LedgerRefused(_("This fund belongs to a district: its entries have no district part."),
                                field="district", code="not_city_wide")
        return None
    if role_of(actor) == Role.ADMIN:
        return district
    own = district_of(actor)
    if own is None or (district is not None and district.pk != own.pk):
        raise Http404(_("No such record."))
    return own


def ledger_post_adjustment(*, fund: Fund, amount, reason: str, actor, booked_on: date,
                           district: District | None = None) -> LedgerEntry:
    """A correction by finance or an administrator, with a reason; positive credits, negative debits.

    On a city-wide fund, district finance adjusts only its district's part; an administrator names the part
    (``district``, or None for the city level).
    """
    with transaction.atomic():
        require_role(actor, Role.FINANCE)
        fund = _locked_fund(fund, actor)
        part = _part_of(fund, actor, district)
        amount = quantize_money(amount)
        if amount == 0:
            raise LedgerRefused(_("An adjustment cannot be zero."), field="amount", code="zero")
        if not (reason or "").strip():
            raise LedgerRefused(_("Give a reason for the adjustment."), field="reason", code="reason_required")
        problem = booked_on_error(booked_on)
        if problem:
            raise LedgerRefused(problem, field="booked_on", code="future_date")
        entry = ledger_post(entry=NewEntry(fund_id=fund.pk, district_id=part.pk if part else None,
                                           kind=K.ADJUSTMENT, amount=amount, booked_on=booked_on,
                                           description="调整", reason=reason.strip()), actor=actor)
        data = {"entry": entry.pk, "amount": str(amount), "booked_on": booked_on.isoformat()}
        if part is not None:
            data["district"] = part.code
        record_event(fund, actor=actor, action="fund.adjusted", reason=reason.strip(), data=data)
        return entry


def ledger_reverse_entry(*, entry: LedgerEntry, actor, reason: str) -> LedgerEntry:
    """Cancel an opening or adjustment entry with an opposite one; the original stays.

    On a city-wide fund, district finance reverses only entries of its district's part (another district's
    entry, or one of the city level, is not his to see: 404).
    """
    with transaction.atomic():
        require_role(actor, Role.FINANCE)
        fund = _locked_fund(entry.fund, actor)
        if fund.district_id is None and role_of(actor) != Role.ADMIN:
            own = district_of(actor)
            if own is None or entry.district_id != own.pk:
                raise Http404(_("No such record."))
        if not (reason or "").strip():
            raise LedgerRefused(_("Give a reason for the reversal."), field="reason", code="reason_required")
        if entry.kind not in (K.OPENING, K.ADJUSTMENT):
            raise LedgerRefused(
                _("Only opening balances and adjustments are reversed here; payouts and donations are corrected "
                  "where they were recorded."), code="not_reversible")
        reversal = ledger_post_reversal(entry=entry, kind=K.REVERSAL, description=f"冲销 #{entry.pk}",
                                        reason=reason, actor=actor)
        record_event(entry.fund, actor=actor, action="fund.entry_reversed", reason=reason.strip(),
                     data={"entry": entry.pk, "reversal": reversal.pk, "amount": str(reversal.amount)})
        return reversal


def ledger_post_allocation(*, fund: Fund, district: District, amount, booked_on: date, reason: str,
                           actor) -> tuple[LedgerEntry, LedgerEntry]:
    """The two entries of an allocation: out of the city level, into the district's part (the caller checks)."""
    amount = quantize_money(amount)
    out = ledger_post(entry=NewEntry(fund_id=fund.pk, district_id=None, kind=K.ALLOCATION, amount=-amount,
                                     booked_on=booked_on, description=f"划拨 {district.name}", reason=reason),
                      actor=actor)
    into = ledger_post(entry=NewEntry(fund_id=fund.pk, district_id=district.pk, kind=K.ALLOCATION, amount=amount,
                                      booked_on=booked_on, description="市级划拨", reason=reason), actor=actor)
    return out, into


def fund_allocate(*, fund: Fund, district: District, amount, booked_on: date, reason: str,
                  actor) -> tuple[LedgerEntry, LedgerEntry]:
    """An administrator gives a district part of a city-wide fund (a negative amount takes unspent money back).

    Refused beyond what the city level holds, or beyond what the district's part has available (its balance
    less what its approved cases still owe), with the shortfall named.
    """
    with transaction.atomic():
        require_role(actor)
        fund = _locked_fund(fund, actor)
        if fund.district_id is not None:
            raise LedgerRefused(_("Only a city-wide fund is allocated to districts."), field="district",
                                code="not_city_wide")
        if district is None:
            raise LedgerRefused(_("Choose the district."), field="district", code="district_required")
        amount = quantize_money(amount)
        if amount == 0:
            raise LedgerRefused(_("An allocation cannot be zero."), field="amount", code="zero")
        if not (reason or "").strip():
            raise LedgerRefused(_("Give a reason for the allocation."), field="reason", code="reason_required")
        problem = booked_on_error(booked_on)
        if problem:
            raise LedgerRefused(problem, field="booked_on", code="future_date")
        if amount > 0:
            available = city_level_balance(fund=fund)
            if available < amount:
                raise LedgerRefused(
                    _("The city level holds %(available)s yuan not yet allocated; %(amount)s cannot be given "
                      "(shortfall %(shortfall)s yuan).")
                    % {"available": format_money(available), "amount": format_money(amount),
                       "shortfall": format_money(amount - available)}, field="amount", code="shortfall")
        else:
            available = fund_position(fund=fund, district=district).available
            if available < -amount:
                raise LedgerRefused(
                    _("%(district)s has %(available)s yuan of this fund available (its approved cases still owe "
                      "the rest); %(amount)s cannot be taken back.")
                    % {"district": district.name, "available": format_money(available),
                       "amount": format_money(-amount)}, field="amount", code="shortfall")
        entries = ledger_post_allocation(fund=fund, district=district, amount=amount, booked_on=booked_on,
                                         reason=reason.strip(), actor=actor)
        record_event(fund, actor=actor, action="fund.allocated", reason=reason.strip(),
                     data={"district": district.code, "amount": str(amount), "booked_on": booked_on.isoformat(),
                           "entries": [entry.pk for entry in entries]})
        return entries


def ledger_post_opening_balance(*, fund: Fund, amount, actor, booked_on: date,
                                description: str = "期初余额") -> LedgerEntry:
    """The first entry of a fund (demo seed, migration of paper books)."""
    return ledger_post(entry=NewEntry(fund_id=fund.pk, kind=K.OPENING, amount=amount, booked_on=booked_on,
                                      description=description), actor=actor)
