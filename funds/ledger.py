"""Postings to a fund's ledger: append-only, a mistake is corrected by a reversing entry.

Payout debits and donation credits are posted by the payouts and donations
services inside their own transaction (they check role and scope); the
adjustment and reversal here are people's actions, so they check both.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from funds.errors import LedgerRefused
from funds.models import Fund, LedgerEntry
from reliefdesk.history import record_event
from reliefdesk.models import Role
from reliefdesk.money import quantize_money
from reliefdesk.scope import require_role

K = LedgerEntry.Kind


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


def _payout_description(payout) -> str:
    application = payout._state.fields_cache.get("application")
    reference = application.reference if application is not None else ""
    return " ".join(part for part in ("拨付", reference, payout.payee_name) if part)


def post_payout_debit(*, payout, actor, booked_on: date) -> LedgerEntry:
    """Debit the fund with a paid payout: exactly one entry per payout, negative."""
    if LedgerEntry.objects.filter(payout_id=payout.pk).exists():
        raise LedgerRefused(_("This payout is already booked in the ledger."), code="payout_booked")
    try:
        with transaction.atomic():
            return LedgerEntry.objects.create(
                fund_id=payout.fund_id, kind=K.PAYOUT, amount=-quantize_money(payout.amount), booked_on=booked_on,
                description=_payout_description(payout), payout=payout, created_by=_actor(actor),
            )
    except IntegrityError as exc:  # a concurrent posting won the race
        raise LedgerRefused(_("This payout is already booked in the ledger."), code="payout_booked") from exc


def bulk_post_payout_debits(*, payouts: Iterable, actor, booked_on: date) -> list[LedgerEntry]:
    """One INSERT for many paid payouts (a bank result file of a thousand rows)."""
    payouts = list(payouts)
    if not payouts:
        return []
    booked = set(LedgerEntry.objects.filter(payout_id__in=[p.pk for p in payouts]).values_list("payout_id", flat=True))
    if booked:
        raise LedgerRefused(_("%(count)d of these payouts are already booked in the ledger.") % {"count": len(booked)},
                            code="payout_booked")
    creator = _actor(actor)
    rows = [
        LedgerEntry(fund_id=p.fund_id, kind=K.PAYOUT, amount=-quantize_money(p.amount), booked_on=booked_on,
                    description=_payout_description(p), payout=p, created_by=creator)
        for p in payouts
    ]
    return LedgerEntry.objects.bulk_create(rows, batch_size=1000)


def post_donation_credit(*, donation, actor) -> LedgerEntry:
    """Credit the fund with a confirmed donation, once."""
    if LedgerEntry.objects.filter(donation_id=donation.pk, kind=K.DONATION).exists():
        raise LedgerRefused(_("This donation is already booked in the ledger."), code="donation_booked")
    try:
        with transaction.atomic():
            return LedgerEntry.objects.create(
                fund_id=donation.fund_id, kind=K.DONATION, amount=quantize_money(donation.amount),
                booked_on=donation.received_on, description=" ".join(["捐款", donation.receipt_number or ""]).strip(),
                donation=donation, created_by=_actor(actor),
            )
    except IntegrityError as exc:
        raise LedgerRefused(_("This donation is already booked in the ledger."), code="donation_booked") from exc


def bulk_post_donation_credits(*, donations, actor) -> int:
    """Credit many confirmed donations at once; returns the number of entries written.

    A queryset is credited with one INSERT … SELECT on the server (an import
    of 100,000 rows never builds 100,000 model instances); a list is credited
    with one bulk INSERT. Refused as a whole if any of them is already credited.
    """
    from donations.models import Donation

    creator = _actor(actor)
    if isinstance(donations, QuerySet):
        queryset = donations.order_by()
        if LedgerEntry.objects.filter(kind=K.DONATION, donation__in=queryset.values("pk")).exists():
            raise LedgerRefused(_("Some of these donations are already booked in the ledger."),
                                code="donation_booked")
        ids_sql, ids_params = queryset.values("pk").query.sql_with_params()
        table = Donation._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {LedgerEntry._meta.db_table}
                    (fund_id, kind, amount, booked_on, description, reason, donation_id, created_by_id, created_at)
                SELECT d.fund_id, %s, d.amount, d.received_on, '捐款 ' || d.receipt_number, '', d.id, %s, %s
                FROM {table} AS d WHERE d.id IN ({ids_sql}) ORDER BY d.id
                """,
                [K.DONATION, creator.pk if creator else None, timezone.now(), *ids_params],
            )
            return cursor.rowcount
    donations = list(donations)
    if not donations:
        return 0
    if LedgerEntry.objects.filter(kind=K.DONATION, donation_id__in=[d.pk for d in donations]).exists():
        raise LedgerRefused(_("Some of these donations are already booked in the ledger."), code="donation_booked")
    entries = LedgerEntry.objects.bulk_create([
        LedgerEntry(fund_id=d.fund_id, kind=K.DONATION, amount=quantize_money(d.amount), booked_on=d.received_on,
                    description=" ".join(["捐款", d.receipt_number or ""]).strip(), donation=d, created_by=creator)
        for d in donations
    ], batch_size=1000)
    return len(entries)


def post_donation_reversal(*, donation, actor, reason: str) -> LedgerEntry:
    """Take a voided donation's credit back out, pointing at the credit it reverses."""
    if not (reason or "").strip():
        raise LedgerRefused(_("Give a reason."), field="reason", code="reason_required")
    credit = LedgerEntry.objects.filter(donation_id=donation.pk, kind=K.DONATION).first()
    if credit is None:
        raise LedgerRefused(_("This donation was never credited to the fund."), code="not_credited")
    if LedgerEntry.objects.filter(reverses=credit).exists():
        raise LedgerRefused(_("This donation's credit is already reversed."), code="already_reversed")
    try:
        with transaction.atomic():
            return LedgerEntry.objects.create(
                fund_id=donation.fund_id, kind=K.DONATION_VOID, amount=-credit.amount,
                booked_on=timezone.localdate(), description=" ".join(["捐款作废", donation.receipt_number or ""]).strip(),
                reason=reason.strip(), donation=donation, reverses=credit, created_by=_actor(actor),
            )
    except IntegrityError as exc:
        raise LedgerRefused(_("This donation's credit is already reversed."), code="already_reversed") from exc


def booked_on_error(booked_on: date) -> str | None:
    """Why a person cannot book on ``booked_on``, or None: the books hold nothing after today."""
    if booked_on > timezone.localdate():
        return _("The booking date cannot be after today.")
    return None


def post_adjustment(*, fund: Fund, amount, reason: str, actor, booked_on: date) -> LedgerEntry:
    """A correction by finance or an administrator, with a reason; positive credits, negative debits."""
    with transaction.atomic():
        require_role(actor, Role.FINANCE)
        fund = _locked_fund(fund, actor)
        amount = quantize_money(amount)
        if amount == 0:
            raise LedgerRefused(_("An adjustment cannot be zero."), field="amount", code="zero")
        if not (reason or "").strip():
            raise LedgerRefused(_("Give a reason for the adjustment."), field="reason", code="reason_required")
        problem = booked_on_error(booked_on)
        if problem:
            raise LedgerRefused(problem, field="booked_on", code="future_date")
        entry = LedgerEntry.objects.create(
            fund=fund, kind=K.ADJUSTMENT, amount=amount, booked_on=booked_on, description="调整",
            reason=reason.strip(), created_by=_actor(actor),
        )
        record_event(fund, actor=actor, action="fund.adjusted", reason=reason.strip(),
                     data={"entry": entry.pk, "amount": str(amount), "booked_on": booked_on.isoformat()})
        return entry


def _locked_fund(fund: Fund, actor) -> Fund:
    """Lock the fund row (postings of one fund are serialised) after checking the actor may see it."""
    from funds.selectors import funds_visible_to

    if not funds_visible_to(actor).filter(pk=fund.pk).exists():
        raise Http404(_("No such record."))
    return Fund.objects.select_for_update().get(pk=fund.pk)


def reverse_entry(*, entry: LedgerEntry, actor, reason: str) -> LedgerEntry:
    """Cancel an opening or adjustment entry with an opposite one; the original stays."""
    with transaction.atomic():
        require_role(actor, Role.FINANCE)
        fund = _locked_fund(entry.fund, actor)
        if not (reason or "").strip():
            raise LedgerRefused(_("Give a reason for the reversal."), field="reason", code="reason_required")
        if entry.kind not in (K.OPENING, K.ADJUSTMENT):
            raise LedgerRefused(
                _("Only opening balances and adjustments are reversed here; payouts and donations are corrected "
                  "where they were recorded."), code="not_reversible")
        if LedgerEntry.objects.filter(reverses=entry).exists():
            raise LedgerRefused(_("This entry is already reversed."), code="already_reversed")
        reversal = LedgerEntry.objects.create(
            fund=fund, kind=K.REVERSAL, amount=-entry.amount, booked_on=timezone.localdate(),
            description=f"冲销 #{entry.pk}", reason=reason.strip(), reverses=entry, created_by=_actor(actor),
        )
        record_event(fund, actor=actor, action="fund.entry_reversed", reason=reason.strip(),
                     data={"entry": entry.pk, "reversal": reversal.pk, "amount": str(reversal.amount)})
        return reversal


def post_opening_balance(*, fund: Fund, amount, actor, booked_on: date, description: str = "期初余额") -> LedgerEntry:
    """The first entry of a fund (demo seed, migration of paper books)."""
    return LedgerEntry.objects.create(fund=fund, kind=K.OPENING, amount=quantize_money(amount), booked_on=booked_on,
                                      description=description, created_by=_actor(actor))


__all__ = [
    "bulk_post_donation_credits", "bulk_post_payout_debits", "post_adjustment", "post_donation_credit",
    "post_donation_reversal", "post_opening_balance", "post_payout_debit", "reverse_entry",
]
