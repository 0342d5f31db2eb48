"""Refusals of the funds area, each with a message a person can act on."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from reliefdesk.errors import DomainError
from reliefdesk.money import format_money


class NoRuleSetInForce(DomainError):
    """No active rule set of that fund and category covers the date."""

    def __init__(self, *, fund=None, category=None, on=None):
        message = _("No rule set of %(fund)s for %(category)s is in force on %(date)s.") % {
            "fund": fund if fund is not None else "-",
            "category": category if category is not None else "-",
            "date": on.isoformat() if on is not None else "-",
        }
        super().__init__(message, field="event_date", code="no_rule_set")
        self.fund = fund
        self.category = category
        self.on = on


class ChosenAmountOutsideRange(DomainError):
    """The reviewer's amount lies outside the tier's (capped) range."""

    def __init__(self, low, high):
        message = _("Choose an amount between %(low)s and %(high)s yuan.") % {"low": format_money(low),
                                                                               "high": format_money(high)}
        super().__init__(message, field="proposed_amount", code="outside_range")
        self.low = low
        self.high = high


class RuleSetLocked(DomainError):
    """A rule set that is active or has decided cases is never edited."""


class LedgerRefused(DomainError):
    """A ledger posting that would break the books."""
