"""Money helpers: Decimal yuan, rounded half-up, never float."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
YUAN = Decimal("1")
ZERO = Decimal("0.00")


def to_decimal(value) -> Decimal:
    """Turn a cell or form value into Decimal without passing through float arithmetic."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise InvalidOperation("not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # openpyxl hands numbers back as floats: repr keeps the shortest exact text.
        return Decimal(repr(value))
    text = str(value).strip().replace(",", "").replace("，", "").replace("¥", "").replace("元", "")
    return Decimal(text)


def quantize_money(value, *, whole_yuan: bool = False) -> Decimal:
    return to_decimal(value).quantize(YUAN if whole_yuan else CENT, rounding=ROUND_HALF_UP).quantize(CENT)


def format_money(value) -> str:
    """62000 → '62,000.00' (for explanations and exports shown to people)."""
    return f"{quantize_money(value):,.2f}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ["", "拾", "佰", "仟"]
_BIG_UNITS = ["", "万", "亿", "万亿"]


def _four_digits(n: int) -> str:
    """0 < n < 10000, with inner zeros as 零 (leading zeros handled by the caller)."""
    out = []
    zero_pending = False
    for pos in range(3, -1, -1):
        digit = (n // 10**pos) % 10
        if digit == 0:
            if out:
                zero_pending = True
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        out.append(_DIGITS[digit] + _SMALL_UNITS[pos])
    return "".join(out)


def amount_in_capitals(value) -> str:
    """Chinese capital numerals for receipts: 12345.60 → 壹万贰仟叁佰肆拾伍元陆角整."""
    amount = quantize_money(value)
    if amount < 0:
        raise ValueError("negative amounts have no capital form")
    cents_total = int(amount * 100)
    yuan, cents = divmod(cents_total, 100)
    jiao, fen = divmod(cents, 10)

    text = ""
    if yuan:
        groups = []
        while yuan:
            groups.append(yuan % 10000)
            yuan //= 10000
        parts = []
        need_zero = False
        for idx in range(len(groups) - 1, -1, -1):
            group = groups[idx]
            if group == 0:
                need_zero = bool(parts)
                continue
            if parts and (need_zero or group < 1000):
                parts.append("零")
            parts.append(_four_digits(group) + _BIG_UNITS[idx])
            need_zero = False
        text = "".join(parts) + "元"
    if not jiao and not fen:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if fen:
        text += _DIGITS[fen] + "分"
    else:
        text += "整"
    return text
