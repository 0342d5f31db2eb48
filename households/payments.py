"""Every payment a household received, from wherever it came, through one registry.

The household page lists one-off awards (payouts of approved applications
of the head or of someone living with him) and recurring-aid cycle lines
together, with totals per year. Each kind of payment is a source
registered from an AppConfig.ready() (``register_household_payments``): a
function ``(*, household, user) -> list[HouseholdPayment]`` that costs a
query or two whatever the household's history. The one-off awards are
registered here by households itself; the cycles add theirs.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from households.models import Household
from payouts.models import Payout
from payouts.selectors import payouts_visible_to
from reliefdesk.money import ZERO
from reliefdesk.registry import Registry


@dataclass(frozen=True)
class HouseholdPayment:
    day: dt.date | None  # paid on, or approved on while not yet paid
    source: str  # what kind of aid: "One-off award", "生活补贴" …
    reference: str  # the application number, the cycle line's reference
    description: str  # the aid category, the cycle's title
    person: str  # who received it
    amount: Decimal
    status: str  # readable status
    paid: bool  # only paid money counts in the totals
    url: str = ""


# Source name → ``func(*, household, user) -> list[HouseholdPayment]``.
PAYMENT_SOURCES: Registry[Callable[..., list[HouseholdPayment]]] = Registry("household payment source")


def register_household_payments(sources: dict[str, Callable[..., list[HouseholdPayment]]]) -> None:
    PAYMENT_SOURCES.update(sources)


@dataclass
class YearTotal:
    year: int
    count: int = 0
    amount: Decimal = ZERO


@dataclass
class HouseholdPayments:
    lines: list[HouseholdPayment]
    years: list[YearTotal] = field(default_factory=list)
    paid_count: int = 0
    paid_total: Decimal = ZERO


def household_payments(*, household: Household, user) -> HouseholdPayments:
    """Every registered source's lines, newest first, with the paid count and amount per year."""
    lines: list[HouseholdPayment] = []
    for source in PAYMENT_SOURCES.values():
        lines.extend(source(household=household, user=user))
    lines.sort(key=lambda line: (line.day or dt.date.min, line.reference), reverse=True)
    years: dict[int, YearTotal] = {}
    for line in lines:
        if line.paid and line.day is not None:
            total = years.setdefault(line.day.year, YearTotal(line.day.year))
            total.count += 1
            total.amount += line.amount
    paid = [line for line in lines if line.paid]
    return HouseholdPayments(lines=lines, years=sorted(years.values(), key=lambda y: y.year, reverse=True),
                             paid_count=len(paid), paid_total=sum((line.amount for line in paid), ZERO))


def household_id_numbers(household: Household) -> list[str]:
    """The head's and every household member's ID number."""
    return [household.head.id_number, *(person.id_number for person in household.persons.all())]


def award_payments(*, household: Household, user) -> list[HouseholdPayment]:
    """Payouts of one-off awards paid to the head or to anyone living with him, as the user may see them."""
    payouts = (payouts_visible_to(user=user)
               .filter(application__isnull=False, payee_id_number__in=household_id_numbers(household))
               .select_related("application__category", "batch")
               .order_by("-created_at"))
    source = _("One-off award")
    lines = []
    for payout in payouts:
        application = payout.application
        paid = payout.status == Payout.Status.PAID
        lines.append(HouseholdPayment(
            day=payout.paid_on if paid else (payout.batch.meeting_date or payout.created_at.date()),
            source=source, reference=application.reference,
            description=f"{application.category.name} · {payout.batch.title}", person=application.beneficiary_name,
            amount=payout.amount, status=payout.get_status_display(), paid=paid))
    return lines


def cycle_payments(*, household: Household, user) -> list[HouseholdPayment]:
    """The household's lines of approved cycles with their latest payout, as the user may see them (2 queries)."""
    from households.models import Cycle
    from households.selectors.cycles import PAYOUT_SOURCE, cycle_lines_visible_to

    lines = list(cycle_lines_visible_to(user=user)
                 .filter(household=household, removed=False, cycle__status__in=[Cycle.Status.APPROVED,
                                                                               Cycle.Status.PAID])
                 .select_related("cycle__programme", "pupil").order_by("-cycle__cycle_date", "id"))
    latest: dict[int, Payout] = {}
    for payout in (payouts_visible_to(user=user).filter(source=PAYOUT_SOURCE, source_id__in=[l.pk for l in lines])
                   .order_by("id")):
        latest[payout.source_id] = payout
    from django.urls import reverse

    from reliefdesk.models import Role
    from reliefdesk.scope import role_of

    linked = role_of(user) in (Role.LIAISON, Role.REVIEWER, Role.APPROVER, Role.FINANCE)
    result = []
    for line in lines:
        payout = latest.get(line.pk)
        paid = payout is not None and payout.status == Payout.Status.PAID
        result.append(HouseholdPayment(
            day=payout.paid_on if paid else line.cycle.cycle_date, source=line.cycle.programme.name,
            reference=payout.reference if payout else "", description=line.cycle.title,
            person=line.pupil.name if line.pupil_id else line.payee_name, amount=line.amount,
            status=payout.get_status_display() if payout else line.cycle.get_status_display(), paid=paid,
            url=reverse("households:cycle-line-detail", args=[line.cycle_id, line.pk]) if linked else ""))
    return result
