"""Approved awards: money a fund owes a payee, handed from what approved it to what pays it.

An approval (cases: a batch approved at the meeting) hands its awards over
with :func:`awards_hand_over` inside its own transaction; the app that pays
(payouts) registered its receiver from ``AppConfig.ready()`` and builds one
payout from each award. The approving app never imports the paying one, and
any later kind of award (a recurring cycle) hands over the same way.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured

from reliefdesk.registry import Registry


@dataclass(frozen=True)
class Award:
    """What was approved, for whom, from which fund, paid to which card."""

    source: object  # the approved record (an Application; for another kind, see ``source_kind``)
    approval: object  # what approved it (an approval Batch, a cycle)
    fund_id: int
    district_id: int
    station_id: int | None
    amount: Decimal
    payee_name: str
    payee_id_number: str
    card_number: str
    bank_name: str
    # Another kind of approved record than an application (a recurring cycle's line): its kind and id, the
    # number the bank's file prints, its aid category and the title of what approved it.
    source_kind: str = ""
    source_id: int | None = None
    reference: str = ""
    category_id: int | None = None
    approval_title: str = ""


# name → receive(awards=..., actor=...), registered by the app that pays awards.
AWARD_RECEIVERS: Registry[Callable] = Registry("award receiver")


def register_award_receivers(receivers: dict[str, Callable]) -> None:
    AWARD_RECEIVERS.update(receivers)


def awards_hand_over(*, awards: Sequence[Award], actor) -> None:
    """Give approved awards to every registered receiver; the caller holds the transaction."""
    if not AWARD_RECEIVERS:
        raise ImproperlyConfigured("No installed app receives approved awards (the payouts app pays them).")
    for receive in AWARD_RECEIVERS.values():
        receive(awards=awards, actor=actor)
