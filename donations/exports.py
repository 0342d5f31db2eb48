"""The campaign spreadsheet: the same tables the campaign page shows, of confirmed money."""
from __future__ import annotations

from donations.models import Campaign
from reliefdesk.xlsx import Sheet


def campaign_sheets(campaign: Campaign, summary: dict) -> list[Sheet]:
    # Totals and breakdowns are of confirmed money; recorded and voided gifts are listed apart, not added in.
    overview = Sheet(
        title="汇总",
        header=["募捐活动", "基金", "开始日期", "结束日期", "目标金额(元)", "已确认笔数", "已确认合计(元)", "完成比例(%)",
                "待确认笔数", "待确认金额(元)", "已作废笔数", "已作废金额(元)"],
        rows=[[campaign.name, campaign.fund.name, campaign.starts_on, campaign.ends_on, campaign.target,
               summary["count"], summary["total"], summary["progress"],
               summary["recorded"]["count"], summary["recorded"]["total"],
               summary["voided"]["count"], summary["voided"]["total"]]],
        widths=[28, 36, 12, 12, 14, 10, 16, 12, 10, 16, 10, 16],
        money_columns=[4, 6, 9, 11],
    )
    units = Sheet(
        title="单位排名",
        header=["名次", "单位", "笔数", "金额(元)"],
        rows=[[rank, row["unit"], row["count"], row["total"]] for rank, row in enumerate(summary["units"], start=1)],
        widths=[8, 36, 8, 16],
        money_columns=[3],
    )
    channels = Sheet(
        title="按渠道",
        header=["渠道", "笔数", "金额(元)"],
        rows=[[str(row["label"]), row["count"], row["total"]] for row in summary["channels"]],
        widths=[16, 8, 16],
        money_columns=[2],
    )
    months = Sheet(
        title="按月份",
        header=["月份", "笔数", "金额(元)"],
        rows=[[f"{row['month']:%Y-%m}", row["count"], row["total"]] for row in summary["months"]],
        widths=[12, 8, 16],
        money_columns=[2],
    )
    return [overview, units, channels, months]
