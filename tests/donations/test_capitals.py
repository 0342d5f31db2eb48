"""Chinese capital numerals on donation receipts (大写金额), as a bank clerk reads them."""
from __future__ import annotations

from decimal import Decimal

import pytest

from reliefdesk.money import amount_in_capitals


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("1005", "壹仟零伍元整"),
        ("12345.60", "壹万贰仟叁佰肆拾伍元陆角整"),
        ("100000.05", "壹拾万元零伍分"),
        ("1.05", "壹元零伍分"),
        ("0.05", "伍分"),
        ("0.50", "伍角整"),
        ("0.56", "伍角陆分"),
        ("10.50", "壹拾元伍角整"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("1010", "壹仟零壹拾元整"),
        ("1", "壹元整"),
        ("10", "壹拾元整"),
        ("0", "零元整"),
    ],
)
def test_yuan_jiao_and_fen_are_written_with_zeros_where_a_bank_expects_them(amount, expected):
    assert amount_in_capitals(Decimal(amount)) == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        ("10000", "壹万元整"),
        ("10001", "壹万零壹元整"),
        ("10010", "壹万零壹拾元整"),
        ("100000", "壹拾万元整"),
        ("110000", "壹拾壹万元整"),
        ("150000", "壹拾伍万元整"),
        ("1000001", "壹佰万零壹元整"),
        ("20000000.10", "贰仟万元壹角整"),
        ("100000000", "壹亿元整"),
        ("100010000", "壹亿零壹万元整"),
        ("100100000", "壹亿零壹拾万元整"),
        ("1100000000", "壹拾壹亿元整"),
        ("9999999999.99", "玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ],
)
def test_whole_wan_and_yi_boundaries_carry_a_single_zero_between_groups(amount, expected):
    assert amount_in_capitals(Decimal(amount)) == expected


def test_amounts_are_rounded_half_up_to_the_cent_before_writing():
    assert amount_in_capitals(Decimal("12.345")) == "壹拾贰元叁角伍分"
    assert amount_in_capitals("1,005.00") == "壹仟零伍元整"


def test_a_negative_amount_has_no_capital_form():
    with pytest.raises(ValueError):
        amount_in_capitals(Decimal("-1"))
