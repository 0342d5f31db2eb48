"""The payout spreadsheet for the bank (拨付清单).

Its shape is fixed (DOMAIN.md, "Codes that other systems and people rely
on"): a bank's batch-transfer upload reads it. Sheet 拨付明细 has one header
row then one row per payout; sheet 汇总 one header row and one value row.
The rows come from the sheet's lines in their fixed order, so exporting the
same sheet again gives the same rows.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal

from django.utils import timezone

from payouts.models import PayoutSheet
from reliefdesk.money import ZERO, quantize_money
from reliefdesk.xlsx import Sheet, write_xlsx

DETAIL_TITLE = "拨付明细"
SUMMARY_TITLE = "汇总"
DETAIL_HEADER = ("序号", "申请编号", "收款人", "身份证号", "卡号", "开户行", "救助类别", "金额(元)", "审批批次", "服务站")
SUMMARY_HEADER = ("笔数", "合计金额(元)", "基金", "生成时间", "生成人")
DETAIL_WIDTHS = (6, 16, 10, 21, 22, 28, 16, 14, 22, 22)
SUMMARY_WIDTHS = (8, 16, 44, 18, 12)
AMOUNT_COLUMN = DETAIL_HEADER.index("金额(元)")
TEXT_COLUMNS = (DETAIL_HEADER.index("申请编号"), DETAIL_HEADER.index("身份证号"), DETAIL_HEADER.index("卡号"))


# The columns of 拨付明细 after 序号, as database lookups from a sheet line.
DETAIL_LOOKUPS = (
    "payout__reference",
    "payout__payee_name",
    "payout__payee_id_number",
    "payout__card_number",
    "payout__bank_name",
    "payout__aid_category__name",
    "payout__amount",
    "payout__approval_title",
    "payout__station__name",
)


def sheet_rows(*, sheet: PayoutSheet) -> Iterator[tuple]:
    """The detail rows of the sheet's live lines in their order.

    Plain tuples streamed from one query in chunks: flat memory and no model
    instances at 100,000 rows.
    """
    lines = sheet.lines.filter(released=False).order_by("position").values_list("position", *DETAIL_LOOKUPS)
    yield from lines.iterator(chunk_size=5000)


def build_sheets(rows: Iterable[Sequence], *, count: int, total: Decimal, fund_name: str, generated_by: str,
                 generated_at=None) -> list[Sheet]:
    """The two sheets of the workbook, from already built detail rows."""
    generated_at = generated_at or timezone.now()
    return [
        Sheet(title=DETAIL_TITLE, header=DETAIL_HEADER, rows=rows, widths=DETAIL_WIDTHS,
              money_columns=[AMOUNT_COLUMN], text_columns=TEXT_COLUMNS),
        Sheet(title=SUMMARY_TITLE, header=SUMMARY_HEADER,
              rows=[(count, quantize_money(total), fund_name, generated_at, generated_by)],
              widths=SUMMARY_WIDTHS, money_columns=[1]),
    ]


def write_payout_sheet(sheet: PayoutSheet, path: str | os.PathLike, *, actor,
                       progress: Callable[[int], None] | None = None) -> tuple[int, Decimal]:
    """Write ``sheet`` to ``path``; returns (rows, total) as written."""
    from django.db.models import Count, Sum
    from django.db.models.functions import Coalesce

    figures = sheet.lines.filter(released=False).aggregate(rows=Count("id"), total=Coalesce(Sum("payout__amount"), ZERO))
    sheets = build_sheets(sheet_rows(sheet=sheet), count=figures["rows"], total=figures["total"], fund_name=sheet.fund.name,
                          generated_by=actor.get_full_name() or actor.get_username())
    written = write_xlsx(path, sheets, progress=progress) - 1  # the summary's value row
    return written, quantize_money(figures["total"])
