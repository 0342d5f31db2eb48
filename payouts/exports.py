"""The payout spreadsheet for the bank (拨付清单).

Its shape is fixed (DOMAIN.md, "Codes that other systems and people rely
on"): a bank's batch-transfer upload reads it. Sheet 拨付明细 has one header
row then one row per payout; sheet 汇总 one header row and one value row.
The rows come from the sheet's lines in their fixed order, so exporting the
same sheet again gives the same rows.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
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


COPY_MARK = "副本"


@dataclass(frozen=True)
class CopyOf:
    """A download after the first export: its ordinal (1 for the first copy) and when the original was taken."""

    ordinal: int
    first_exported_at: dt.datetime


def copy_row(copy: CopyOf) -> tuple:
    """The row under 汇总's value row that says the file is a copy and must not go to the bank."""
    first = timezone.localtime(copy.first_exported_at)
    return (COPY_MARK, f"第{copy.ordinal}份", f"原件于{first:%Y-%m-%d %H:%M}导出；副本不得提交银行", None, None)


def build_sheets(rows: Iterable[Sequence], *, count: int, total: Decimal, fund_name: str, generated_by: str,
                 generated_at=None, copy: CopyOf | None = None) -> list[Sheet]:
    """The two sheets of the workbook, from already built detail rows; a copy says so under 汇总's figures."""
    generated_at = generated_at or timezone.now()
    summary = [(count, quantize_money(total), fund_name, generated_at, generated_by)]
    if copy is not None:
        summary.append(copy_row(copy))
    return [
        Sheet(title=DETAIL_TITLE, header=DETAIL_HEADER, rows=rows, widths=DETAIL_WIDTHS,
              money_columns=[AMOUNT_COLUMN], text_columns=TEXT_COLUMNS),
        Sheet(title=SUMMARY_TITLE, header=SUMMARY_HEADER, rows=summary, widths=SUMMARY_WIDTHS, money_columns=[1]),
    ]


def write_payout_sheet(sheet: PayoutSheet, path: str | os.PathLike, *, actor, copy: CopyOf | None = None,
                       progress: Callable[[int], None] | None = None) -> tuple[int, Decimal]:
    """Write ``sheet`` to ``path`` (marked as a copy when ``copy``); returns (rows, total) as written."""
    from django.db.models import Count, Sum
    from django.db.models.functions import Coalesce

    figures = sheet.lines.filter(released=False).aggregate(rows=Count("id"), total=Coalesce(Sum("payout__amount"), ZERO))
    sheets = build_sheets(sheet_rows(sheet=sheet), count=figures["rows"], total=figures["total"], fund_name=sheet.fund.name,
                          generated_by=actor.get_full_name() or actor.get_username(), copy=copy)
    written = write_xlsx(path, sheets, progress=progress) - len(sheets[1].rows)  # the summary's rows
    return written, quantize_money(figures["total"])
