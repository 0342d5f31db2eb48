"""The dashboard's tables, built once for the page and for the xlsx download.

Each table is a header and rows from the same selectors, so the
spreadsheet holds exactly the numbers the page shows.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from reports.selectors import Dashboard
from reliefdesk.xlsx import Sheet, xlsx_response


@dataclass
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[Sequence]
    money_columns: Sequence[int] = field(default_factory=list)
    numeric_columns: Sequence[int] = field(default_factory=list)

    def cells(self) -> list[list[tuple[object, str]]]:
        """Rows as (value, kind) pairs for the template: kind is money, number or text."""
        money, numeric = set(self.money_columns), set(self.numeric_columns)
        return [
            [(value, "money" if i in money else "number" if i in numeric else "text") for i, value in enumerate(row)]
            for row in self.rows
        ]

    def header_cells(self) -> list[tuple[str, bool]]:
        right = set(self.money_columns) | set(self.numeric_columns)
        return [(title, i in right) for i, title in enumerate(self.header)]

    def sheet(self) -> Sheet:
        widths = [max(12, min(40, len(str(title)) * 2 + 4)) for title in self.header]
        return Sheet(title=self.title, header=self.header, rows=self.rows, widths=widths,
                     money_columns=self.money_columns)


def _figure_header() -> list[str]:
    return [_("Received"), _("Verified (eligible)"), _("Approved"), _("Rejected"), _("Returned"), _("Withdrawn"),
            _("Paid (count)"), _("Paid (yuan)")]


def _figures(row: dict) -> list:
    return [row["received"], row["verified"], row["approved"], row["rejected"], row["returned"], row["withdrawn"],
            row["paid_count"], row["paid_amount"]]


def overview_table(dashboard: Dashboard) -> Table:
    o = dashboard.overview
    header = [_("Period"), *_figure_header(), _("Median days to payment"), _("90th percentile days to payment")]
    row = [dashboard.period.name_zh, *_figures(o), o["median_days"], o["p90_days"]]
    return Table("overview", _("Overview"), header, [row], money_columns=[8], numeric_columns=[1, 2, 3, 4, 5, 6, 7, 9, 10])


def category_table(dashboard: Dashboard) -> Table:
    rows = [[r["category__name"], *_figures(r)] for r in dashboard.categories]
    return Table("by_category", _("By aid category"), [_("Aid category"), *_figure_header()], rows,
                 money_columns=[8], numeric_columns=range(1, 8))


def station_table(dashboard: Dashboard) -> Table:
    rows = [[r["station__code"], r["station__name"], *_figures(r)] for r in dashboard.station_rows]
    return Table("by_station", _("By service station"), [_("Code"), _("Service station"), *_figure_header()], rows,
                 money_columns=[9], numeric_columns=range(2, 9))


def campaign_table(dashboard: Dashboard) -> Table:
    rows = [[r["campaign_name"], r["count"], r["amount"]] for r in dashboard.campaigns]
    return Table("donations_by_campaign", _("Donations by campaign"),
                 [_("Campaign"), _("Donations"), _("Amount (yuan)")], rows, money_columns=[2], numeric_columns=[1])


def unit_table(dashboard: Dashboard) -> Table:
    rows = [[r["unit"], r["count"], r["amount"]] for r in dashboard.units]
    return Table("donations_by_unit", _("Donations by unit"),
                 [_("Unit"), _("Donations"), _("Amount (yuan)")], rows, money_columns=[2], numeric_columns=[1])


def balance_table(dashboard: Dashboard) -> Table:
    rows = [
        [series.fund_name, f"{first_day:%Y-%m}", net, balance]
        for series in dashboard.balances
        for first_day, net, balance in series.months
    ]
    return Table("balance", _("Fund balance by month"),
                 [_("Fund"), _("Month"), _("Net movement (yuan)"), _("Balance at month end (yuan)")], rows,
                 money_columns=[2, 3])


# The tables of the dashboard in page order; liaisons see the station ones only.
TABLES: dict[str, Callable[[Dashboard], Table]] = {
    "overview": overview_table,
    "by_category": category_table,
    "by_station": station_table,
    "donations_by_campaign": campaign_table,
    "donations_by_unit": unit_table,
    "balance": balance_table,
}
STATION_VIEW_TABLES = ("overview", "by_category", "by_station")


def tables_for(dashboard: Dashboard) -> list[str]:
    return list(STATION_VIEW_TABLES) if dashboard.station_view else list(TABLES)


def table_response(dashboard: Dashboard, key: str):
    table = TABLES[key](dashboard)
    filename = f"reliefdesk-{key}-{dashboard.period.slug}.xlsx"
    return xlsx_response([table.sheet()], filename)
