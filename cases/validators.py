"""Validation of what a liaison types: ID numbers, phones, cards, amounts, dates.

Each validator raises ``ValidationError`` with a message that says what is
wrong and how it should look, so the liaison can fix it with the worker
still sitting beside him.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.iso7064 import mod_11_2
from reliefdesk.money import format_money

_ID_RE = re.compile(r"^\d{17}[\dX]$")
_PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
_CARD_RE = re.compile(r"^\d{16,19}$")


@dataclass(frozen=True)
class IdNumberFacts:
    id_number: str
    birth_date: dt.date
    sex: str  # "M" or "F" (cases.models.Sex)


def normalise_id_number(value: str) -> str:
    """Strip spaces and accept a lower-case x as the check character."""
    return re.sub(r"\s+", "", value or "").upper()


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits (ISO 7064 MOD 11-2, python-stdnum's arithmetic)."""
    return mod_11_2.calc_check_digit(first17)


def parse_id_number(value: str, *, today: dt.date | None = None) -> IdNumberFacts:
    """Check a resident ID number (GB 11643) and derive birth date and sex from it."""
    number = normalise_id_number(value)
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d."), code="id_length", params={"count": len(number)}
        )
    if not _ID_RE.match(number):
        raise ValidationError(_("An ID number is 17 digits followed by a digit or X."), code="id_format")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("Characters 7–14 of the ID number (%(text)s) are not a real birth date."),
            code="id_birth_date", params={"text": number[6:14]},
        ) from None
    today = today or timezone.localdate()
    if birth > today or birth.year < 1900:
        raise ValidationError(
            _("The birth date in the ID number (%(date)s) is not possible."), code="id_birth_date",
            params={"date": birth.isoformat()},
        )
    expected = id_check_char(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _("The last character of the ID number does not match (check digit should be %(expected)s): "
              "please compare it with the ID card."),
            code="id_check_digit", params={"expected": expected},
        )
    sex = "M" if int(number[16]) % 2 else "F"
    return IdNumberFacts(id_number=number, birth_date=birth, sex=sex)


def validate_id_number(value: str) -> None:
    parse_id_number(value)


def validate_mobile(value: str) -> None:
    number = re.sub(r"[\s-]+", "", value or "")
    if not _PHONE_RE.match(number):
        raise ValidationError(
            _("A mobile number has 11 digits and starts with 13 to 19, e.g. 13812345678."), code="mobile"
        )


def luhn_valid(digits: str) -> bool:
    """The bank card check digit (Luhn, python-stdnum's arithmetic behind our messages)."""
    return luhn.is_valid(digits)


def luhn_complete(partial: str) -> str:
    """``partial`` with its Luhn check digit appended (demo and test card numbers)."""
    return partial + luhn.calc_check_digit(partial)


def normalise_card_number(value: str) -> str:
    return re.sub(r"[\s-]+", "", value or "")


def validate_card_number(value: str) -> None:
    number = normalise_card_number(value)
    if not _CARD_RE.match(number):
        raise ValidationError(
            _("A card number has 16 to 19 digits; this one has %(count)d characters."), code="card_length",
            params={"count": len(number)},
        )
    if not luhn_valid(number):
        raise ValidationError(
            _("This card number fails the bank's check digit (Luhn): a digit is probably mistyped."), code="card_luhn"
        )


def validate_money_not_negative(value) -> None:
    if value is not None and Decimal(value) < 0:
        raise ValidationError(_("An amount cannot be negative."), code="money_negative")


def validate_amounts(total, reimbursed, other) -> None:
    """Reimbursed plus other aid may not exceed the total medical cost."""
    total = Decimal(total or 0)
    reimbursed = Decimal(reimbursed or 0)
    other = Decimal(other or 0)
    if reimbursed + other > total:
        raise ValidationError(
            _("Reimbursed (%(reimbursed)s) plus other aid (%(other)s) is more than the total medical cost "
              "(%(total)s)."),
            code="amounts_exceed_total",
            params={"reimbursed": format_money(reimbursed), "other": format_money(other), "total": format_money(total)},
        )


def validate_event_date(value: dt.date | None, *, today: dt.date | None = None) -> None:
    if value is None:
        return
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError(
            _("The event date %(date)s is in the future."), code="event_in_future", params={"date": value.isoformat()}
        )
