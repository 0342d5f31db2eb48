"""A donation's money in the fund's ledger: one credit when confirmed, its reversal when a confirmed gift is voided.

The donation points at its entries (``credit_entry``, ``void_entry``,
one-to-one); the database refuses a confirmed donation without its credit
and a voided one whose credit is not reversed.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from donations.models import Donation
from funds.errors import LedgerRefused
from funds.ledger import NewEntry, ledger_post, ledger_post_many, ledger_post_reversal
from funds.models import LedgerEntry

K = LedgerEntry.Kind


def credit_entry_of(*, fund_id: int, amount, received_on, receipt_number: str) -> NewEntry:
    """The credit of one gift, as every path writes it (one donation, a list, a 100,000-row import)."""
    return NewEntry(fund_id=fund_id, kind=K.DONATION, amount=amount, booked_on=received_on,
                    description=" ".join(["捐款", receipt_number or ""]).strip())


def credit_description_sql(receipt_number: str) -> str:
    """The description :func:`credit_entry_of` gives, as SQL over the text expression ``receipt_number``."""
    return f"btrim('捐款 ' || COALESCE({receipt_number}, ''))"


def donation_post_credit(*, donation: Donation, actor) -> LedgerEntry:
    """Credit the fund with ``donation``, once; the caller confirms it in the same transaction."""
    if donation.credit_entry_id:
        raise LedgerRefused(_("This donation is already booked in the ledger."), code="donation_booked")
    entry = ledger_post(entry=credit_entry_of(fund_id=donation.fund_id, amount=donation.amount,
                                              received_on=donation.received_on,
                                              receipt_number=donation.receipt_number), actor=actor)
    donation.credit_entry = entry
    return entry


def donations_post_credits(*, donations: Iterable[Donation], actor) -> dict[int, int]:
    """Credit many donations in one COPY, refused as a whole if any is already credited; donation id → entry id."""
    donations = list(donations)
    if any(d.credit_entry_id for d in donations):
        raise LedgerRefused(_("Some of these donations are already booked in the ledger."), code="donation_booked")
    ids = ledger_post_many(entries=[credit_entry_of(fund_id=d.fund_id, amount=d.amount, received_on=d.received_on,
                                                    receipt_number=d.receipt_number) for d in donations],
                           actor=actor)
    return {d.pk: entry_id for d, entry_id in zip(donations, ids)}


def donation_post_reversal(*, donation: Donation, actor, reason: str) -> LedgerEntry:
    """Take a voided donation's credit back out, pointing at the credit it reverses."""
    if not (reason or "").strip():
        raise LedgerRefused(_("Give a reason."), field="reason", code="reason_required")
    if donation.credit_entry_id is None:
        raise LedgerRefused(_("This donation was never credited to the fund."), code="not_credited")
    if donation.void_entry_id is not None:
        raise LedgerRefused(_("This donation's credit is already reversed."), code="already_reversed")
    try:
        reversal = ledger_post_reversal(entry=donation.credit_entry, kind=K.DONATION_VOID,
                                        description=" ".join(["捐款作废", donation.receipt_number or ""]).strip(),
                                        reason=reason, actor=actor)
    except LedgerRefused as exc:
        raise LedgerRefused(_("This donation's credit is already reversed."), code="already_reversed") from exc
    donation.void_entry = reversal
    return reversal


def donation_reference(entry) -> str:
    """The receipt number of the donation ``entry`` credits or reverses ("" otherwise); joined in by ledger_of."""
    donation = getattr(entry, "donation", None) or getattr(entry, "voided_donation", None)
    return donation.receipt_number if donation is not None else ""
